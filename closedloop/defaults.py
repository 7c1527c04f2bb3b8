"""What the closed loop ships with: root causes, SLAs, the default case rule and team, notes, account risk rules.

Applied by closedloop's migration 0002 (and put back by the tests after a flush). Only what is
missing is created: an entry staff changed or deleted in the admin is not brought back by a
later call for another one.
"""

DEFAULT_TEAM = "CX staff"  # the team of the "CX staff" role's group (common.roles)

ROOT_CAUSES = [
    ("product-bug", "Product bug", "产品缺陷"),
    ("data-sync", "Data sync / integration", "数据同步 / 集成"),
    ("support-responsiveness", "Support responsiveness", "客服响应"),
    ("pricing-billing", "Pricing / billing", "价格 / 账单"),
    ("onboarding-training", "Onboarding / training", "上手 / 培训"),
    ("missing-feature", "Missing feature", "缺少功能"),
    ("account-change", "Account or key-contact change", "账户或关键联系人变更"),
    ("competitor", "Competitor", "竞争对手"),
    ("delivery-logistics", "Delivery / logistics", "交付 / 物流"),
    ("other", "Other", "其他"),
]
SLA_HOURS = {1: 24, 2: 48, 3: 72, 4: 120}
NOTES = {
    "en": (
        "We have looked into your feedback",
        "Hello {name},\n\nThank you for telling us about your experience. We looked into it:\n\n"
        "{resolution}\n\n{follow_up}\n\n(Case {case})",
    ),
    "zh-hans": (
        "关于您的反馈，我们已经处理",
        "{name}，您好：\n\n感谢您告诉我们您的体验。我们已经跟进处理：\n\n{resolution}\n\n"
        "{follow_up}\n\n（工单 {case}）",
    ),
    "zh-hant": (
        "關於您的回饋，我們已經處理",
        "{name}，您好：\n\n感謝您告訴我們您的體驗。我們已經跟進處理：\n\n{resolution}\n\n"
        "{follow_up}\n\n（工單 {case}）",
    ),
}


def account_risk_rules_apply(apps) -> None:
    """Create the account risk rules that are missing, as closedloop.account_rules ships them."""
    from closedloop.account_rules import DEFAULT_RULES

    AccountRiskRule = apps.get_model("closedloop", "AccountRiskRule")
    for reason, rule in DEFAULT_RULES.items():
        AccountRiskRule.objects.get_or_create(
            reason=reason, defaults={"enabled": rule.enabled, "threshold": rule.threshold, "priority": rule.priority}
        )


def defaults_apply(apps) -> None:
    """Create what is missing of the shipped defaults (`apps`: a migration's historical registry, or the live one)."""
    Group = apps.get_model("auth", "Group")
    staff, _ = Group.objects.get_or_create(name=DEFAULT_TEAM)
    Team = apps.get_model("closedloop", "Team")
    Team.objects.get_or_create(name=DEFAULT_TEAM, defaults={"group": staff, "is_default": True})
    RootCause = apps.get_model("closedloop", "RootCause")
    for position, (key, name_en, name_zh) in enumerate(ROOT_CAUSES):
        RootCause.objects.get_or_create(
            key=key, defaults={"name_en": name_en, "name_zh": name_zh, "position": position}
        )
    SlaPolicy = apps.get_model("closedloop", "SlaPolicy")
    for priority, hours in SLA_HOURS.items():
        SlaPolicy.objects.get_or_create(priority=priority, defaults={"hours": hours})
    apps.get_model("closedloop", "CaseRule").objects.get_or_create(survey_id=None)
    NoteTemplate = apps.get_model("closedloop", "NoteTemplate")
    for language, (subject, body) in NOTES.items():
        NoteTemplate.objects.get_or_create(language=language, defaults={"subject": subject, "body": body})
    if "accountriskrule" in {model._meta.model_name for model in apps.get_app_config("closedloop").get_models()}:
        account_risk_rules_apply(apps)  # not yet at migration 0002
