"""Touchpoint events: the contact policy's decisions, idempotency, batches, and bad input."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from surveys.models import Customer, Invitation, TouchpointEvent
from tests.surveys.factories import ContactRuleFactory, CustomerFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/touchpoint-events/"
BATCH_URL = "/api/v1/touchpoint-events/batch/"


@pytest.fixture
def support_rule():
    return ContactRuleFactory(
        survey=SurveyFactory(kind="ces", name="CES after support"), touchpoint=TouchpointFactory(key="support-ticket")
    )


def event(external_id="shop-1", **extra):
    customer = {"external_id": external_id, "email": f"{external_id}@shop.example", "locale": "zh-hans"}
    return {"touchpoint": "support-ticket", "customer": customer, **extra}


def test_an_event_invites_and_the_email_goes_out_in_the_customers_language(
    staff_client, support_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        res = staff_client.post(URL, event(), format="json")
    assert res.status_code == 202, res.content
    body = res.json()
    assert (body["decision"], body["reason"], body["duplicate"]) == ("invited", "invited", False)
    assert body["invitation"]["channel"] == "email"
    invitation = Invitation.objects.get(pk=body["invitation"]["id"])
    assert invitation.status == Invitation.Status.SENT  # tasks run in-process in the embedded setup
    (message,) = mail.outbox
    assert message.to == ["shop-1@shop.example"]
    assert message.subject == support_rule.survey.question_zh_hans
    assert '<html lang="zh-hans">' in message.alternatives[0][0]
    html = message.alternatives[0][0]
    for score in range(1, 8):
        assert f"/s/{invitation.token}/?score={score}" in html
    assert f"/u/{invitation.token}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_customer_is_upserted_with_what_the_event_gives(staff_client, support_rule):
    CustomerFactory(external_id="shop-2", email="old@shop.example", plan="Starter", name="Old name")
    staff_client.post(
        URL, event("shop-2", customer={"external_id": "shop-2", "plan": "Growth", "value": "199.00"}), format="json"
    )
    customer = Customer.objects.get(external_id="shop-2")
    assert (customer.plan, str(customer.value), customer.email, customer.name) == (
        "Growth",
        "199.00",
        "old@shop.example",
        "Old name",
    )


def test_a_repeated_event_id_changes_nothing_and_returns_the_first_decision(
    staff_client, support_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(URL, event(event_id="ticket-881"), format="json").json()
        again = staff_client.post(URL, event(event_id="ticket-881"), format="json").json()
    assert again == {**first, "duplicate": True}
    assert Invitation.objects.count() == 1
    assert TouchpointEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_cooldown_skips_a_second_event_and_the_reason_is_recorded(staff_client, support_rule):
    staff_client.post(URL, event(), format="json")
    res = staff_client.post(URL, event(), format="json").json()
    assert (res["decision"], res["reason"], res["invitation"]) == ("skipped", "cooldown", None)
    assert "cooldown" in res["reason_text"]
    assert list(TouchpointEvent.objects.order_by("id").values_list("reason", flat=True)) == ["invited", "cooldown"]


def test_an_unsubscribed_customer_is_never_asked(staff_client, support_rule):
    CustomerFactory(external_id="gone", unsubscribed_at="2026-01-01T00:00:00Z")
    res = staff_client.post(URL, event("gone"), format="json").json()
    assert (res["decision"], res["reason"]) == ("skipped", "unsubscribed")


def test_unknown_touchpoint_is_a_400_listing_the_known_keys(staff_client, support_rule):
    TouchpointFactory(key="delivery")
    res = staff_client.post(URL, {**event(), "touchpoint": "checkout"}, format="json")
    assert res.status_code == 400
    (message,) = res.json()["error"]["fields"]["touchpoint"]
    assert "checkout" in message
    assert "delivery, support-ticket" in message
    assert TouchpointEvent.objects.count() == 0


def test_malformed_customer_is_a_400_naming_the_field(staff_client, support_rule):
    res = staff_client.post(
        URL, {**event(), "customer": {"external_id": "x", "email": "nope", "value": -3}}, format="json"
    )
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"customer.email", "customer.value"}


def test_events_need_a_staff_token(api_client, support_rule):
    assert api_client.post(URL, event(), format="json").status_code == 401


def test_a_batch_answers_per_event_in_order(staff_client, support_rule):
    events = [
        event("b-1", event_id="e-1"),
        event("b-2"),
        {**event("b-3"), "touchpoint": "nowhere"},
        event("b-1", event_id="e-2"),  # same customer again: cooldown, decided within the batch
        event("b-1", event_id="e-1"),  # the same event twice in one batch
        {"touchpoint": "support-ticket", "customer": {"email": "no-id@x.example"}},
    ]
    res = staff_client.post(BATCH_URL, {"events": events}, format="json")
    assert res.status_code == 202
    results = res.json()["results"]
    assert [r["index"] for r in results] == list(range(6))
    assert [r.get("reason") for r in results] == ["invited", "invited", None, "cooldown", "invited", None]
    assert results[4]["duplicate"] is True
    assert results[4]["invitation"] == results[0]["invitation"]
    assert "touchpoint" in results[2]["error"]["fields"]
    assert "customer.external_id" in results[5]["error"]["fields"]
    assert Invitation.objects.count() == 2
    assert TouchpointEvent.objects.count() == 3


def test_a_batch_over_500_is_refused(staff_client, support_rule):
    res = staff_client.post(BATCH_URL, {"events": [event(f"c-{i}") for i in range(501)]}, format="json")
    assert res.status_code == 400
    assert "events" in res.json()["error"]["fields"]


def test_a_delayed_invitation_waits_for_its_time(staff_client, support_rule):
    support_rule.delay_minutes = 60
    support_rule.save()
    res = staff_client.post(URL, event(), format="json").json()
    invitation = Invitation.objects.get(pk=res["invitation"]["id"])
    assert invitation.status == Invitation.Status.SCHEDULED
    assert invitation.send_at > invitation.created_at + timedelta(minutes=59)
    assert mail.outbox == []


@pytest.mark.postgres  # SQLite's bulk inserts split by its limit on query parameters
def test_a_batch_takes_the_same_few_queries_whatever_its_size(staff_client, support_rule):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int, prefix: str) -> int:
        events = [event(f"{prefix}-{i}", event_id=f"{prefix}-e-{i}") for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            res = staff_client.post(BATCH_URL, {"events": events}, format="json")
        assert res.status_code == 202
        return len(captured.captured_queries)

    small, large = queries_for(5, "small"), queries_for(300, "large")
    assert large == small
    assert large <= 20


WELL_FORMED = [
    {"touchpoint": "support-ticket", "customer": {"external_id": "a-1"}},
    {"touchpoint": "delivery", "event_id": "e-1", "survey": 3, "customer": {"external_id": "王-1", "email": ""}},
    {
        "touchpoint": "renewal",
        "customer": {
            "external_id": "acct-9",
            "email": "lin@shop.example",
            "name": "林美玲 🎉",
            "locale": "zh-TW",
            "account": "台北麵包坊",
            "plan": "Growth",
            "value": "199.50",
        },
    },
    {"touchpoint": "in-app", "customer": {"external_id": "x", "locale": "", "value": None, "name": ""}},
    {
        "touchpoint": "renewal",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).astimezone().isoformat(),
        "customer": {"external_id": "t-1", "value": 1200.5, "name": "陳大文 😀"},
    },
    {
        "touchpoint": "renewal",
        "occurred_at": (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.%f+08:00"),
        "customer": {"external_id": "t-2", "value": 30},
    },
]
FOR_THE_SERIALIZER = [
    {"touchpoint": "in-app", "customer": {"external_id": " padded "}},  # DRF trims; the fast path declines
    {"touchpoint": "in-app", "occurred_at": "2026-11-01T10:00:00", "customer": {"external_id": "t"}},  # naive
    {"touchpoint": "in-app", "occurred_at": "2001-01-01T10:00:00Z", "customer": {"external_id": "t"}},  # too old
    {"touchpoint": "in-app", "occurred_at": "yesterday", "customer": {"external_id": "t"}},
    {"touchpoint": "in-app", "occurred_at": 1763798400, "customer": {"external_id": "t"}},
    {"touchpoint": "in-app", "customer": {"external_id": "v", "value": True}},
    {"touchpoint": "in-app", "customer": {"external_id": "v", "value": 1e-05}},
    {"touchpoint": "in-app", "customer": {"external_id": "v", "value": -3}},
    {"touchpoint": "in-app", "customer": {"external_id": "n", "name": "line\nbreak"}},
    {"touchpoint": "in-app", "customer": {"external_id": "e", "email": "not-an-email"}},
    {"touchpoint": "in-app", "customer": {"external_id": "l", "locale": "fr"}},
    {"touchpoint": "in app", "customer": {"external_id": "s"}},
    {"touchpoint": "in-app", "survey": True, "customer": {"external_id": "b"}},
    {"touchpoint": "in-app", "customer": {"external_id": "k", "phone": "1"}},
    "not an object",
]


@pytest.mark.parametrize("item", WELL_FORMED)
def test_the_fast_path_reads_well_formed_events_exactly_as_the_serializer_does(item):
    from surveys.api.events import EventSerializer
    from surveys.event_validation import well_formed_event

    serializer = EventSerializer(data=item)
    assert serializer.is_valid(), serializer.errors
    assert well_formed_event(item) == serializer.to_event()


@pytest.mark.parametrize("item", FOR_THE_SERIALIZER)
def test_the_fast_path_leaves_anything_unusual_to_the_serializer(item):
    from surveys.event_validation import well_formed_event

    assert well_formed_event(item) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("occurred_at", "9999-12-31T23:00:00Z"), ("occurred_at", "2999-01-01T00:00:00Z"), ("survey", 2**63)],
)
def test_out_of_range_event_values_are_a_400(staff_client, field, value):
    TouchpointFactory(key="support-ticket")
    body = {"touchpoint": "support-ticket", "customer": {"external_id": "c"}, field: value}
    res = staff_client.post(URL, body, format="json")
    assert res.status_code == 400
    assert field in res.json()["error"]["fields"]


def test_fields_given_by_earlier_events_in_a_batch_are_kept(staff_client):
    ContactRuleFactory(touchpoint=TouchpointFactory(key="support-ticket"))
    events = [
        {"touchpoint": "support-ticket", "event_id": "1", "customer": {"external_id": "m", "email": "m@x.example"}},
        {"touchpoint": "support-ticket", "event_id": "2", "customer": {"external_id": "m", "plan": "Growth"}},
    ]
    results = staff_client.post(BATCH_URL, {"events": events}, format="json").json()["results"]
    customer = Customer.objects.get(external_id="m")
    assert (customer.email, customer.plan) == ("m@x.example", "Growth")
    assert [r["reason"] for r in results] == ["invited", "cooldown"]


def test_a_named_survey_whose_rule_is_switched_off_is_not_asked(staff_client):
    rule = ContactRuleFactory(touchpoint=TouchpointFactory(key="support-ticket"), active=False)
    body = {
        "touchpoint": "support-ticket",
        "survey": rule.survey_id,
        "customer": {"external_id": "o", "email": "o@x.example"},
    }
    res = staff_client.post(URL, body, format="json").json()
    assert (res["decision"], res["reason"]) == ("skipped", "no_rule")


def test_a_link_invitation_comes_back_with_its_url(staff_client):
    ContactRuleFactory(touchpoint=TouchpointFactory(key="renewal"), channel="link")
    res = staff_client.post(URL, {"touchpoint": "renewal", "customer": {"external_id": "l"}}, format="json").json()
    invitation = Invitation.objects.get()
    assert res["invitation"]["url"].endswith(f"/s/{invitation.token}/")


def test_a_null_item_in_a_batch_is_reported_alone(staff_client):
    ContactRuleFactory(touchpoint=TouchpointFactory(key="support-ticket"))
    events = [None, {"touchpoint": "support-ticket", "customer": {"external_id": "n", "email": "n@x.example"}}]
    res = staff_client.post(BATCH_URL, {"events": events}, format="json")
    assert res.status_code == 202
    first, second = res.json()["results"]
    assert "error" in first
    assert second["decision"] == "invited"
    assert TouchpointEvent.objects.count() == 1
