"""The roles CX teams are given: each a Django group and the permissions it holds, declared once.

Read it as a table: a role, then what it may see and do. The migration that applies it is
`insights/migrations/0003_roles.py` (the top app's, so that every app's permissions exist); a
change here needs a new migration that calls `roles_apply` again. Applying only adds: a
permission an administrator gave a group by hand stays. A superuser has every permission.
"""

from collections.abc import Iterable, Mapping

STAFF = "CX staff"
LEAD = "CX lead"
MARKETING = "Marketing"
CSM = "Customer success"

_CASE_DESK = {  # triage: read every answer's context, work the cases
    "closedloop.view_case",
    "closedloop.change_case",
    "closedloop.view_caseactivity",
    "closedloop.add_caseactivity",
    "closedloop.view_casetrigger",
    "closedloop.view_rootcause",
    "closedloop.view_team",
    "closedloop.view_teamtouchpoint",
    "closedloop.view_slapolicy",
    "closedloop.view_caserule",
    "closedloop.view_accountriskrule",
    "closedloop.view_notetemplate",
    "feedback.view_feedbackitem",
    "feedback.view_sentimentcorrection",
    "feedback.add_sentimentcorrection",  # correct a comment's sentiment label
    "surveys.view_customer",
    "surveys.view_response",
    "surveys.view_touchpoint",
    "surveys.view_survey",
}
_INSIGHTS = {"insights.view_insights", "feedback.view_theme", "feedback.view_themeterm"}
_LOOP_SETTINGS = {  # how the loop runs: rules, SLAs, root causes, note templates, teams
    f"closedloop.{action}_{model}"
    for model in ("caserule", "accountriskrule", "slapolicy", "rootcause", "notetemplate", "team", "teamtouchpoint")
    for action in ("add", "change", "delete")
}
_THEME_MAP = {
    f"feedback.{action}_{model}" for model in ("theme", "themeterm") for action in ("add", "change", "delete")
}
_SCORECARDS = {  # how health and temperature are computed, and the daily snapshots (accounts)
    *(
        f"accounts.{action}_{model}"
        for model in ("scorecard", "scorecardmeasure")
        for action in ("view", "add", "change", "delete")
    ),
    "accounts.view_healthsnapshot",
}
_ADVOCATES = {
    "closedloop.view_advocate",
    "closedloop.change_advocate",
    "closedloop.export_advocate",
    "closedloop.view_referral",
    "closedloop.add_referral",
    "closedloop.view_advocateexport",
}

_PORTFOLIO = {  # the accounts a CSM looks after: their health, history and at-risk cases
    "accounts.view_account",
    "accounts.change_account",
    "accounts.view_accountsignal",
    "accounts.view_healthsnapshot",
    "accounts.view_scorecard",
    "accounts.view_scorecardmeasure",
}

_CHURN_LOG = {  # why accounts leave: the records a CSM keeps, and the reasons' taxonomy they are recorded with
    "accounts.view_churnrecord",
    "accounts.add_churnrecord",
    "accounts.change_churnrecord",
    "accounts.view_churnreason",
}
_CHURN_REASONS = {f"accounts.{action}_churnreason" for action in ("add", "change", "delete")}
_WEBHOOKS = {  # endpoints that receive the platform's events, their delivery logs: resend, replay
    *(f"webhooks.{action}_endpoint" for action in ("view", "add", "change", "delete")),
    "webhooks.view_delivery",
    "webhooks.change_delivery",  # resend a delivery, replay events
    "webhooks.view_attempt",
    "webhooks.view_event",
}
_CHURN_REVIEW_ALL = {"accounts.view_churn_review_all"}  # every CSM's monthly churn review, not only one's own
# the team's chat robots (docs/chat-alerts.md), and the log of what was sent to them
_CHAT_ALERTS = {f"webhooks.{action}_chatchannel" for action in ("view", "add", "change", "delete")} | {
    "webhooks.view_chatmessage"
}

ROLES: dict[str, frozenset[str]] = {
    STAFF: frozenset(_CASE_DESK | _INSIGHTS),
    LEAD: frozenset(
        _CASE_DESK
        | _INSIGHTS
        | _LOOP_SETTINGS
        | _THEME_MAP
        | _ADVOCATES
        | _SCORECARDS
        | _PORTFOLIO
        | _CHURN_LOG
        | _CHURN_REASONS
        | _CHURN_REVIEW_ALL
        | _WEBHOOKS
        | _CHAT_ALERTS
    ),
    MARKETING: frozenset({"surveys.view_customer"} | _ADVOCATES),
    CSM: frozenset(_CASE_DESK | _INSIGHTS | _PORTFOLIO | _CHURN_LOG),
}


def roles_apply(apps, roles: Mapping[str, Iterable[str]] = ROLES) -> None:
    """Create each role's group and grant it its permissions (in a migration: `apps` is the historical registry).

    Permissions are otherwise created only after every migration ran, so they are created here
    first. A permission named here that no app declares is an error, not a silent gap.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        models_module, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = models_module
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, permissions in roles.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = {tuple(permission.split(".", 1)) for permission in permissions}
        found = permission_model.objects.filter(
            content_type__app_label__in={app for app, _ in wanted}, codename__in={code for _, code in wanted}
        ).select_related("content_type")
        granted = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in granted}
        if missing:
            raise RuntimeError(f"Permissions not found for {name}: {sorted('.'.join(m) for m in missing)}")
        group.permissions.add(*granted)
