"""Answers become cases through the real pipeline: once per answer, routed, escalated, resolved, told."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.utils import timezone

from closedloop import services
from closedloop.models import Case, CaseActivity, CaseTrigger, RootCause, Team, TeamTouchpoint
from closedloop.services import CaseChange, CaseChangeRefused, assignment
from feedback import services as feedback_services
from feedback.models import FeedbackItem
from surveys.models import Invitation
from surveys.services import resurveys
from tests.closedloop.factories import CaseFactory
from tests.surveys.factories import CustomerFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"
User = get_user_model()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def answer(api_client, committed, survey, score, comment="", customer="c-1", **body):
    payload = {"survey": survey.public_key, "score": score, "comment": comment, **body}
    if customer:
        payload["customer"] = {"external_id": customer, "email": f"{customer}@example.com", "name": customer.upper()}
    with committed():
        res = api_client.post(URL, payload, format="json")
    assert res.status_code == 201, res.content
    return res.json()["id"]


def test_a_chinese_detractor_becomes_one_assigned_case_with_a_snapshot(api_client, committed, user_with_role):
    agent = user_with_role("CX staff", "li")
    CustomerFactory(external_id="acme-7", name="Acme 华东", value=Decimal("500.00"), plan="pro", account="Acme")
    survey = SurveyFactory(kind="nps")
    TouchpointFactory(key="billing")
    response_id = answer(
        api_client,
        committed,
        survey,
        2,
        "退款申请两周了还没处理，客服也不回复，太失望了 😡",
        "acme-7",
        touchpoint="billing",
    )

    case = Case.objects.get()
    assert (case.source, case.source_id, case.reason, case.status, case.owner) == (
        "response",
        response_id,
        "detractor",
        "assigned",
        agent,
    )
    assert (case.customer_name, case.customer_plan, case.customer_account, case.customer_value) == (
        "Acme 华东",  # the stored customer, not what the respondent typed
        "pro",
        "Acme",
        Decimal("500.00"),
    )
    assert (case.score, case.touchpoint_key, case.language, case.sentiment) == (2, "billing", "zh", "neg")
    assert case.priority == 1  # a low score and a very negative comment
    assert "退款" in case.keywords
    assert case.due_at == case.opened_at + timedelta(hours=24)
    assert CaseTrigger.objects.get().case == case
    assert list(case.activities.values_list("kind", flat=True)) == ["opened", "assigned"]


def test_an_english_detractor_without_a_comment_opens_a_case_and_a_promoter_none(api_client, committed):
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 10, "Love it", customer="happy")
    answer(api_client, committed, survey, 5, customer="quiet")
    case = Case.objects.get()
    assert (case.customer_external_id, case.comment, case.sentiment, case.priority) == ("quiet", "", "", 3)
    assert case.status == "new"  # the default team has no members yet


def test_a_case_is_opened_once_however_often_its_answer_is_handed_over(api_client, committed):
    survey = SurveyFactory(kind="ces")
    answer(api_client, committed, survey, 1, "The checkout page crashed three times, terrible experience")
    item = FeedbackItem.objects.get()
    feedback_services.feedback_items_reanalyse(ids=[item.id])  # the closed loop is handed the answer again
    feedback_services.feedback_items_reanalyse(ids=[item.id])
    assert Case.objects.count() == 1
    assert CaseTrigger.objects.count() == 1
    assert Case.objects.get().reason == "high_effort"


def test_another_low_answer_joins_the_open_case_and_after_resolving_opens_a_new_one(api_client, committed):
    survey = SurveyFactory(kind="csat")
    answer(api_client, committed, survey, 2, "还行吧，就是有点慢")
    answer(api_client, committed, survey, 1, "客服態度很差，退款一直沒處理，非常生氣！")
    case = Case.objects.get()
    assert case.triggers.count() == 2
    assert case.priority < 3  # the angrier answer made the open case more urgent
    assert "attached" in case.activities.values_list("kind", flat=True)

    cause = RootCause.objects.get(key="support-responsiveness")
    services.case_change(
        case_id=case.id,
        actor=None,
        change=CaseChange(status="resolved", root_cause_id=cause.id, resolution="Refund issued, apologised."),
    )
    answer(api_client, committed, survey, 1, "又出问题了")
    assert Case.objects.count() == 2


def test_a_passive_with_an_angry_comment_opens_a_p4_case(api_client, committed):
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 8, "Support was awful and rude, I am very disappointed")
    answer(api_client, committed, survey, 8, "Fine overall", customer="c-2")
    case = Case.objects.get()
    assert (case.reason, case.priority, case.customer_external_id) == ("negative_passive", 4, "c-1")


def test_a_repeat_detractor_is_more_urgent(api_client, committed):
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 5)
    first = Case.objects.get()
    services.case_change(
        case_id=first.id,
        actor=None,
        change=CaseChange(
            status="resolved", root_cause_id=RootCause.objects.get(key="other").id, resolution="Called back."
        ),
    )
    answer(api_client, committed, survey, 5)
    second = Case.objects.exclude(pk=first.pk).get()
    assert (first.priority, second.priority) == (3, 2)


def test_cases_are_handed_round_robin_to_the_active_members_of_the_touchpoints_team(
    api_client, committed, user_with_role
):
    billing = Group.objects.create(name="Billing CX")
    lead = user_with_role("CX lead", "lead")
    team = Team.objects.create(name="Billing", group=billing, lead=lead)
    TeamTouchpoint.objects.create(team=team, touchpoint_key="billing")
    a, b = user_with_role("CX staff", "a"), user_with_role("CX staff", "b")
    user_with_role("CX staff", "gone", is_active=False)
    for user in (a, b):
        user.groups.add(billing)
    User.objects.get(username="gone").groups.add(billing)
    TouchpointFactory(key="billing")
    survey = SurveyFactory(kind="nps")
    for n in range(3):
        answer(api_client, committed, survey, 1, customer=f"cust-{n}", touchpoint="billing")
    answer(api_client, committed, survey, 1, customer="elsewhere")  # no touchpoint: the default team
    owners = list(Case.objects.order_by("id").values_list("owner__username", "team__name"))
    assert owners == [
        ("a", "Billing"),
        ("b", "Billing"),
        ("a", "Billing"),
        ("a", "CX staff"),
    ]  # a and b are CX staff too


def test_sla_marks_at_risk_and_overdue_and_escalates_once_to_the_lead(api_client, committed, user_with_role):
    lead = user_with_role("CX lead", "lead")
    team = Team.objects.get(is_default=True)
    team.lead = lead
    team.save()
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 5)  # P3: 72 h
    case = Case.objects.get()
    opened = case.opened_at

    assert services.cases_check_sla(now=opened + timedelta(hours=50)) == {"overdue": 0, "at_risk": 0, "escalated": 0}
    assert services.cases_check_sla(now=opened + timedelta(hours=60)) == {"overdue": 0, "at_risk": 1, "escalated": 0}
    with committed():
        counts = services.cases_check_sla(now=opened + timedelta(hours=73))
    assert counts == {"overdue": 1, "at_risk": 0, "escalated": 1}
    case.refresh_from_db()
    assert (case.sla, case.priority, case.escalated_at is not None) == ("overdue", 2, True)
    assert [m.to for m in mail.outbox] == [["lead@example.com"]]
    assert f"Case #{case.pk} is overdue" in mail.outbox[0].subject

    with committed():
        assert services.cases_check_sla(now=opened + timedelta(hours=90))["escalated"] == 0
    assert len(mail.outbox) == 1
    assert case.activities.get(kind="escalated").message == "Overdue: escalated P3 → P2, lead emailed."


def test_escalating_a_p1_case_does_not_log_an_unchanged_priority_as_a_change():
    case = CaseFactory(priority=1, due_at=timezone.now() - timedelta(hours=1))

    assert services.case_escalate(case_id=case.pk, now=timezone.now())

    case.refresh_from_db()
    assert (case.priority, case.escalated_at is not None) == (1, True)
    assert case.activities.get(kind="escalated").message == "Overdue: escalated (already P1, the highest priority)."
    assert "P1 → P1" not in "".join(case.activities.values_list("message", flat=True))


def test_resolving_tells_the_customer_in_their_language_once(api_client, committed, user_with_role):
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 3, "App 一直閃退，很失望", locale="zh-hant")
    case = Case.objects.get()
    agent = user_with_role("CX staff", "mei")
    cause = RootCause.objects.get(key="product-bug")
    with pytest.raises(CaseChangeRefused) as refused:
        services.case_change(case_id=case.id, actor=agent, change=CaseChange(status="resolved"))
    assert "root cause" in str(refused.value)
    with pytest.raises(CaseChangeRefused):
        services.case_change(case_id=case.id, actor=agent, change=CaseChange(status="closed"))

    services.case_change(case_id=case.id, actor=agent, change=CaseChange(status="contacted"))
    with committed():
        services.case_change(
            case_id=case.id,
            actor=agent,
            change=CaseChange(
                status="resolved",
                root_cause_id=cause.id,
                resolution="已修復閃退問題，請更新至 3.2 版。",
                note="Called the customer 📞",
                notify_customer=True,
            ),
        )
    case.refresh_from_db()
    assert (case.status, case.sla, case.root_cause, case.first_contact_at is not None) == (
        "resolved",
        "met",
        cause,
        True,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["c-1@example.com"], "關於您的回饋，我們已經處理")
    assert "已修復閃退問題" in message.body
    assert case.customer_notified_at is not None
    assert "已修復閃退問題" in case.customer_note
    assert services.case_notify_customer(case_id=case.id) is False  # a second delivery sends nothing
    assert len(mail.outbox) == 1
    kinds = list(case.activities.values_list("kind", flat=True))
    assert {"status", "root_cause", "note", "notified"} <= set(kinds)
    assert CaseActivity.objects.filter(case=case, kind="note", actor=agent).get().message == "Called the customer 📞"


def test_a_resolved_case_is_surveyed_again_and_the_answer_is_its_recovery(api_client, committed):
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 2, "Billing is a mess")
    case = Case.objects.get()
    services.case_change(
        case_id=case.id,
        actor=None,
        change=CaseChange(
            status="resolved",
            root_cause_id=RootCause.objects.get(key="pricing-billing").id,
            resolution="Credited the invoice.",
            resurvey_in_days=14,
        ),
    )
    assert resurveys.case_resurveys_send(now=timezone.now() + timedelta(days=13)) == 0
    Case.objects.update(resurvey_due_at=timezone.now())  # two weeks later
    assert resurveys.case_resurveys_send() == 1
    assert resurveys.case_resurveys_send() == 0  # once
    invitation = Invitation.objects.get()
    assert (invitation.survey, invitation.customer.external_id, invitation.channel) == (survey, "c-1", "email")

    with committed():
        res = api_client.post(
            URL, {"invitation": invitation.token, "score": 9, "comment": "Much better now"}, format="json"
        )
    assert res.status_code == 201, res.content
    case.refresh_from_db()
    assert case.recovery_score == 9
    assert Case.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_handing_over_one_customers_answers_at_once_open_one_case():
    survey = SurveyFactory(kind="nps")
    customer = CustomerFactory(external_id="race")
    now = timezone.now()
    for source_id in (1, 2):
        FeedbackItem.objects.create(
            source="response",
            source_id=source_id,
            text="",
            given_at=now,
            survey_id=survey.id,
            survey_kind="nps",
            score=1,
            classification="detractor",
            customer_id=customer.id,
            customer_external_id="race",
        )
    ids = list(FeedbackItem.objects.order_by("id").values_list("id", flat=True))
    barrier = threading.Barrier(2)
    errors = []

    def hand_over(item_id):
        try:
            barrier.wait(timeout=10)
            feedback_services.feedback_items_reanalyse(ids=[item_id])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over, args=(item_id,)) for item_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    case = Case.objects.get()
    assert sorted(case.triggers.values_list("source_id", flat=True)) == [1, 2]


# --- Found in review ---------------------------------------------------------------------------


def test_a_new_priority_brings_the_sla_state_with_its_new_due_time(user_with_role):
    from tests.closedloop.factories import CaseFactory

    now = timezone.now()
    case = CaseFactory(
        priority=1, opened_at=now - timedelta(hours=30), due_at=now - timedelta(hours=6), sla=Case.Sla.OVERDUE
    )

    services.case_change(case_id=case.pk, actor=user_with_role("CX staff", "li"), change=CaseChange(priority=4))

    case.refresh_from_db()
    assert case.due_at > now  # P4: five days from opening
    assert case.sla == Case.Sla.ON_TRACK


def test_a_note_template_broken_by_an_edit_tells_nobody_and_keeps_the_case_untold():
    from closedloop.models import NoteTemplate
    from tests.closedloop.factories import CaseFactory

    NoteTemplate.objects.filter(language="en").update(body="Hello {name, the fix: {resolution}")
    case = CaseFactory(status=Case.Status.RESOLVED, resolution="Fixed.", locale="en")

    with pytest.raises(ValueError):
        services.case_notify_customer(case_id=case.pk)

    case.refresh_from_db()
    assert case.customer_notified_at is None  # not marked told: it can be sent once the template is mended
    assert not mail.outbox


def test_round_robin_gives_cases_only_to_staff(user_with_role):
    team = Team.objects.get(is_default=True)
    clerk = User.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=False)
    clerk.groups.add(team.group)
    agent = user_with_role("CX staff", "li")

    owners = {assignment.next_owner(team) for _ in range(3)}

    assert owners == {agent}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reopening_while_another_case_of_the_customer_is_being_opened_is_refused_not_an_error(user_with_role):
    from tests.closedloop.factories import CaseFactory

    closed = CaseFactory(customer_id=7, status=Case.Status.CLOSED, owner=user_with_role("CX staff", "li"))
    inserted, errors = threading.Event(), []

    def open_another_case():
        from django.db import transaction

        try:
            with transaction.atomic():
                CaseFactory(customer_id=7)  # not committed yet: the reopen's check cannot see it
                inserted.set()
                threading.Event().wait(0.5)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=open_another_case)
    thread.start()
    assert inserted.wait(timeout=10)
    with pytest.raises(CaseChangeRefused) as refused:
        services.case_change(case_id=closed.pk, actor=None, change=CaseChange(status=Case.Status.ASSIGNED))
    thread.join(timeout=10)

    assert errors == []
    assert "just opened" in str(refused.value)
    closed.refresh_from_db()
    assert closed.status == Case.Status.CLOSED
    assert Case.objects.filter(customer_id=7, status=Case.Status.NEW).count() == 1


def test_a_customer_forgotten_while_their_note_is_sent_stays_forgotten(monkeypatch):
    from closedloop.services import notes
    from tests.closedloop.factories import CaseFactory

    case = CaseFactory(status="resolved", resolution="已退款", customer_email="lin@example.cn", customer_name="林")
    real_email = notes.note_email

    def send_then_forget(**kwargs):  # the erasure lands between the read and the write
        message = real_email(**kwargs)
        real_send = message.send

        def send(*args):
            sent = real_send(*args)
            services.customers_forget(customer_ids=[case.customer_id], external_ids=[], identifiers=[])
            return sent

        message.send = send
        return message

    monkeypatch.setattr(notes, "note_email", send_then_forget)
    assert services.case_notify_customer(case_id=case.pk) is True
    case.refresh_from_db()
    assert (case.customer_email, case.customer_note, case.resolution) == ("", "", "")
    assert not CaseActivity.objects.filter(case=case, message__contains="lin@example.cn").exists()
    assert len(mail.outbox) == 1  # it was sent before the erasure, and is not written back after it


def _analysis_says(monkeypatch, *, label, polarity, confidence):
    """The analysis' verdict on every comment, fixed: the rule is the point here, not the model."""
    from feedback import analysis

    def analyze(text):
        return analysis.TextAnalysis(
            language="en",
            polarity=polarity,
            label=label,
            confidence=confidence,
            keywords=("export",),
            aspects=(analysis.Aspect("export", label),),
            is_request=False,
            analyzer="fixed",
        )

    monkeypatch.setattr(analysis, "analyze", analyze)
    monkeypatch.setattr(analysis, "analyze_many", lambda texts: [analyze(text) for text in texts])


def test_a_passive_whose_comment_is_negative_with_low_confidence_opens_no_case(api_client, committed, monkeypatch):
    _analysis_says(monkeypatch, label="neg", polarity=-0.35, confidence=0.45)
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 8, "The export is fine, I guess, though it could be… anyway.")
    item = FeedbackItem.objects.get()
    assert (item.status, item.label, item.confidence) == ("analysed", "neg", 0.45)
    assert not Case.objects.exists()


def test_a_passive_whose_comment_is_surely_negative_opens_a_case_showing_the_confidence(
    api_client, committed, monkeypatch
):
    _analysis_says(monkeypatch, label="neg", polarity=-0.35, confidence=0.87)
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 8, "The export keeps failing.")
    case = Case.objects.get()
    assert (case.reason, case.confidence) == ("negative_passive", 0.87)


def test_a_staff_correction_to_negative_counts_as_certain_when_the_answer_is_handed_over_again(
    api_client, committed, monkeypatch
):
    _analysis_says(monkeypatch, label="neg", polarity=-0.35, confidence=0.45)
    survey = SurveyFactory(kind="nps")
    answer(api_client, committed, survey, 8, "Hmm, the export.")
    assert not Case.objects.exists()
    item = FeedbackItem.objects.get()
    feedback_services.sentiment_correct(item_id=item.pk, label="neg", actor=None)
    with committed():
        feedback_services.feedback_items_reanalyse(ids=[item.pk])
    assert Case.objects.get().reason == "negative_passive"
