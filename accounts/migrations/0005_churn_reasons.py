"""The churn reasons' taxonomy (accounts.defaults), seeded in English, simplified and traditional Chinese."""

from django.db import migrations

from accounts.defaults import churn_reasons_apply



def forward(apps, schema_editor):
    churn_reasons_apply(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_churn_log")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
