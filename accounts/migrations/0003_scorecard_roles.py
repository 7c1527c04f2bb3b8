"""CX leads edit the scorecards and read the daily snapshots (common.roles)."""

from django.db import migrations

from common.roles import LEAD, ROLES


def _grant(apps, schema_editor):
    from common.roles import roles_apply

    roles_apply(apps, {LEAD: {p for p in ROLES[LEAD] if p.startswith("accounts.")}})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_default_scorecards"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(_grant, migrations.RunPython.noop)]
