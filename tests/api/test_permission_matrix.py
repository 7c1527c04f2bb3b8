"""Who may call what: every API operation in the schema, every admin list and the admin's other pages, for every role.

A new endpoint or admin page fails here until it is given its row: the matrix is the policy.
"""

import json

import pytest
from django.contrib import admin
from rest_framework.test import APIClient

from tests.surveys.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "respondent", "cx_staff", "cx_lead", "marketing", "superuser")
EVERYONE = set(ROLES)
CX = {"cx_staff", "cx_lead", "superuser"}
ADVOCATES = {"cx_lead", "marketing", "superuser"}

API = {
    ("get", "/api/v1/public/surveys/{public_key}/"): EVERYONE,
    ("post", "/api/v1/public/responses/"): EVERYONE,
    ("get", "/api/v1/surveys/"): CX,
    ("get", "/api/v1/surveys/{id}/definition/"): CX,
    ("post", "/api/v1/surveys/definitions/"): {"superuser"},  # a new survey: those who may add one
    ("get", "/api/v1/responses/"): CX,
    ("get", "/api/v1/responses/export/"): CX,
    ("post", "/api/v1/touchpoint-events/"): {"superuser"},  # and integration accounts given the permission
    ("post", "/api/v1/touchpoint-events/batch/"): {"superuser"},
    ("get", "/api/v1/metrics/advocates/"): ADVOCATES,
    ("get", "/api/v1/metrics/scores/"): CX,
    ("get", "/api/v1/metrics/answers/"): CX,
    ("get", "/api/v1/metrics/breakdown/"): CX,
    ("get", "/api/v1/metrics/drivers/"): CX,
    ("get", "/api/v1/metrics/loop/"): CX,
    ("get", "/api/v1/metrics/response-rates/"): CX,
    ("get", "/api/v1/metrics/retention/"): CX,
    ("get", "/api/v1/metrics/health-backtest/"): CX,
    # why accounts leave: the churn log's readers (CX leads, customer success) among the insights' readers
    ("get", "/api/v1/metrics/churn-reasons/"): {"cx_lead", "superuser"},
    # what customers ask for: the insights' readers who may also read accounts (their MRR), CX leads
    ("get", "/api/v1/metrics/requests/"): {"cx_lead", "superuser"},
    ("get", "/api/v1/metrics/requests/export/"): {"cx_lead", "superuser"},
    ("get", "/api/v1/cases/"): CX,
    ("get", "/api/v1/cases/{id}/"): CX,
    ("patch", "/api/v1/cases/{id}/"): CX,
    ("post", "/api/v1/cases/{id}/notes/"): CX,
    ("get", "/api/v1/advocates/export/"): ADVOCATES,
    ("post", "/api/v1/referrals/"): ADVOCATES,
    ("delete", "/api/v1/customers/{external_id}/"): {"superuser"},
    # accounts: CX leads (and customer success) read them; integration accounts are given the right to push
    ("get", "/api/v1/accounts/"): {"cx_lead", "superuser"},
    ("post", "/api/v1/accounts/"): {"superuser"},
    ("get", "/api/v1/accounts/{external_id}/"): {"cx_lead", "superuser"},
    ("get", "/api/v1/accounts/{external_id}/health-history/"): {"cx_lead", "superuser"},
    ("post", "/api/v1/account-signals/"): {"superuser"},
    # the churn log: CX leads (and customer success) read and record it
    ("get", "/api/v1/accounts/{external_id}/churn/"): {"cx_lead", "superuser"},
    ("post", "/api/v1/accounts/{external_id}/churn/"): {"cx_lead", "superuser"},
    # webhooks: CX leads subscribe endpoints, read their delivery logs, resend and replay
    **{
        (method, f"/api/v1/webhooks/{path}"): {"cx_lead", "superuser"}
        for method, path in (
            ("get", ""),
            ("post", ""),
            ("get", "event-types/"),
            ("get", "dead-letters/"),
            ("get", "{id}/"),
            ("patch", "{id}/"),
            ("delete", "{id}/"),
            ("post", "{id}/rotate-secret/"),
            ("get", "{id}/deliveries/"),
            ("get", "{id}/deliveries/{delivery_id}/"),
            ("post", "{id}/deliveries/{delivery_id}/resend/"),
            ("post", "{id}/resend-failed/"),
            ("post", "{id}/replay/"),
        )
    },
}

CASE_DESK = {"cx_staff", "cx_lead", "superuser"}
ADMIN = {
    "auth.group": {"superuser"},
    "auth.user": {"superuser"},
    "authtoken.tokenproxy": {"superuser"},
    "importers.columnmapping": {"superuser"},  # importing history: superusers only (importers.run_import)
    "closedloop.case": CASE_DESK,
    "accounts.account": {"cx_lead", "superuser"},
    "accounts.scorecard": {"cx_lead", "superuser"},
    "accounts.healthsnapshot": {"cx_lead", "superuser"},
    "accounts.churnrecord": {"cx_lead", "superuser"},
    "accounts.churnreason": {"cx_lead", "superuser"},
    "webhooks.chatchannel": {"cx_lead", "superuser"},
    "webhooks.chatmessage": {"cx_lead", "superuser"},
    "closedloop.caserule": CASE_DESK,
    "closedloop.accountriskrule": CASE_DESK,
    "closedloop.notetemplate": CASE_DESK,
    "closedloop.rootcause": CASE_DESK,
    "closedloop.slapolicy": CASE_DESK,
    "closedloop.team": CASE_DESK,
    "closedloop.advocate": ADVOCATES,
    "closedloop.advocateexport": ADVOCATES,
    "closedloop.referral": ADVOCATES,
    "feedback.feedbackitem": CASE_DESK,
    "feedback.theme": CASE_DESK,
    "surveys.customer": EVERYONE - {"anonymous", "respondent"},  # marketing needs the customers of its advocates
    "surveys.response": CASE_DESK,
    "surveys.survey": CASE_DESK,
    "surveys.touchpoint": CASE_DESK,
    "surveys.contactrule": {"superuser"},
    "surveys.invitation": {"superuser"},
    "surveys.touchpointevent": {"superuser"},
    "surveys.erasure": {"superuser"},
    "webhooks.endpoint": {"cx_lead", "superuser"},
    "webhooks.delivery": {"cx_lead", "superuser"},
    "webhooks.event": {"cx_lead", "superuser"},
}
# Admin pages that are no model's list: the insights dashboard needs insights.view_insights; why accounts leave
# needs it and accounts.view_churnrecord; what customers ask for (and its download) needs it, accounts.view_account
# and feedback.view_feedbackitem; the monthly churn review needs accounts.view_churnrecord (a CSM sees
# their own list, a holder of view_churn_review_all every CSM's); the weights the back-test suggests for the
# default health scorecard need accounts.change_scorecard.
ADMIN_PAGES = {
    "/admin/insights/": CX,
    "/admin/insights/answers/": CX,
    "/admin/surveys/survey/import/": {"superuser"},
    "/admin/insights/churn-reasons/": {"cx_lead", "superuser"},
    "/admin/insights/requests/": {"cx_lead", "superuser"},
    "/admin/insights/requests/export/": {"cx_lead", "superuser"},
    "/admin/accounts/churnrecord/review/": {"cx_lead", "superuser"},
    "/admin/accounts/scorecard/{scorecard}/suggestion/": {"cx_lead", "superuser"},
    "/admin/webhooks/endpoint/{endpoint}/rotate-secret/": {"cx_lead", "superuser"},
    "/admin/webhooks/endpoint/{endpoint}/resend-failed/": {"cx_lead", "superuser"},
    "/admin/webhooks/endpoint/{endpoint}/replay/": {"cx_lead", "superuser"},
}


@pytest.fixture
def clients(django_user_model, user_with_role):
    survey = SurveyFactory(kind="nps")
    invitation = InvitationFactory(survey=survey)
    made = {"anonymous": APIClient()}
    respondent = APIClient()  # a respondent holds an invitation token; it opens nothing but their survey
    respondent.credentials(HTTP_AUTHORIZATION=f"Token {invitation.token}")
    made["respondent"] = respondent
    for role, group in (("cx_staff", "CX staff"), ("cx_lead", "CX lead"), ("marketing", "Marketing")):
        client = APIClient()
        client.force_authenticate(user_with_role(group, role))
        made[role] = client
    root = APIClient()
    root.force_authenticate(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    made["superuser"] = root
    return made, survey


def _operations(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    return {
        (method, path) for path, ops in paths.items() for method in ops if method in ("get", "post", "patch", "delete")
    }


def test_the_matrix_covers_every_operation_in_the_schema(clients):
    made, _survey = clients
    assert _operations(made["anonymous"]) == set(API)


@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_each_role_gets_in_only_where_the_matrix_says(clients, method, path):
    made, survey = clients
    url = path.format(public_key=survey.public_key, id=999_999, external_id="nobody", delivery_id=999_999)
    for role in ROLES:
        call = getattr(made[role], method)
        response = call(url, data=json.dumps({}), content_type="application/json") if method != "get" else call(url)
        allowed = response.status_code not in (401, 403)
        assert allowed == (role in API[(method, path)]), (role, method, path, response.status_code)
        assert response.status_code < 500, (role, method, path, response.status_code)


def test_the_admin_matrix_covers_every_registered_model():
    assert {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry} == set(ADMIN)


@pytest.fixture
def admin_users(django_user_model, user_with_role) -> dict:
    users = {"anonymous": None}
    for role, group in (("cx_staff", "CX staff"), ("cx_lead", "CX lead"), ("marketing", "Marketing")):
        users[role] = user_with_role(group, role)
    users["superuser"] = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    return users


def _check_admin_page(client, users, url, allowed):
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/admin/login/" in response["Location"]  # noqa: PT018
            continue
        assert (response.status_code == 200) == (role in allowed), (role, url, response.status_code)
        assert response.status_code in (200, 403), (role, url, response.status_code)


@pytest.mark.parametrize("model", sorted(ADMIN))
def test_each_role_sees_an_admin_list_only_where_the_matrix_says(client, admin_users, model):
    app_label, name = model.split(".")
    _check_admin_page(client, admin_users, f"/admin/{app_label}/{name}/", ADMIN[model])


@pytest.mark.parametrize("url", sorted(ADMIN_PAGES))
def test_each_role_sees_an_admin_page_only_where_the_matrix_says(client, admin_users, url):
    from accounts.models import Scorecard
    from webhooks.models import Endpoint

    SurveyFactory(kind="nps")
    scorecard = Scorecard.objects.get(kind="health", stage="")
    endpoint = Endpoint.objects.create(url="https://hooks.example.com/", events=["case.opened"], secret="whsec_x")
    page = url.format(scorecard=scorecard.pk, endpoint=endpoint.pk)
    _check_admin_page(client, admin_users, page, ADMIN_PAGES[url])
