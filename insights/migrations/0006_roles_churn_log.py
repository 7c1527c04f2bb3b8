"""The churn log in the roles (common.roles): CSMs and CX leads view, add and change churn records; leads edit the
reasons. The roles applied again, which only adds."""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0005_roles_account_risk_rules"),
        ("accounts", "0005_churn_reasons"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
