"""Answers keep the customer's plan and account as they were; score rollups count answers per day and month."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def forward(apps, schema_editor):
    Customer = apps.get_model("surveys", "Customer")
    Response = apps.get_model("surveys", "Response")
    customer = Customer.objects.filter(pk=OuterRef("customer_id"))
    Response.objects.filter(customer__isnull=False).update(
        plan=Subquery(customer.values("plan")[:1]), account=Subquery(customer.values("account")[:1])
    )
    # Count the answers already stored (a migration at install time finds none). This runs the
    # service as it is now, not a frozen copy: a later change to the rollup models must keep it
    # working, or squash this migration.
    from surveys.services.rollups import score_rollups_rebuild

    score_rollups_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0003_customer_indexes_in_composites'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScoreChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('survey_id', models.BigIntegerField()),
                ('touchpoint_id', models.BigIntegerField(default=0)),
                ('locale', models.CharField(blank=True, max_length=8)),
                ('plan', models.CharField(blank=True, max_length=100)),
                ('submitted_at', models.DateTimeField()),
                ('score', models.SmallIntegerField()),
                ('change', models.SmallIntegerField(default=1)),
            ],
            options={
                'verbose_name': 'score change',
                'verbose_name_plural': 'score changes',
            },
        ),
        migrations.CreateModel(
            name='ScoreRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grain', models.CharField(choices=[('day', 'day'), ('month', 'month'), ('day_all', 'day, all segments'), ('month_all', 'month, all segments')], max_length=9)),
                ('bucket', models.DateField()),
                ('survey_id', models.BigIntegerField()),
                ('touchpoint_id', models.BigIntegerField(default=0)),
                ('locale', models.CharField(blank=True, max_length=8)),
                ('plan', models.CharField(blank=True, max_length=100)),
                ('s0', models.IntegerField(default=0)),
                ('s1', models.IntegerField(default=0)),
                ('s2', models.IntegerField(default=0)),
                ('s3', models.IntegerField(default=0)),
                ('s4', models.IntegerField(default=0)),
                ('s5', models.IntegerField(default=0)),
                ('s6', models.IntegerField(default=0)),
                ('s7', models.IntegerField(default=0)),
                ('s8', models.IntegerField(default=0)),
                ('s9', models.IntegerField(default=0)),
                ('s10', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name': 'score rollup',
                'verbose_name_plural': 'score rollups',
                'permissions': [('view_insights', 'Can see the insights dashboard and metrics')],
            },
        ),
        migrations.AddField(
            model_name='response',
            name='account',
            field=models.CharField(blank=True, max_length=200, verbose_name='account'),
        ),
        migrations.AddField(
            model_name='response',
            name='plan',
            field=models.CharField(blank=True, max_length=100, verbose_name='plan'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['account', 'submitted_at'], name='response_account_time'),
        ),
        migrations.AddConstraint(
            model_name='scorerollup',
            constraint=models.UniqueConstraint(fields=('grain', 'bucket', 'survey_id', 'touchpoint_id', 'locale', 'plan'), name='score_rollup_cell'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
