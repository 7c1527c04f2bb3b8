"""A customer belongs to an account: each distinct `account` text becomes an Account with that external id.

The column keeps its name and its text (the account's external id), so the answers' snapshots and the
statements that write customers read it as before; an empty text becomes NULL (no account).
"""

import django.db.models.deletion
from django.db import migrations, models


def _accounts_from_texts(apps, schema_editor):
    customer_model = apps.get_model("surveys", "Customer")
    account_model = apps.get_model("accounts", "Account")
    customer_model.objects.filter(account="").update(account=None)
    texts = set(customer_model.objects.exclude(account=None).values_list("account", flat=True).distinct())
    known = set(account_model.objects.filter(external_id__in=texts).values_list("external_id", flat=True))
    account_model.objects.bulk_create(
        [account_model(external_id=text, name=text) for text in sorted(texts - known)], batch_size=1000
    )


def _texts_from_accounts(apps, schema_editor):
    apps.get_model("surveys", "Customer").objects.filter(account=None).update(account="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("surveys", "0010_verbose_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customer",
            name="account",
            field=models.CharField(blank=True, db_index=True, max_length=200, null=True, verbose_name="account"),
        ),
        migrations.RunPython(_accounts_from_texts, _texts_from_accounts),
        migrations.AlterField(
            model_name="customer",
            name="account",
            field=models.ForeignKey(
                blank=True,
                db_column="account",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="customers",
                to="accounts.account",
                to_field="external_id",
                verbose_name="account",
            ),
        ),
    ]
