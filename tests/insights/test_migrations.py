"""Upgrading moves `view_insights` from surveys to insights with everyone who holds it, on SQLite and PostgreSQL.

Each test takes the database back to the previous release (surveys 0006, no insights app yet),
sets up what an installation of it holds, migrates forward and checks; the database ends fully migrated.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

PREVIOUS_RELEASE = [("surveys", "0006_response_idempotency_key"), ("insights", None)]


def _migrate(targets=None):
    """Migrate to `targets` (default: every app's latest); return the models as they then stand."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    loader = MigrationLoader(connection)  # what is applied now
    return loader.project_state([key for key in loader.applied_migrations if key in loader.graph.nodes]).apps


@pytest.fixture
def previous_release(transactional_db):
    """The database as the previous release left it; put back to the latest migrations afterwards, whatever happens."""
    try:
        yield _migrate(PREVIOUS_RELEASE)
    finally:
        _migrate()


def _old_permission(apps):
    """surveys.view_insights as the previous release had it (post_migrate made it there)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="surveys", model="scorerollup")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_insights",
        defaults={"name": "Can see the insights dashboard and metrics"},
    )
    return permission


def _holds(user_or_group, perm: str) -> bool:
    app_label, codename = perm.split(".")
    return user_or_group.permissions.filter(content_type__app_label=app_label, codename=codename).exists()


@pytest.mark.django_db(transaction=True)
def test_upgrading_moves_view_insights_with_every_group_and_user_holding_it(previous_release, django_user_model):
    apps = previous_release
    rollup = apps.get_model("surveys", "ScoreRollup")
    assert [codename for codename, _name in rollup._meta.permissions] == ["view_insights"]  # still on surveys
    old = _old_permission(apps)
    OldGroup, OldUser = apps.get_model("auth", "Group"), apps.get_model("auth", "User")
    OldGroup.objects.create(name="Analysts").permissions.add(old)
    reader = OldUser.objects.create(username="reader", is_staff=True, is_active=True)
    reader.user_permissions.add(old)
    OldGroup.objects.get(name="CX staff").permissions.add(old)
    roles_without = OldGroup.objects.filter(name__in=("CX staff", "CX lead")).exclude(permissions=old).count()
    rollup.objects.create(grain="day", bucket="2026-11-30", survey_id=1, s9=4)
    links = (OldGroup.permissions.through.objects, OldUser.user_permissions.through.objects)
    counts = (Permission.objects, OldGroup.objects, OldUser.objects, *links)
    before = [rows.count() for rows in counts]

    _migrate()

    for group in ("Analysts", "CX staff", "CX lead"):
        assert _holds(Group.objects.get(name=group), "insights.view_insights"), group
        assert not _holds(Group.objects.get(name=group), "surveys.view_insights"), group
    user = django_user_model.objects.get(username="reader")
    assert user.has_perm("insights.view_insights")
    assert not user.has_perm("surveys.view_insights")
    moved = Permission.objects.get(codename="view_insights")
    assert moved.pk == old.pk  # the same row, so every grant of it came along
    assert (moved.content_type.app_label, moved.content_type.model) == ("insights", "insightsaccess")
    # nothing lost, nothing doubled: only the roles that lacked it gained a grant
    assert [rows.count() for rows in counts] == [*before[:3], before[3] + roles_without, before[4]]
    from surveys.models import ScoreRollup

    assert ScoreRollup.objects.values_list("grain", "survey_id", "s9").get() == ("day", 1, 4)


@pytest.mark.django_db(transaction=True)
def test_an_installation_without_the_permission_gets_it_for_cx_staff_and_leads(previous_release):
    apps = previous_release
    apps.get_model("auth", "Permission").objects.filter(codename="view_insights").delete()

    _migrate()

    assert Permission.objects.filter(codename="view_insights").count() == 1
    for role in ("CX staff", "CX lead"):
        assert _holds(Group.objects.get(name=role), "insights.view_insights")
    assert not _holds(Group.objects.get(name="Marketing"), "insights.view_insights")


@pytest.mark.django_db(transaction=True)
def test_the_migrations_reverse_the_move():
    try:
        apps = _migrate(PREVIOUS_RELEASE)
        back = apps.get_model("auth", "Permission").objects.get(codename="view_insights")
        assert (back.content_type.app_label, back.content_type.model) == ("surveys", "scorerollup")
    finally:
        _migrate()
    assert Permission.objects.get(codename="view_insights").content_type.app_label == "insights"


@pytest.mark.django_db(transaction=True)
def test_when_both_permissions_exist_the_old_one_s_holders_get_the_new_one(previous_release):
    apps = previous_release
    old = _old_permission(apps)
    ContentType = apps.get_model("contenttypes", "ContentType")
    insights_type, _ = ContentType.objects.get_or_create(app_label="insights", model="insightsaccess")
    new = apps.get_model("auth", "Permission").objects.create(
        content_type=insights_type, codename="view_insights", name="Can see the insights dashboard and metrics"
    )
    apps.get_model("auth", "Group").objects.create(name="Analysts").permissions.add(old)

    _migrate()

    assert list(Permission.objects.filter(codename="view_insights").values_list("pk", flat=True)) == [new.pk]
    for group in ("Analysts", "CX staff", "CX lead"):
        assert _holds(Group.objects.get(name=group), "insights.view_insights"), group
