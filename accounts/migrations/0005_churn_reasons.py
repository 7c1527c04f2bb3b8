"""The churn reasons' taxonomy, seeded from the founding documents in English, simplified and traditional Chinese.

Only missing keys are added: a CX lead's edits to a reason survive the migration run again.
"""

from django.db import migrations

REASONS = (
    ("key_person", "Key person changed", "关键人物变动", "關鍵人物異動"),
    ("competitor", "Switched to a competitor", "转用竞争对手", "改用競爭對手"),
    ("out_of_business", "Went out of business", "停业或倒闭", "停業或倒閉"),
    ("not_adopted", "Never adopted the product", "从未真正使用产品", "從未真正使用產品"),
    ("needs_unmet", "Needs not met", "需求未被满足", "需求未被滿足"),
    ("price", "Price", "价格", "價格"),
    ("product_quality", "Product quality", "产品质量", "產品品質"),
    ("support", "Support", "客户支持", "客戶支援"),
    ("other", "Other", "其他", "其他"),
)


def forward(apps, schema_editor):
    reason = apps.get_model("accounts", "ChurnReason")
    for position, (key, en, hans, hant) in enumerate(REASONS, start=1):
        reason.objects.get_or_create(
            key=key,
            defaults={"name_en": en, "name_zh_hans": hans, "name_zh_hant": hant, "position": position * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_churn_log")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
