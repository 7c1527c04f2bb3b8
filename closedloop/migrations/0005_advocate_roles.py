"""Marketing and CX leads were granted the advocate permissions here.

Roles are now declared in common.roles and applied by insights 0003.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("closedloop", "0004_advocates")]

    operations = []
