"""`view_insights` moves from surveys (ScoreRollup) to insights, with everyone who holds it.

The permission row itself moves (its content type changes), so every group and user holding
`surveys.view_insights` holds `insights.view_insights` afterwards. A database that never had it
gets it here. CX staff and CX leads are granted it, as closedloop 0009 granted the old one.
Reversing moves the row back.
"""

from django.conf import settings
from django.db import migrations

CODENAME = "view_insights"
NAME = "Can see the insights dashboard and metrics"
SURVEYS = ("surveys", "scorerollup")
INSIGHTS = ("insights", "insightsaccess")
ROLES = ("CX staff", "CX lead")


def _move(apps, source, target):
    """Give the permission the target's content type, keeping its holders; return it (None if there is none)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    app_label, model = target
    target_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    moved = Permission.objects.filter(content_type=target_type, codename=CODENAME).first()
    old = Permission.objects.filter(
        content_type__app_label=source[0], content_type__model=source[1], codename=CODENAME
    ).first()
    if old is None:
        return moved
    if moved is None:
        old.content_type = target_type
        old.save(update_fields=["content_type"])
        return old
    # Both exist (the target's was created meanwhile): the old one's holders get the target's.
    for group in Group.objects.filter(permissions=old):
        group.permissions.add(moved)
    for user in User.objects.filter(user_permissions=old):
        user.user_permissions.add(moved)
    old.delete()
    return moved


def forward(apps, schema_editor):
    permission = _move(apps, SURVEYS, INSIGHTS)
    if permission is None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        content_type, _ = ContentType.objects.get_or_create(app_label=INSIGHTS[0], model=INSIGHTS[1])
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=CODENAME, defaults={"name": NAME}
        )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def backward(apps, schema_editor):
    _move(apps, INSIGHTS, SURVEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("surveys", "0007_view_insights_moves_to_insights"),
        ("closedloop", "0009_insights_roles"),  # the roles, with what they held before
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forward, backward)]
