"""The case desk may correct a comment's sentiment label (common.roles): the roles applied again, which only adds."""

from django.db import migrations

from common.roles import roles_apply


def forward(apps, schema_editor):
    roles_apply(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0003_roles"),
        ("feedback", "0004_feedbackitem_corrected_label_sentimentcorrection"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
