"""CX staff and CX leads were granted the insights and theme permissions here.

Roles are now declared in common.roles and applied by insights 0003.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("closedloop", "0008_advocate_list_indexes"),
        ("surveys", "0004_segments_and_score_rollups"),
        ("feedback", "0003_themes"),
    ]

    operations = []
