"""Webhooks in the roles (common.roles): CX leads subscribe endpoints, read their delivery logs, resend and
replay. The roles applied again, which only adds."""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0007_roles_churn_review"),
        ("webhooks", "0001_outbox"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
