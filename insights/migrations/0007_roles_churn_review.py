"""The monthly churn review in the roles (common.roles): CX leads see every CSM's review
(accounts.view_churn_review_all); a CSM sees their own. The roles applied again, which only adds."""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0006_roles_churn_log"),
        ("accounts", "0007_churn_review_permission"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
