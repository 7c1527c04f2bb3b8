"""surveys' SQL: any_of, the prepared answer statement, and each PostgreSQL fast path against its portable twin.

The both-paths tests run every scenario on the fast path and on the portable path (forced with
common.sql.portable_paths) from the same rows and compare what they return and store; on SQLite
only the portable path runs (tests/sql_paths.py).
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Customer, Invitation, Response
from surveys.services.responses import CustomerIdentity, response_submit
from tests.sql_paths import same_on_each_path
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory
from webhooks.models import Event


def _check_any_of():
    wang, lee, _other = CustomerFactory(external_id="王小明"), CustomerFactory(external_id="lee"), CustomerFactory()
    found = Customer.objects.filter(external_id__any_of=["王小明", "lee", "nobody"])
    assert set(found) == {wang, lee}
    assert list(Customer.objects.filter(external_id__any_of=[])) == []
    invitation = InvitationFactory(customer=wang)
    assert list(Invitation.objects.filter(customer_id__any_of={wang.id})) == [invitation]
    assert list(Invitation.objects.filter(customer__any_of=[lee.id])) == []
    # the same statement text whatever the number of values
    with CaptureQueriesContext(connection) as captured:
        list(Customer.objects.filter(external_id__any_of=["a"]))
        list(Customer.objects.filter(external_id__any_of=[str(i) for i in range(300)]))
    first, second = (query["sql"] for query in captured.captured_queries)
    if connection.vendor == "postgresql":
        assert "= ANY(" in first
        assert len(second) < len(first) + 3000  # the values travel as one array, not 300 placeholders
        assert " IN (" not in second


@pytest.mark.django_db
def test_any_of_finds_the_same_rows_as_in():
    _check_any_of()


@pytest.mark.postgres
@pytest.mark.django_db
def test_any_of_sends_one_array_on_postgresql():
    assert connection.vendor == "postgresql"
    _check_any_of()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_answer_statement_is_prepared_once_it_has_run_a_few_times():
    survey = SurveyFactory(kind="nps")
    for n in range(6):  # psycopg prepares a statement on its fifth run on a connection
        identity = CustomerIdentity(external_id=f"客户-{n % 2}", email="wang@example.cn")
        comment = "退款太慢了 😡 refund took weeks"
        response_submit(survey_key=survey.public_key, score=n, comment=comment, customer=identity)
        response_submit(survey_key=survey.public_key, score=9)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["WITH %answer AS%"])
        assert cursor.fetchone()[0] == 2
    assert Response.objects.filter(survey=survey).count() == 12


# --- Both paths on the same data: PostgreSQL's fast path and the portable path ----------------------


@pytest.mark.postgres
def test_the_portable_paths_can_be_forced_on_postgresql():
    from common.sql import portable_paths, postgresql_paths

    assert postgresql_paths()
    with portable_paths():
        assert not postgresql_paths()
    assert postgresql_paths()


def _stored_answers() -> dict:
    """What the answers wrote, by what they are rather than by id (ids differ between the two runs)."""
    from feedback.models import FeedbackItem
    from surveys.models import ScoreChange

    responses = Response.objects.order_by("submitted_at", "score", "comment").values_list(
        "score",
        "classification",
        "comment",
        "locale",
        "plan",
        "account",
        "customer__external_id",
        "idempotency_key",
        "channel",
        "consent_to_contact",
        "touchpoint__key",
        "submitted_at",
    )
    items = FeedbackItem.objects.order_by("given_at", "score", "text").values_list(
        "source",
        "text",
        "given_at",
        "survey_kind",
        "score",
        "classification",
        "touchpoint_key",
        "locale",
        "consent_to_contact",
        "customer_external_id",
        "customer_email",
        "customer_name",
        "customer_value",
        "customer_plan",
        "customer_account",
        "status",
        "attempts",
        "claimed_by",
    )
    linked = FeedbackItem.objects.filter(source="response").values_list("source_id", "customer_id")
    by_response = dict(Response.objects.values_list("id", "customer_id"))
    changes = ScoreChange.objects.order_by("submitted_at", "score").values_list(
        "touchpoint_id", "locale", "plan", "submitted_at", "score", "change"
    )
    customers = Customer.objects.order_by("external_id").values_list(
        "external_id", "email", "name", "locale", "plan", "account", "value"
    )
    events = Event.objects.values_list("type", "object_id", "data", "fanned_out")
    return {
        "events": sorted((kind, json.dumps(data, sort_keys=True), done) for kind, _id, data, done in events),
        "events_are_their_answers": sorted(object_id for _kind, object_id, _data, _done in events)
        == sorted(Response.objects.values_list("id", flat=True)),
        "responses": list(responses),
        "items": list(items),
        "items_point_at_their_answers": all(by_response.get(source) == customer for source, customer in linked),
        "changes": list(changes),
        "customers": list(customers),
    }


@pytest.mark.django_db
def test_an_answer_stores_the_same_rows_on_both_paths():
    from decimal import Decimal

    from django.utils import timezone

    from surveys.services.responses import IdempotencyKeyReused
    from tests.surveys.factories import TouchpointFactory

    survey = SurveyFactory(kind="nps")
    TouchpointFactory(key="checkout")
    CustomerFactory(
        external_id="known", email="k@example.com", plan="pro", account="Acme 株式会社", value=Decimal("12.50")
    )
    moment = timezone.now().replace(microsecond=0)

    def answers():
        submit = {"survey_key": survey.public_key}
        outcomes = [
            response_submit(**submit, score=3, comment="退款太慢了 😡", submitted_at=moment, touchpoint_key="checkout"),
            response_submit(**submit, score=9, submitted_at=moment, locale="zh-hans", consent_to_contact=True),
            response_submit(
                **submit,
                score=10,
                comment="great",
                submitted_at=moment,
                customer=CustomerIdentity(external_id="new-王", email="w@example.cn", name="王小明", locale="zh-hans"),
            ),
            response_submit(
                **submit,
                score=7,
                comment="ok",
                submitted_at=moment,
                customer=CustomerIdentity(external_id="known", email="other@example.com", name="Not changed"),
            ),
            response_submit(**submit, score=0, comment="keyed", submitted_at=moment, idempotency_key="key-1"),
            response_submit(**submit, score=0, comment="keyed", submitted_at=moment, idempotency_key="key-1"),
        ]
        with pytest.raises(IdempotencyKeyReused):
            response_submit(**submit, score=1, comment="keyed", submitted_at=moment, idempotency_key="key-1")
        stored = _stored_answers()
        stored["outcomes"] = [(o.classification, o.replayed) for o in outcomes]
        stored["replay_returns_the_first_id"] = outcomes[-1].id == outcomes[-2].id
        return stored

    stored = same_on_each_path(answers)
    assert stored["outcomes"] == [
        ("detractor", False),
        ("promoter", False),
        ("promoter", False),
        ("passive", False),
        ("detractor", False),
        ("detractor", True),
    ]
    assert stored["replay_returns_the_first_id"]
    assert stored["items_point_at_their_answers"]
    assert len(stored["responses"]) == len(stored["items"]) == len(stored["changes"]) == 5
    known = next(item for item in stored["items"] if item[9] == "known")
    assert known[10:15] == ("k@example.com", known[11], Decimal("12.50"), "pro", "Acme 株式会社")  # the stored customer
    assert ("known", "k@example.com") in [c[:2] for c in stored["customers"]]  # an answer never changes a customer
    # one response.created event per stored answer (none for the replay), the stored customer in it
    assert stored["events_are_their_answers"]
    assert [kind for kind, _data, _done in stored["events"]] == ["response.created"] * 5
    by_comment = {data["comment"]: data for data in (json.loads(e[1]) for e in stored["events"])}
    assert by_comment["ok"]["customer"] == {"external_id": "known", "email": "k@example.com", "name": known[11]}
    assert (by_comment["ok"]["account"], by_comment["ok"]["plan"]) == ("Acme 株式会社", "pro")
    assert by_comment["great"]["customer"] == {"external_id": "new-王", "email": "w@example.cn", "name": "王小明"}
    assert by_comment["退款太慢了 😡"]["customer"] is None
    assert by_comment["退款太慢了 😡"]["touchpoint"] == "checkout"
    assert by_comment["退款太慢了 😡"]["survey"] == {"id": survey.id, "kind": "nps"}


@pytest.mark.django_db
def test_an_event_batch_stores_the_same_rows_on_both_paths():
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from surveys.models import TouchpointEvent
    from surveys.services.events import CustomerRecord, EventInput, touchpoint_events_record
    from tests.surveys.factories import ContactRuleFactory, TouchpointFactory

    now = timezone.now().replace(microsecond=0)
    email_tp, link_tp = TouchpointFactory(key="support"), TouchpointFactory(key="delivery")
    ContactRuleFactory(touchpoint=email_tp, channel="email", delay_minutes=0, cooldown_days=30)
    ContactRuleFactory(touchpoint=link_tp, channel="link", delay_minutes=60)
    CustomerFactory(external_id="known", email="k@example.com", plan="free", value=Decimal("1.00"))
    events = [
        EventInput("support", CustomerRecord("known", plan="pro", value=Decimal("99.90")), event_id="e1"),
        EventInput("support", CustomerRecord("known"), event_id="e2"),  # cooldown: skipped
        EventInput("delivery", CustomerRecord("新客户", email="x@example.cn", name="李雷", locale="zh-hans")),
        EventInput("support", CustomerRecord("no-email", name="Nobody")),  # no email: skipped
        EventInput("nowhere", CustomerRecord("known")),  # refused
        EventInput("support", CustomerRecord("known"), event_id="e1"),  # the same event again in the batch
        EventInput("delivery", CustomerRecord("late"), occurred_at=now - timedelta(hours=2)),
    ]

    def batch():
        outcomes = touchpoint_events_record(events=events, now=now)
        again = touchpoint_events_record(events=events[:1], now=now)  # a resent event
        return {
            "outcomes": [
                (o.decision, o.reason, o.channel, o.send_at, o.duplicate, o.token is not None)
                if hasattr(o, "decision")
                else o.fields
                for o in [*outcomes, *again]
            ],
            "events": list(
                TouchpointEvent.objects.order_by("customer__external_id", "event_id", "touchpoint__key").values_list(
                    "event_id",
                    "touchpoint__key",
                    "customer__external_id",
                    "survey_id",
                    "occurred_at",
                    "received_at",
                    "decision",
                    "reason",
                    "invitation__channel",
                )
            ),
            "invitations": list(
                Invitation.objects.order_by("customer__external_id", "touchpoint__key").values_list(
                    "survey_id",
                    "touchpoint__key",
                    "customer__external_id",
                    "channel",
                    "locale",
                    "status",
                    "created_at",
                    "send_at",
                    "expires_at",
                    "send_attempts",
                    "last_error",
                )
            ),
            "customers": list(
                Customer.objects.order_by("external_id").values_list(
                    "external_id", "email", "name", "locale", "account", "plan", "value", "consent_to_contact"
                )
            ),
        }

    stored = same_on_each_path(batch)
    assert [o[0] if isinstance(o, tuple) else "refused" for o in stored["outcomes"]] == [
        "invited",
        "skipped",
        "invited",
        "skipped",
        "refused",
        "invited",
        "invited",
        "invited",
    ]
    assert stored["outcomes"][-1][4]  # the resent event is a duplicate
    assert len(stored["events"]) == 5
    assert len(stored["invitations"]) == 3
    known = next(row for row in stored["customers"] if row[0] == "known")
    assert known[5:7] == ("pro", Decimal("99.90"))  # what the event gave; the rest kept


@pytest.mark.django_db
def test_the_fold_gives_the_same_rollups_on_both_paths(settings):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from surveys.models import ScoreChange, ScoreRollup
    from surveys.services.rollups import score_rollups_fold
    from tests.surveys.factories import TouchpointFactory

    settings.TIME_ZONE = "Asia/Shanghai"
    survey, other = SurveyFactory(kind="nps"), SurveyFactory(kind="csat")
    touchpoint = TouchpointFactory(key="checkout")
    shanghai = ZoneInfo("Asia/Shanghai")
    moments = [  # either side of midnight and of a month's end, in Shanghai
        datetime(2024, 1, 31, 23, 59, tzinfo=shanghai),
        datetime(2024, 2, 1, 0, 1, tzinfo=shanghai),
        datetime(2024, 2, 1, 0, 1, tzinfo=shanghai) + timedelta(days=3),
    ]
    for n, moment in enumerate(moments * 3):
        ScoreChange.objects.create(
            survey_id=(survey if n % 2 else other).id,
            touchpoint_id=touchpoint.id if n % 3 else 0,
            locale=["en", "zh-hans", ""][n % 3],
            plan=["pro", ""][n % 2],
            submitted_at=moment,
            score=n % 11 if n % 2 else 1 + n % 5,
            change=-1 if n == 4 else 1,
        )

    def fold():
        folded = score_rollups_fold()
        cells = ScoreRollup.objects.order_by("grain", "bucket", "survey_id", "touchpoint_id", "locale", "plan")
        return folded, list(
            cells.values_list(
                "grain", "bucket", "survey_id", "touchpoint_id", "locale", "plan", *(f"s{n}" for n in range(11))
            )
        )

    folded, cells = same_on_each_path(fold)
    assert folded == 9
    assert {cell[0] for cell in cells} == {"day", "month", "day_all", "month_all"}
    assert {cell[1].isoformat() for cell in cells if cell[0] == "day_all"} == {"2024-01-31", "2024-02-01", "2024-02-04"}
