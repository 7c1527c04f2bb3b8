"""Marketing and CX leads see advocates, their referrals and the export log, and may export advocates."""

import importlib

from django.db import migrations

ROLES = importlib.import_module("closedloop.migrations.0002_roles_and_defaults")

ADVOCATE_PERMISSIONS = {
    "closedloop": [
        "view_advocate",
        "change_advocate",
        "export_advocate",
        "view_referral",
        "add_referral",
        "view_advocateexport",
    ],
}


def forward(apps, schema_editor):
    ROLES.forward(apps, schema_editor)  # the groups, and every permission created so far
    Group = apps.get_model("auth", "Group")
    for name in (ROLES.LEAD, ROLES.MARKETING):
        ROLES._grant(apps, Group.objects.get(name=name), ADVOCATE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("closedloop", "0004_advocates")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
