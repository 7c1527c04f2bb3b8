"""The theme map, shipped with themes that merge the English and Chinese words customers use."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

THEMES = {
    "refunds": ("Refunds", "退款", ["refund", "refunds", "refunded", "退款", "退费", "退費", "退钱", "退錢"]),
    "support": ("Support", "客服", ["support", "agent", "service", "客服", "售后", "售後", "人工"]),
    "billing": (
        "Billing",
        "账单",
        ["billing", "bill", "invoice", "invoices", "charge", "charged", "账单", "帳單", "发票", "發票", "扣费", "扣費"],
    ),
    "bugs": (
        "Bugs and crashes",
        "故障与崩溃",
        ["bug", "bugs", "crash", "crashes", "crashed", "error", "errors", "崩溃", "崩潰", "闪退", "閃退", "故障", "报错", "報錯"],
    ),
    "sync": ("Data sync", "数据同步", ["sync", "syncing", "integration", "同步", "对接", "對接"]),
    "speed": ("Speed", "速度", ["slow", "speed", "performance", "lag", "慢", "卡顿", "卡頓", "速度"]),
    "onboarding": ("Onboarding", "上手与培训", ["onboarding", "training", "setup", "培训", "培訓", "上手", "入门", "入門"]),
    "pricing": ("Pricing", "价格", ["price", "pricing", "expensive", "价格", "價格", "贵", "貴"]),
}


def forward(apps, schema_editor):
    Theme = apps.get_model("feedback", "Theme")
    ThemeTerm = apps.get_model("feedback", "ThemeTerm")
    for key, (name_en, name_zh, terms) in THEMES.items():
        theme, _ = Theme.objects.get_or_create(key=key, defaults={"name_en": name_en, "name_zh": name_zh})
        for term in terms:
            if not ThemeTerm.objects.filter(term__iexact=term).exists():
                ThemeTerm.objects.create(theme=theme, term=term)


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_feedbackitem_consent_to_contact_and_more'),
    ]

    operations = [
        migrations.CreateModel(
            name='Theme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(max_length=64, unique=True, verbose_name='key')),
                ('name_en', models.CharField(max_length=100, verbose_name='name (English)')),
                ('name_zh', models.CharField(blank=True, max_length=100, verbose_name='name (Chinese)')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'theme',
                'verbose_name_plural': 'themes',
                'ordering': ('name_en',),
            },
        ),
        migrations.CreateModel(
            name='ThemeTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(max_length=100, verbose_name='term')),
                ('theme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='terms', to='feedback.theme', verbose_name='theme')),
            ],
            options={
                'verbose_name': 'term',
                'verbose_name_plural': 'terms',
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('term'), name='theme_term_unique_any_case', violation_error_message='This term already belongs to a theme (in any mix of cases).')],
            },
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
