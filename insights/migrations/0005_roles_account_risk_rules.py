"""Accounts in the roles (common.roles): customer success managers get a role, the desk reads the account risk
rules, leads edit them and the scorecards. The roles applied again, which only adds."""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0004_roles_correct_sentiment"),
        ("closedloop", "0017_account_risk"),
        ("accounts", "0003_scorecard_roles"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
