"""The roles (groups and their permissions), the root-cause taxonomy, SLAs, rules and note templates as shipped."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "CX staff"
LEAD = "CX lead"
MARKETING = "Marketing"

# app label -> codenames
STAFF_PERMISSIONS = {
    "closedloop": [
        "view_case",
        "change_case",
        "view_caseactivity",
        "add_caseactivity",
        "view_casetrigger",
        "view_rootcause",
        "view_team",
        "view_teamtouchpoint",
        "view_slapolicy",
        "view_caserule",
        "view_notetemplate",
    ],
    "feedback": ["view_feedbackitem"],
    "surveys": ["view_customer", "view_response", "view_touchpoint", "view_survey"],
}
LEAD_EXTRA = {
    "closedloop": [
        f"{action}_{model}"
        for model in ("caserule", "slapolicy", "rootcause", "notetemplate", "team", "teamtouchpoint")
        for action in ("add", "change", "delete")
    ],
}
MARKETING_PERMISSIONS = {"surveys": ["view_customer"]}

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
        "{resolution}\n\nIf anything is still not right, just reply to this email.\n\n(Case {case})",
    ),
    "zh-hans": (
        "关于您的反馈，我们已经处理",
        "{name}，您好：\n\n感谢您告诉我们您的体验。我们已经跟进处理：\n\n{resolution}\n\n"
        "如仍有问题，请直接回复本邮件。\n\n（工单 {case}）",
    ),
    "zh-hant": (
        "關於您的回饋，我們已經處理",
        "{name}，您好：\n\n感謝您告訴我們您的體驗。我們已經跟進處理：\n\n{resolution}\n\n"
        "如仍有問題，請直接回覆本郵件。\n\n（工單 {case}）",
    ),
}


def _grant(apps, group, permissions):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in permissions.items():
        found = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(found.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found: {app_label} {sorted(missing)}")
        group.permissions.add(*found)


def forward(apps, schema_editor):
    for app_config in apps.get_app_configs():  # permissions are otherwise created only after all migrations
        models_module, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    staff, _ = Group.objects.get_or_create(name=STAFF)
    lead, _ = Group.objects.get_or_create(name=LEAD)
    marketing, _ = Group.objects.get_or_create(name=MARKETING)
    _grant(apps, staff, STAFF_PERMISSIONS)
    _grant(apps, lead, STAFF_PERMISSIONS)
    _grant(apps, lead, LEAD_EXTRA)
    _grant(apps, marketing, MARKETING_PERMISSIONS)

    Team = apps.get_model("closedloop", "Team")
    Team.objects.get_or_create(name=STAFF, defaults={"group": staff, "is_default": True})
    RootCause = apps.get_model("closedloop", "RootCause")
    for position, (key, name_en, name_zh) in enumerate(ROOT_CAUSES):
        RootCause.objects.get_or_create(key=key, defaults={"name_en": name_en, "name_zh": name_zh, "position": position})
    SlaPolicy = apps.get_model("closedloop", "SlaPolicy")
    for priority, hours in SLA_HOURS.items():
        SlaPolicy.objects.get_or_create(priority=priority, defaults={"hours": hours})
    apps.get_model("closedloop", "CaseRule").objects.get_or_create(survey_id=None)
    NoteTemplate = apps.get_model("closedloop", "NoteTemplate")
    for language, (subject, body) in NOTES.items():
        NoteTemplate.objects.get_or_create(language=language, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [
        ("closedloop", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("feedback", "0002_feedbackitem_consent_to_contact_and_more"),
        ("surveys", "0003_customer_indexes_in_composites"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
