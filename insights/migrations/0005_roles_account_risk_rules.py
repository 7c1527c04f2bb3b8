"""The desk reads the account risk rules and leads edit them (common.roles): the roles applied again, which only adds."""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0004_roles_correct_sentiment"),
        ("closedloop", "0017_account_risk"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
