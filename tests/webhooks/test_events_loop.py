"""feedback.analysed, case.opened/escalated/resolved, advocate.created: each written with its change, or not at all."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from closedloop import services
from closedloop.models import Advocate, Case, RootCause, Team
from closedloop.services import CaseChange
from feedback.models import FeedbackItem
from surveys.models import Response
from tests.closedloop.factories import CaseFactory
from tests.surveys.factories import CustomerFactory, SurveyFactory, TouchpointFactory
from tests.webhooks.events import data, events

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the analysis of the answer), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def answer(api_client, committed, survey, score, comment, **body) -> Response:
    payload = {"survey": survey.public_key, "score": score, "comment": comment, **body}
    with committed():
        res = api_client.post(URL, payload, format="json")
    assert res.status_code == 201, res.content
    return Response.objects.get(pk=res.json()["id"])


def test_a_detractor_s_comment_is_analysed_then_opens_a_case(api_client, committed, user_with_role):
    agent = user_with_role("CX staff", "li")
    CustomerFactory(external_id="acme-7", email="wang@example.cn", name="王小明", account="acme")
    TouchpointFactory(key="billing")
    survey = SurveyFactory(kind="nps")

    response = answer(
        api_client,
        committed,
        survey,
        2,
        "退款申请两周了还没处理，太失望了",
        touchpoint="billing",
        customer={"external_id": "acme-7"},
    )

    assert [event.type for event in events()] == ["response.created", "feedback.analysed", "case.opened"]
    item, case = FeedbackItem.objects.get(), Case.objects.get()
    analysed = data(events("feedback.analysed")[0])
    assert (analysed["id"], analysed["response_id"]) == (item.pk, response.pk)
    assert (analysed["language"], analysed["sentiment"], analysed["account"]) == ("zh", item.label, "acme")
    assert (analysed["keywords"], analysed["polarity"]) == (item.keywords, item.polarity)
    assert (analysed["confidence"], analysed["aspects"], analysed["is_request"]) == (
        item.confidence,
        item.aspects,
        item.is_request,
    )
    assert analysed["customer"] == {"external_id": "acme-7", "email": "wang@example.cn", "name": "王小明"}
    assert analysed["comment"] == "退款申请两周了还没处理，太失望了"
    opened = data(events("case.opened")[0])
    assert (opened["id"], opened["response_id"], opened["reason"], opened["priority"]) == (
        case.pk,
        response.pk,
        "detractor",
        case.priority,
    )
    assert (opened["status"], opened["owner"], opened["touchpoint"]) == ("assigned", agent.username, "billing")
    assert (opened["escalated_at"], opened["root_cause"], opened["resolved_at"]) == (None, None, None)
    assert (opened["customer"]["external_id"], opened["comment"]) == ("acme-7", response.comment)


def test_an_answer_without_a_comment_is_not_analysed_news(api_client, committed):
    answer(api_client, committed, SurveyFactory(kind="nps"), 8, "")
    assert [event.type for event in events()] == ["response.created"]


def test_escalation_and_resolution_write_their_events_once(user_with_role):
    actor = user_with_role("CX lead", "lead")
    case = CaseFactory(due_at=timezone.now() - timedelta(hours=1), team=Team.objects.get(is_default=True))

    assert services.case_escalate(case_id=case.pk, now=timezone.now())
    assert not services.case_escalate(case_id=case.pk, now=timezone.now())  # once
    cause = RootCause.objects.get(key="other")
    services.case_change(
        case_id=case.pk,
        actor=actor,
        change=CaseChange(status=Case.Status.RESOLVED, root_cause_id=cause.pk, resolution="Refunded."),
    )
    services.case_change(case_id=case.pk, actor=actor, change=CaseChange(status=Case.Status.CLOSED))

    escalated, resolved = events()  # resolved → closed is no second resolution
    assert (escalated.type, resolved.type) == ("case.escalated", "case.resolved")
    assert escalated.object_id == resolved.object_id == case.pk
    up = data(escalated)
    assert (up["escalated_at"] is not None, up["priority"], up["resolved_at"]) == (True, 1, None)
    done = data(resolved)
    assert (done["status"], done["root_cause"]) == ("resolved", "other")
    assert (done["resolved_at"] is not None, done["customer"]["external_id"]) == (True, case.customer_external_id)


def test_a_refused_or_rolled_back_change_writes_no_event(user_with_role):
    actor = user_with_role("CX lead", "lead")
    case = CaseFactory()
    with pytest.raises(services.CaseChangeRefused):  # resolving needs a root cause
        services.case_change(case_id=case.pk, actor=actor, change=CaseChange(status=Case.Status.RESOLVED))
    cause = RootCause.objects.get(key="other")
    resolve = CaseChange(status=Case.Status.RESOLVED, root_cause_id=cause.pk, resolution="Refunded.")
    with transaction.atomic():
        services.case_change(case_id=case.pk, actor=actor, change=resolve)
        assert len(events("case.resolved")) == 1
        transaction.set_rollback(True)  # the change fails after it was made
    assert events() == []


def test_a_consented_promoter_becomes_an_advocate_with_its_event(api_client, committed):
    CustomerFactory(external_id="fan-1", email="fan@example.com", name="Fan")
    survey = SurveyFactory(kind="nps")

    response = answer(
        api_client, committed, survey, 10, "great product", consent_to_contact=True, customer={"external_id": "fan-1"}
    )
    answer(api_client, committed, survey, 9, "still great", consent_to_contact=True, customer={"external_id": "fan-1"})

    (event,) = events("advocate.created")  # the second answer refreshes the advocate: no second event
    advocate = Advocate.objects.get()
    shown = data(event)
    assert shown == {
        "id": advocate.pk,
        "response_id": response.pk,
        "status": "candidate",
        "score": 10,
        "account": "",
        "customer": {"external_id": "fan-1", "email": "fan@example.com", "name": "Fan"},
    }
    assert data(event, personal=())["customer"] == {"external_id": "fan-1"}
