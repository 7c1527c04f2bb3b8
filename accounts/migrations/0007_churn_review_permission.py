"""A permission on churn records: seeing every CSM's monthly churn review (the CX lead's completion view)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_signal_mrr_index'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='churnrecord',
            options={'ordering': ('-date', '-id'), 'permissions': [('view_churn_review_all', "Can see every CSM's churn review")], 'verbose_name': 'churn record', 'verbose_name_plural': 'churn records'},
        ),
    ]
