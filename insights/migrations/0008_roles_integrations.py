"""Integrations in the roles (common.roles): CX leads subscribe webhook endpoints, read their delivery logs, resend
and replay, and set up the team's chat channels. The roles applied again, which only adds."""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0007_roles_churn_review"),
        ("webhooks", "0002_chat_alerts"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
