"""What the account work ships with: the churn reasons' taxonomy, from the founding documents, in three languages.

Applied by accounts' migration 0005 (and by the demo, and by the tests after a flush). Only
missing keys are added: a CX lead's edits to a reason survive a later call.
"""

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


def churn_reasons_apply(apps) -> None:
    """Add the reasons whose keys are missing (`apps`: the historical registry in a migration, else django.apps)."""
    reason = apps.get_model("accounts", "ChurnReason")
    for position, (key, en, hans, hant) in enumerate(REASONS, start=1):
        reason.objects.get_or_create(
            key=key,
            defaults={"name_en": en, "name_zh_hans": hans, "name_zh_hant": hant, "position": position * 10},
        )
