"""CX staff and CX leads see the insights dashboard and the metrics API; CX leads edit the theme map.

The dashboard's permission, `view_insights`, now belongs to the insights app: insights 0002
grants it to these roles (surveys no longer declares it, so a new database has none to grant here).
"""

import importlib

from django.db import migrations

ADVOCATES = importlib.import_module("closedloop.migrations.0005_advocate_roles")
ROLES = ADVOCATES.ROLES

INSIGHTS_PERMISSIONS = {"feedback": ["view_theme", "view_themeterm"]}
THEME_EDITING = {
    "feedback": ["add_theme", "change_theme", "delete_theme", "add_themeterm", "change_themeterm", "delete_themeterm"]
}


def forward(apps, schema_editor):
    ADVOCATES.forward(apps, schema_editor)  # the groups and every earlier grant
    Group = apps.get_model("auth", "Group")
    for name in (ROLES.STAFF, ROLES.LEAD):
        ROLES._grant(apps, Group.objects.get(name=name), INSIGHTS_PERMISSIONS)
    ROLES._grant(apps, Group.objects.get(name=ROLES.LEAD), THEME_EDITING)


class Migration(migrations.Migration):
    dependencies = [
        ("closedloop", "0008_advocate_list_indexes"),
        ("surveys", "0004_segments_and_score_rollups"),
        ("feedback", "0003_themes"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
