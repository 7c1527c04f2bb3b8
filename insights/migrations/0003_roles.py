"""The roles as common.roles declares them: each group with its permissions (only adds; nothing is taken away).

A change to common.roles needs a migration like this one, depending on the migrations of the
apps whose permissions it grants.
"""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0002_view_insights_from_surveys"),
        ("closedloop", "0011_advocate_snapshot_columns"),
        ("feedback", "0003_themes"),
        ("surveys", "0007_view_insights_moves_to_insights"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
