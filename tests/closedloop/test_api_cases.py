"""The cases API: the queue and its filters, one case, changes and notes, who may do what."""

import json
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from closedloop import paging, selectors, services
from closedloop.api.serializers import CaseSerializer
from closedloop.models import Case, CaseActivity, RootCause
from closedloop.services import changes as case_changes
from tests.closedloop.factories import CaseFactory, CaseTriggerFactory, cases_of_every_kind

pytestmark = pytest.mark.django_db
User = get_user_model()
CASES = "/api/v1/cases/"


def client_for(user) -> APIClient:
    """A client with the user's token: each request loads the user (and its permissions) afresh."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def ids(res) -> list[int]:
    assert res.status_code == 200, res.content
    return [item["id"] for item in res.json()["results"]]


def detail(case) -> str:
    return f"{CASES}{case.pk}/"


@pytest.fixture
def agent(user_with_role):
    return user_with_role("CX staff", "li")


@pytest.fixture
def client(agent):
    return client_for(agent)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- The queue ------------------------------------------------------------------------------


def test_the_queue_is_most_urgent_first_with_what_a_row_needs(client, agent):
    now = timezone.now()
    later = CaseFactory(priority=2, due_at=now + timedelta(hours=40))
    sooner = CaseFactory(priority=2, due_at=now + timedelta(hours=10))
    urgent = CaseFactory(
        priority=1,
        owner=agent,
        root_cause=RootCause.objects.get(key="data-sync"),
        customer_external_id="acme-7",
        customer_name="Acme 华东",
        comment="订单同步失败 😡",
        keywords=["同步", "订单"],
    )

    res = client.get(CASES)

    assert ids(res) == [urgent.id, sooner.id, later.id]
    body = res.json()
    assert body["count"] == 3
    row = body["results"][0]
    assert row["owner"] == agent.id
    assert row["owner_username"] == "li"
    assert row["team"] is None
    assert row["root_cause"] == "data-sync"
    assert (row["customer"], row["customer_name"], row["comment"]) == ("acme-7", "Acme 华东", "订单同步失败 😡")
    assert row["keywords"] == ["同步", "订单"]
    assert (row["status"], row["priority"], row["reason"], row["sla"]) == ("new", 1, "detractor", "on_track")
    assert body["results"][1]["owner"] is None


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/Sao_Paulo"])
def test_each_row_is_what_the_case_serializer_makes_of_the_case(client, agent, settings, zone):
    """The list builds its rows from .values(); each must equal CaseSerializer's output for the instance."""
    settings.TIME_ZONE = zone
    cases_of_every_kind(agent)

    res = client.get(CASES)

    assert res.status_code == 200
    expected = CaseSerializer(selectors.case_list(), many=True).data
    assert res.json()["results"] == json.loads(JSONRenderer().render(expected))
    assert res.json()["results"][0]["customer_value"] == "1234.50"


def test_the_filter_form_speaks_the_language_of_each_request():
    from closedloop.api.filters import CaseFilter

    def label(language: str) -> str:
        with translation.override(language):
            return str(CaseFilter(data={}, queryset=Case.objects.none()).form.fields["since"].label)

    assert label("zh-hans") != label("en") == label("en")
    assert label("zh-hans") == label("zh-hans")


def test_status_priority_and_sla_filters_take_several_values(client):
    new = CaseFactory(status="new", priority=1)
    contacted = CaseFactory(status="contacted", priority=2, sla="at_risk")
    resolved = CaseFactory(status="resolved", priority=3, sla="met")

    assert ids(client.get(CASES, {"status": ["new", "contacted"]})) == [new.id, contacted.id]
    assert ids(client.get(CASES, {"status": "resolved"})) == [resolved.id]
    assert ids(client.get(CASES, {"priority": 2})) == [contacted.id]
    assert ids(client.get(CASES, {"priority": [1, 3]})) == [new.id, resolved.id]
    assert ids(client.get(CASES, {"sla": "at_risk"})) == [contacted.id]
    assert ids(client.get(CASES, {"sla": ["met", "on_track"]})) == [new.id, resolved.id]


def test_the_sla_filter_reads_the_state_as_it_stands_now_as_the_console_does(client):
    now = timezone.now()
    late = CaseFactory(due_at=now - timedelta(minutes=5), sla="on_track")  # before the periodic check marks it
    calm = CaseFactory(due_at=now + timedelta(days=2), sla="on_track")

    assert ids(client.get(CASES, {"sla": "on_track"})) == [calm.id]
    assert ids(client.get(CASES, {"sla": "overdue"})) == [late.id]
    assert set(ids(client.get(CASES, {"sla": ["overdue", "on_track"]}))) == {late.id, calm.id}


def test_overdue_means_open_and_past_due_now(client):
    now = timezone.now()
    overdue = CaseFactory(due_at=now - timedelta(hours=1))
    CaseFactory(due_at=now - timedelta(hours=1), status="resolved", customer_id=None)  # late, but done
    on_time = CaseFactory(due_at=now + timedelta(hours=1))

    assert ids(client.get(CASES, {"overdue": "true"})) == [overdue.id]
    assert on_time.id in ids(client.get(CASES, {"overdue": "false"}))
    assert overdue.id not in ids(client.get(CASES, {"overdue": "false"}))


def test_mine_and_owner_filter_by_owner(client, agent, user_with_role):
    colleague = user_with_role("CX staff", "wang")
    mine = CaseFactory(owner=agent)
    theirs = CaseFactory(owner=colleague)
    nobodys = CaseFactory()

    assert ids(client.get(CASES, {"mine": "true"})) == [mine.id]
    assert sorted(ids(client.get(CASES, {"mine": "false"}))) == sorted([theirs.id, nobodys.id])
    assert ids(client.get(CASES, {"owner": colleague.id})) == [theirs.id]
    assert ids(client_for(colleague).get(CASES, {"mine": "true"})) == [theirs.id]


def test_touchpoint_root_cause_language_and_customer_filters(client):
    billing = CaseFactory(touchpoint_key="billing", root_cause=RootCause.objects.get(key="pricing-billing"))
    chinese = CaseFactory(language="zh", customer_external_id="acme-7", touchpoint_key="orders")
    CaseFactory(touchpoint_key="orders")

    assert ids(client.get(CASES, {"touchpoint": "billing"})) == [billing.id]
    assert ids(client.get(CASES, {"root_cause": "pricing-billing"})) == [billing.id]
    assert ids(client.get(CASES, {"language": "zh"})) == [chinese.id]
    assert ids(client.get(CASES, {"customer": "acme-7"})) == [chinese.id]
    assert ids(client.get(CASES, {"customer": "acme"})) == []  # an exact external id


def test_q_searches_the_customer_and_the_comment_in_any_script(client):
    by_id = CaseFactory(customer_external_id="ACME-7", comment="")
    by_name = CaseFactory(customer_name="华东 Acme 集团", comment="")
    simplified = CaseFactory(comment="退款申请两周了还没处理，太失望了")
    traditional = CaseFactory(comment="App 一直閃退，很失望 😡")

    assert sorted(ids(client.get(CASES, {"q": "acme"}))) == sorted([by_id.id, by_name.id])
    assert ids(client.get(CASES, {"q": "华东"})) == [by_name.id]
    assert ids(client.get(CASES, {"q": "退款"})) == [simplified.id]
    assert ids(client.get(CASES, {"q": "閃退"})) == [traditional.id]
    assert ids(client.get(CASES, {"q": "😡"})) == [traditional.id]
    assert ids(client.get(CASES, {"q": "100%"})) == []  # a wildcard is text, not a pattern


def test_since_and_until_bound_the_opening_time(client):
    now = timezone.now()
    old = CaseFactory(opened_at=now - timedelta(days=40))
    recent = CaseFactory(opened_at=now - timedelta(days=2))
    cut = (now - timedelta(days=30)).isoformat()

    assert ids(client.get(CASES, {"since": cut})) == [recent.id]
    assert ids(client.get(CASES, {"until": cut})) == [old.id]
    # An offset PostgreSQL itself refuses (beyond ±15:59) is converted to UTC first.
    assert ids(client.get(CASES, {"since": "2000-01-01T00:00:00+18:00"})) == [old.id, recent.id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open"}, "status"),
        ({"priority": 7}, "priority"),
        ({"sla": "late"}, "sla"),
        ({"owner": "li"}, "owner"),
        ({"since": "last week"}, "since"),
        ({"until": "2024-13-01"}, "until"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(client, params, field):
    res = client.get(CASES, params)

    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invalid"
    assert field in res.json()["error"]["fields"]


def test_pages_are_bounded(client):
    CaseFactory.create_batch(201)

    res = client.get(CASES)
    assert (len(res.json()["results"]), res.json()["count"]) == (50, 201)
    assert len(client.get(CASES, {"page_size": 1000}).json()["results"]) == 200
    res = client.get(CASES, {"page_size": 100, "page": 3})
    assert (len(res.json()["results"]), res.json()["next"]) == (1, None)
    assert "page=2" in client.get(CASES, {"page_size": 2}).json()["next"]
    assert client.get(CASES, {"page": 99}).status_code == 404


@pytest.mark.postgres
def test_the_whole_queue_past_the_threshold_counts_by_postgresqls_estimate(client, monkeypatch):
    CaseFactory.create_batch(25)
    CaseFactory.create_batch(3, touchpoint_key="账单")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE closedloop_case")
    monkeypatch.setattr(paging, "ESTIMATE_FROM", 20)

    whole = client.get(CASES, {"page_size": 10}).json()  # a full page: the end of the queue is not on it
    filtered = client.get(CASES, {"touchpoint": "账单"}).json()

    assert (whole["count"], whole["count_estimated"]) == (28, True)  # ANALYZE read every row of so small a table
    assert (filtered["count"], filtered["count_estimated"]) == (3, False)
    monkeypatch.setattr(paging, "ESTIMATE_FROM", 29)
    assert client.get(CASES).json()["count_estimated"] is False


def test_a_page_takes_the_same_number_of_queries_for_5_or_50_cases(client, agent):
    cause = RootCause.objects.get(key="product-bug")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            res = client.get(CASES)
        assert res.status_code == 200
        return len(queries)

    CaseFactory.create_batch(5, owner=agent, root_cause=cause)
    five = count_queries()
    CaseFactory.create_batch(45, owner=agent, root_cause=cause)
    fifty = count_queries()

    assert len(client.get(CASES).json()["results"]) == 50
    assert five == fifty
    # token, the user's two permission lookups, PostgreSQL's estimate (too few cases to use it), count, page
    assert fifty <= 6


def test_a_filtered_page_counts_the_cases_alone_and_repeats_none(client, agent):
    """No DISTINCT over every column, and a count with no joins (both read every matching row at scale)."""
    cause = RootCause.objects.get(key="product-bug")
    CaseFactory.create_batch(3, status="assigned", owner=agent, root_cause=cause)
    CaseFactory(status="closed", owner=agent)

    with CaptureQueriesContext(connection) as queries:
        res = client.get(CASES, {"status": ["new", "assigned"], "priority": ["2", "3"], "sla": ["on_track", "at_risk"]})

    assert res.status_code == 200
    assert res.json()["count"] == len(ids(res)) == 3
    cases = [query["sql"] for query in queries.captured_queries if "closedloop_case" in query["sql"]]
    assert not any("DISTINCT" in sql for sql in cases)
    (count,) = [sql for sql in cases if "COUNT(" in sql]
    assert "JOIN" not in count


# --- One case -------------------------------------------------------------------------------


def test_a_case_shows_its_answers_and_its_log(client, agent):
    case = CaseFactory(comment="客服不回复")
    CaseTriggerFactory(  # an answer attached later; the factory made the opening one
        case=case, source_id=99, survey_kind="csat", score=1, comment="還是沒有人回覆", given_at=timezone.now()
    )
    CaseActivity.objects.create(case=case, actor=None, kind="opened", message="Opened: NPS 3.")
    services.case_note_add(case_id=case.id, actor=agent, text="Called, no answer 📞")

    res = client.get(detail(case))

    assert res.status_code == 200
    body = res.json()
    assert body["id"] == case.id
    assert body["comment"] == "客服不回复"
    assert [(a["survey_kind"], a["score"], a["comment"]) for a in body["answers"]] == [
        ("nps", 3, "客服不回复"),
        ("csat", 1, "還是沒有人回覆"),
    ]
    assert [(a["kind"], a["actor_username"], a["message"]) for a in body["activities"]] == [
        ("opened", None, "Opened: NPS 3."),
        ("note", "li", "Called, no answer 📞"),
    ]


@pytest.mark.parametrize("method", ["get", "patch"])
@pytest.mark.parametrize("pk", [987654, 2**70])
def test_an_unknown_case_is_a_404(client, method, pk):
    res = getattr(client, method)(f"{CASES}{pk}/", {}, format="json")

    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"
    assert client.post(f"{CASES}{pk}/notes/", {"text": "hi"}, format="json").status_code == 404


def test_assigning_a_new_case_makes_it_assigned_and_logs_it(client, agent, user_with_role):
    case = CaseFactory()
    colleague = user_with_role("CX staff", "wang")

    res = client.patch(detail(case), {"owner": colleague.id}, format="json")

    assert res.status_code == 200, res.content
    assert (res.json()["owner"], res.json()["owner_username"], res.json()["status"]) == (
        colleague.id,
        "wang",
        "assigned",
    )
    case.refresh_from_db()
    assert (case.owner, case.status) == (colleague, "assigned")
    log = case.activities.filter(actor=agent)
    assert set(log.values_list("kind", flat=True)) == {"assigned", "status"}

    res = client.patch(detail(case), {"owner": None, "status": "new"}, format="json")
    assert res.status_code == 200, res.content
    assert (res.json()["owner"], res.json()["status"]) == (None, "new")


def test_contacting_sets_the_first_contact_once(client, user_with_role):
    case = CaseFactory()

    res = client.patch(detail(case), {"status": "contacted", "priority": 1}, format="json")

    assert res.status_code == 200, res.content
    first = res.json()["first_contact_at"]
    assert first is not None
    assert res.json()["priority"] == 1
    client.patch(detail(case), {"status": "assigned", "owner": user_with_role("CX staff", "wang").id}, format="json")
    res = client.patch(detail(case), {"status": "contacted"}, format="json")
    assert res.json()["first_contact_at"] == first


def test_resolve_with_root_cause_and_resolution_then_close_and_reopen(client, agent):
    case = CaseFactory(owner=agent, status="contacted")

    res = client.patch(
        detail(case),
        {
            "status": "resolved",
            "root_cause": "data-sync",
            "resolution": "已修复同步问题；已修復同步問題 ✅",
            "note": "Fixed the connector",
            "resurvey_in_days": 14,
        },
        format="json",
    )

    assert res.status_code == 200, res.content
    body = res.json()
    assert (body["status"], body["sla"], body["root_cause"]) == ("resolved", "met", "data-sync")
    assert body["root_cause_name_zh"] == "数据同步 / 集成"
    assert body["resolution"] == "已修复同步问题；已修復同步問題 ✅"
    assert body["resolved_at"] is not None
    assert body["resurvey_due_at"] is not None
    assert "Fixed the connector" in [a["message"] for a in body["activities"] if a["kind"] == "note"]

    res = client.patch(detail(case), {"status": "closed"}, format="json")
    assert res.status_code == 200, res.content
    assert (res.json()["status"], res.json()["closed_at"] is not None) == ("closed", True)

    res = client.patch(detail(case), {"status": "assigned"}, format="json")
    assert res.status_code == 200, res.content
    assert (res.json()["status"], res.json()["resolved_at"], res.json()["closed_at"]) == ("assigned", None, None)
    assert res.json()["sla"] == "on_track"
    assert "Reopened: Closed → Assigned." in [a["message"] for a in res.json()["activities"]]


@pytest.mark.parametrize(
    ("start", "change", "field", "message"),
    [
        ({}, {"status": "resolved", "resolution": "Done"}, "status", "Choose a root cause before resolving the case."),
        ({}, {"status": "resolved", "root_cause": "other"}, "status", "Describe the resolution before resolving"),
        ({}, {"status": "closed"}, "status", "Only a resolved case can be closed; resolve it first."),
        ({}, {"status": "assigned"}, "status", "An assigned case needs an owner."),
        ({"status": "contacted"}, {"status": "new"}, "status", "A contacted case cannot become new."),
        ({}, {"priority": 9}, "priority", "Priority must be 1, 2, 3 or 4."),
        ({}, {"owner": 987654}, "owner", "No active member of staff has this id."),
        ({}, {"notify_customer": True}, "notify_customer", "only about a resolved case"),
        ({}, {"resurvey_in_days": 7}, "resurvey_in_days", "Only a resolved case's customer"),
        ({"status": "resolved"}, {"resurvey_in_days": 0}, "resurvey_in_days", "Between 1 and 365 days."),
        ({}, {"root_cause": "no-such-cause"}, "root_cause", "Unknown root cause 'no-such-cause'."),
        ({}, {"status": "open"}, "status", "not a valid choice"),
    ],
)
def test_a_refused_change_is_a_400_naming_the_field_and_why(client, agent, start, change, field, message):
    case = CaseFactory(**start)
    before = Case.objects.filter(pk=case.pk).values().get()
    log = case.activities.count()

    res = client.patch(detail(case), change, format="json")

    assert res.status_code == 400, res.content
    error = res.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["message"]
    assert any(message in text for text in error["fields"][field]), error
    assert Case.objects.filter(pk=case.pk).values().get() == before  # nothing of it was saved
    assert case.activities.count() == log


def test_an_inactive_root_cause_cannot_be_chosen(client):
    RootCause.objects.filter(key="competitor").update(active=False)
    case = CaseFactory()

    res = client.patch(detail(case), {"root_cause": "competitor"}, format="json")

    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"root_cause": ["Unknown or inactive root cause."]}


def test_an_owner_must_be_active_staff(client):
    outsider = User.objects.create_user("guest", password="pw-for-tests-only")
    case = CaseFactory()

    res = client.patch(detail(case), {"owner": outsider.id}, format="json")

    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"owner": ["No active member of staff has this id."]}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"colour": "red"}, {"colour"}),
        ({"status": "contacted", "stauts": "closed"}, {"stauts"}),
        ({"priority": "2"}, {"priority"}),
        ({"priority": 2.5}, {"priority"}),
        ({"priority": True}, {"priority"}),
        ({"owner": "li"}, {"owner"}),
        ({"owner": 0}, {"owner"}),
        ({"notify_customer": "yes"}, {"notify_customer"}),
        ({"resurvey_in_days": "7"}, {"resurvey_in_days"}),
        ({"resolution": 42}, {"resolution"}),
        ({"note": ["a"]}, {"note"}),
        ({"note": "x" * 10_001}, {"note"}),
        ({"status": 5, "extra": 1}, {"status", "extra"}),
        ([{"status": "contacted"}], {"non_field_errors"}),
    ],
)
def test_unknown_fields_and_wrong_types_are_a_400_naming_them(client, body, fields):
    case = CaseFactory()

    res = client.patch(detail(case), body, format="json")

    assert res.status_code == 400, res.content
    assert set(res.json()["error"]["fields"]) == fields
    assert Case.objects.get(pk=case.pk).status == "new"
    assert not CaseActivity.objects.filter(case=case).exists()


def test_malformed_json_is_a_400(client):
    case = CaseFactory()

    res = client.generic("PATCH", detail(case), "{not json", content_type="application/json")

    assert res.status_code == 400
    assert res.json()["error"]["code"] == "malformed_json"


def test_an_empty_patch_changes_nothing(client):
    case = CaseFactory()

    res = client.patch(detail(case), {}, format="json")

    assert res.status_code == 200
    assert res.json()["status"] == "new"
    assert not case.activities.exists()


def test_put_and_delete_are_not_allowed(client):
    case = CaseFactory()

    assert client.put(detail(case), {"status": "contacted"}, format="json").status_code == 405
    assert client.delete(detail(case)).status_code == 405
    assert Case.objects.filter(pk=case.pk).exists()


# --- Telling the customer -------------------------------------------------------------------


def test_notify_customer_sends_the_note_once_in_their_language(client, agent, committed):
    case = CaseFactory(owner=agent, status="contacted", locale="zh-hans", customer_name="李雷")
    resolve = {"status": "resolved", "root_cause": "product-bug", "resolution": "已修复闪退问题，请更新至 3.2 版。"}

    with committed():
        res = client.patch(detail(case), {**resolve, "notify_customer": True}, format="json")

    assert res.status_code == 200, res.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == ([case.customer_email], "关于您的反馈，我们已经处理")
    assert "李雷" in message.body
    assert "已修复闪退问题" in message.body
    case.refresh_from_db()
    assert case.customer_notified_at is not None

    with committed():
        res = client.patch(detail(case), {"notify_customer": True}, format="json")
    assert res.status_code == 400  # told once; asking again says when
    assert "already told" in res.json()["error"]["fields"]["notify_customer"][0]
    assert len(mail.outbox) == 1
    assert "notified" in [a["kind"] for a in client.get(detail(case)).json()["activities"]]


def test_a_customer_without_email_cannot_be_notified(client, agent, committed):
    case = CaseFactory(owner=agent, status="resolved", customer_email="", root_cause=RootCause.objects.get(key="other"))

    with committed():
        res = client.patch(detail(case), {"notify_customer": True}, format="json")

    assert res.status_code == 400
    assert res.json()["error"]["fields"] == {"notify_customer": ["This customer has no email address."]}
    assert mail.outbox == []


# --- Notes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "已电话联系客户，对方同意下周回访。",
        "已電話聯繫客戶，對方同意下週回訪。",
        "Called back 📞🙂 — all good 👍",
        "  trimmed  ",
    ],
)
def test_a_note_is_added_to_the_log(client, agent, text):
    case = CaseFactory()

    res = client.post(f"{detail(case)}notes/", {"text": text}, format="json")

    assert res.status_code == 201, res.content
    body = res.json()
    assert (body["kind"], body["message"], body["actor"], body["actor_username"]) == (
        "note",
        text.strip(),
        agent.id,
        "li",
    )
    note = CaseActivity.objects.get(pk=body["id"])
    assert (note.case_id, note.message) == (case.id, text.strip())
    assert client.get(detail(case)).json()["activities"][-1]["message"] == text.strip()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": 5}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"text": "ok", "pinned": True}, "pinned"),
    ],
)
def test_a_bad_note_is_a_400(client, body, field):
    case = CaseFactory()

    res = client.post(f"{detail(case)}notes/", body, format="json")

    assert res.status_code == 400
    assert field in res.json()["error"]["fields"]
    assert not case.activities.exists()


# --- Who may do what ------------------------------------------------------------------------

ROLES = {
    "anonymous": 401,
    "customer": 403,  # logged in, not staff
    "staff without a role": 403,
    "Marketing": 403,
    "CX staff outside staff": 403,  # in the group but is_staff is off
    "CX staff": None,
    "CX lead": None,
    "superuser": None,
}
ENDPOINTS = {
    "list": ("get", "", None, 200),
    "detail": ("get", "{pk}/", None, 200),
    "patch": ("patch", "{pk}/", {"priority": 1}, 200),
    "note": ("post", "{pk}/notes/", {"text": "好的"}, 201),
}


@pytest.fixture
def user_for(user_with_role):
    def make(role: str):
        if role == "anonymous":
            return None
        if role == "customer":
            return User.objects.create_user("customer", password="pw-for-tests-only")
        if role == "staff without a role":
            return user_with_role(None, "clerk")
        if role == "superuser":
            return User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
        if role == "CX staff outside staff":
            return user_with_role("CX staff", "former", is_staff=False)
        return user_with_role(role, role.lower().replace(" ", "-"))

    return make


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_only_cx_roles_may_use_the_cases_api(role, endpoint, user_for):
    case = CaseFactory()
    user = user_for(role)
    client = client_for(user) if user else APIClient()
    method, path, body, ok = ENDPOINTS[endpoint]

    res = getattr(client, method)(CASES + path.format(pk=case.pk), body, format="json")

    expected = ROLES[role] or ok
    assert res.status_code == expected, res.content
    if expected == 401:
        assert res.json()["error"]["code"] == "not_authenticated"
    if expected == 403:
        assert res.json()["error"]["code"] == "permission_denied"
    if expected >= 400:
        assert Case.objects.get(pk=case.pk).priority == 2
        assert not case.activities.exists()


def test_a_session_login_works_too(agent):
    client = APIClient()
    assert client.login(username="li", password="pw-for-tests-only")
    case = CaseFactory()

    assert client.get(CASES).status_code == 200
    res = client.patch(detail(case), {"priority": 1}, format="json")
    assert res.status_code == 200


def test_a_role_works_through_its_permissions_not_its_name(client):
    """The check reads the permissions the role carries: take change_case from CX staff and writes stop."""
    staff_group = Group.objects.get(name="CX staff")
    staff_group.permissions.remove(staff_group.permissions.get(codename="change_case"))
    case = CaseFactory()

    assert client.get(detail(case)).status_code == 200
    assert client.patch(detail(case), {"priority": 1}, format="json").status_code == 403
    assert client.post(f"{detail(case)}notes/", {"text": "hi"}, format="json").status_code == 403


# --- Two people at once ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_changing_one_case_at_once_both_land(user_with_role):
    case = CaseFactory()
    assigner, worker, colleague = (
        user_with_role("CX staff", "assigner"),
        user_with_role("CX staff", "worker"),
        user_with_role("CX staff", "colleague"),
    )
    clients = {"assigner": client_for(assigner), "worker": client_for(worker)}
    changes = {"assigner": {"owner": colleague.id}, "worker": {"status": "contacted", "priority": 1}}
    barrier = threading.Barrier(2)
    results, errors = {}, []
    check_owner = case_changes.check_owner

    def slow_check_owner(user_id):
        time.sleep(0.3)  # hold the row lock a while, so the other request must wait for it
        return check_owner(user_id)

    def patch(name):
        try:
            barrier.wait(timeout=10)
            results[name] = clients[name].patch(detail(case), changes[name], format="json")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(name,)) for name in changes]
    with mock.patch.object(case_changes, "check_owner", slow_check_owner):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert {name: res.status_code for name, res in results.items()} == {"assigner": 200, "worker": 200}
    case.refresh_from_db()
    assert (case.owner, case.status, case.priority) == (colleague, "contacted", 1)
    assert case.first_contact_at is not None
    log = set(case.activities.values_list("actor__username", "kind"))
    assert {("assigner", "assigned"), ("worker", "status"), ("worker", "priority")} <= log


def test_a_case_resolved_again_after_reopening_tells_the_customer_again(client, agent, committed):
    case = CaseFactory(owner=agent, status="contacted")
    resolve = {
        "status": "resolved",
        "root_cause": "product-bug",
        "resolution": "Fixed in 3.2.",
        "notify_customer": True,
    }
    with committed():
        client.patch(detail(case), resolve, format="json")
    client.patch(detail(case), {"status": "assigned"}, format="json")  # the fix did not hold: reopened

    with committed():
        res = client.patch(detail(case), {**resolve, "resolution": "Fixed for good in 3.3."}, format="json")

    assert res.status_code == 200
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/cases/?page_size=null&page_size=null", "page_size"),  # was: the default page size
        ("/api/v1/cases/?overdue=null", "overdue"),  # was: no filter
        ("/api/v1/cases/?since=", "since"),
        ("/api/v1/cases/?owner=", "owner"),
    ],
)
def test_a_parameter_given_empty_or_mistyped_is_a_400_naming_it(root, url, field):
    response = root.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_true_and_false_still_filter_the_queue(root):
    assert root.get("/api/v1/cases/?overdue=true&mine=false").status_code == 200
    assert root.get("/api/v1/cases/?overdue=1").status_code == 200


def test_a_page_past_the_end_is_a_documented_404(root):
    assert root.get("/api/v1/cases/?page=0").status_code == 404


@pytest.mark.parametrize("page", ["", "two", "1.5", "-1"])
def test_a_page_that_is_not_a_whole_number_is_a_400_naming_it(root, page):
    response = root.get("/api/v1/cases/", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()["error"]["fields"]


def test_a_root_cause_key_with_a_nul_character_is_a_400_naming_it(root):
    case = CaseFactory()
    response = root.patch(f"/api/v1/cases/{case.pk}/", {"root_cause": "data\x00-sync"}, format="json")
    assert response.status_code == 400, response.content  # was: a 500 on PostgreSQL
    assert response.json()["error"]["fields"]["root_cause"] == ["Unknown root cause 'data\\x00-sync'."]
