"""The closed loop's shipped defaults (closedloop.defaults): root causes, SLAs, the default rule, team and notes.

It also granted the first roles their permissions; roles are now declared in common.roles and
applied by insights 0003, so a database migrated before keeps what it was given and a new one
gets the same.
"""

from django.db import migrations

from closedloop.defaults import defaults_apply


def forward(apps, schema_editor):
    defaults_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("closedloop", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("feedback", "0002_feedbackitem_consent_to_contact_and_more"),
        ("surveys", "0003_customer_indexes_in_composites"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
