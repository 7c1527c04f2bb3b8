"""Every comment becomes one feedback item, analysed once and handed to the closed loop once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from closedloop import services as closedloop_services
from feedback import analysis, services, tasks
from feedback.models import FeedbackItem
from surveys.models import Invitation, Response
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"


@pytest.fixture
def handed_over(monkeypatch):
    """Every item the closed loop is given, in order (the real hook still runs)."""
    seen = []
    real = closedloop_services.feedback_analysed

    def spy(*, items):
        seen.extend(items)
        real(items=items)

    monkeypatch.setattr(closedloop_services, "feedback_analysed", spy)
    return seen


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the hand-over to analysis), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def answer(api_client, committed, survey, **body):
    with committed():
        res = api_client.post(URL, {"survey": survey.public_key, **body}, format="json")
    assert res.status_code == 201, res.content
    return Response.objects.get(pk=res.json()["id"])


def test_a_comment_becomes_one_analysed_item_with_a_snapshot_of_its_answer(api_client, committed, handed_over):
    survey = SurveyFactory(kind="nps")
    TouchpointFactory(key="billing")
    response = answer(
        api_client,
        committed,
        survey,
        score=3,
        comment="退款太慢了，客服也不回复 😡",
        touchpoint="billing",
        locale="zh-hans",
        customer={"external_id": "cn-001"},
    )

    item = FeedbackItem.objects.get()
    assert (item.source, item.source_id, item.text) == ("response", response.id, "退款太慢了，客服也不回复 😡")
    assert (item.survey_id, item.survey_kind, item.score, item.classification) == (survey.id, "nps", 3, "detractor")
    assert (item.touchpoint_key, item.customer_id, item.customer_external_id) == (
        "billing",
        response.customer_id,
        "cn-001",
    )
    assert item.locale == "zh-hans"
    assert item.status == FeedbackItem.Status.ANALYSED
    assert (item.language, item.label) == ("zh", "neg")
    assert item.polarity < 0
    assert "退款" in item.keywords
    assert item.analyzer
    assert item.attempts == 1
    assert [h.feedback_id for h in handed_over] == [item.id]
    assert handed_over[0].keywords == tuple(item.keywords)


def test_an_answer_without_a_comment_is_handed_over_without_a_sentiment(api_client, committed, handed_over):
    answer(api_client, committed, SurveyFactory(kind="csat"), score=1)
    answer(api_client, committed, SurveyFactory(kind="csat"), score=4, comment="   ")
    items = FeedbackItem.objects.order_by("id")
    assert [(item.status, item.score, item.language, item.label, item.polarity) for item in items] == [
        ("analysed", 1, "", "", None),
        ("analysed", 4, "", "", None),
    ]
    assert [(given.score, given.polarity, given.label) for given in handed_over] == [(1, None, ""), (4, None, "")]


def test_a_comment_added_later_through_the_invitation_is_analysed_and_a_change_analysed_again(
    client, committed, handed_over
):
    survey = SurveyFactory(kind="nps")
    customer = CustomerFactory(external_id="tw-9", locale="zh-hant")
    invitation = InvitationFactory(
        survey=survey,
        customer=customer,
        locale="zh-hant",
        status=Invitation.Status.SENT,
        touchpoint=TouchpointFactory(key="renewal"),
    )
    client.get(f"/s/{invitation.token}/", {"score": 4})  # one click in the email: the score, no comment yet
    item = FeedbackItem.objects.get()
    assert (item.text, item.score, item.customer_email, item.customer_name) == ("", 4, customer.email, customer.name)

    with committed():
        client.post(f"/s/{invitation.token}/", {"comment": "客服態度很差，退款一直沒處理"})
    item = FeedbackItem.objects.get()
    assert (item.text, item.touchpoint_key, item.customer_external_id, item.score) == (
        "客服態度很差，退款一直沒處理",
        "renewal",
        "tw-9",
        4,
    )
    assert item.status == FeedbackItem.Status.ANALYSED
    assert item.label == "neg"

    with committed():
        client.post(f"/s/{invitation.token}/", {"comment": "後來問題解決了，非常滿意，服務很好，謝謝！", "score": 9})
    item = FeedbackItem.objects.get()
    assert (item.text, item.score, item.classification) == ("後來問題解決了，非常滿意，服務很好，謝謝！", 9, "promoter")
    assert item.label == "pos"
    assert [h.feedback_id for h in handed_over] == [item.id, item.id]  # once per analysis


def _pending_items(count: int, prefix: str = "c") -> list[int]:
    now = timezone.now()
    FeedbackItem.objects.bulk_create(
        FeedbackItem(source="response", source_id=i, text=f"{prefix} {i}: the checkout page is slow", given_at=now)
        for i in range(count)
    )
    return list(FeedbackItem.objects.order_by("id").values_list("id", flat=True))


def test_a_claimed_batch_is_stored_once_however_often_it_is_delivered(handed_over):
    ids = _pending_items(3)
    claimed = services.feedback_items_claim(claim="run-a")
    assert claimed == ids
    assert services.feedback_items_claim(claim="run-b") == []  # nothing left for another run

    assert services.feedback_items_analyse(ids=claimed, claim="run-a") == 3
    assert services.feedback_items_analyse(ids=claimed, claim="run-a") == 0  # the same message delivered again
    assert FeedbackItem.objects.filter(status="analysed").count() == 3
    assert len(handed_over) == 3


def test_a_redelivered_run_takes_back_its_own_claim_and_a_dead_claim_is_taken_over(settings, handed_over):
    ids = _pending_items(2)
    assert services.feedback_items_claim(claim="killed-run") == ids
    assert services.feedback_items_claim(claim="killed-run") == ids  # the same task id, redelivered

    FeedbackItem.objects.update(claimed_at=timezone.now() - timedelta(seconds=settings.CX_ANALYSIS_STALE_SECONDS + 1))
    assert services.feedback_items_claim(claim="other-run") == ids
    assert services.feedback_items_analyse(ids=ids, claim="killed-run") == 0  # its claim was taken over
    assert services.feedback_items_analyse(ids=ids, claim="other-run") == 2
    assert len(handed_over) == 2


def test_a_text_that_breaks_the_analyser_fails_alone_then_for_good_and_can_be_run_again(
    monkeypatch, settings, committed
):
    settings.CX_ANALYSIS_MAX_ATTEMPTS = 2
    ids = _pending_items(3)
    poison = FeedbackItem.objects.get(id=ids[1])
    real_many = analysis.analyze_many

    def breaks_on_poison(text):
        if text == poison.text:
            raise ValueError("analyser bug")
        return real_many([text])[0]

    monkeypatch.setattr(analysis, "analyze_many", lambda texts: [breaks_on_poison(t) for t in texts])
    monkeypatch.setattr(analysis, "analyze", breaks_on_poison)

    services.feedback_analyse_all_pending(claim="first")  # claims, fails the poison, tries again, gives up
    poison.refresh_from_db()
    assert poison.status == FeedbackItem.Status.FAILED
    assert poison.attempts == 2
    assert poison.last_error == "ValueError: analyser bug"
    assert FeedbackItem.objects.filter(status="analysed").count() == 2

    monkeypatch.undo()  # the analyser fixed
    with committed():  # the admin action; the analysis runs in-process once it commits
        assert services.feedback_items_retry(ids=[poison.id]) == 1
    poison.refresh_from_db()
    assert (poison.status, poison.last_error) == (FeedbackItem.Status.ANALYSED, "")


def test_a_full_batch_sends_the_next_run_before_working(settings, handed_over):
    settings.CX_ANALYSIS_BATCH = 4
    _pending_items(10)
    tasks.feedback_analyse_pending.delay()  # in-process: each full batch sends the next run at once
    assert FeedbackItem.objects.filter(status="analysed").count() == 10
    assert len(handed_over) == 10


def test_beat_sends_a_run_only_when_items_waited_too_long(settings):
    _pending_items(2)
    assert not services.feedback_pending_stale_exists()
    FeedbackItem.objects.update(
        pending_since=timezone.now() - timedelta(seconds=settings.CX_ANALYSIS_STALE_SECONDS + 1)
    )
    assert services.feedback_pending_stale_exists()
    tasks.feedback_requeue_pending.delay()
    assert not FeedbackItem.objects.filter(status="pending").exists()


def test_claiming_takes_the_same_queries_whatever_the_batch(settings):
    _pending_items(300)
    with CaptureQueriesContext(connection) as small:
        services.feedback_items_claim(claim="x", limit=3)
    with CaptureQueriesContext(connection) as large:
        services.feedback_items_claim(claim="y", limit=250)
    assert len(small) == len(large) <= 5


def test_reanalyze_command_filters_and_keeps_the_result_until_replaced(capsys):
    ids = _pending_items(4)
    services.feedback_analyse_all_pending()
    FeedbackItem.objects.filter(id=ids[0]).update(status="failed", last_error="old failure", label="")
    FeedbackItem.objects.filter(id=ids[1]).update(label="pos", analyzer="old analyser")
    old_survey = FeedbackItem.objects.filter(id=ids[2])
    old_survey.update(survey_id=77, given_at=timezone.now() - timedelta(days=40))

    call_command("reanalyze", "--failed", verbosity=0)
    assert FeedbackItem.objects.get(id=ids[0]).status == "analysed"
    assert FeedbackItem.objects.get(id=ids[1]).analyzer == "old analyser"  # not failed: left alone

    call_command("reanalyze", "--survey", "77", verbosity=0)
    assert "Analysed 1 of 1 items." in capsys.readouterr().out

    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    call_command("reanalyze", "--since", since, "--batch", "2", verbosity=0)
    assert "Analysed 3 of 3 items." in capsys.readouterr().out
    assert FeedbackItem.objects.get(id=ids[1]).analyzer != "old analyser"


def test_reanalyze_names_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("reanalyze", "--since", "last tuesday")


def test_the_admin_lists_searches_filters_and_shows_failures(admin_client, committed):
    ids = _pending_items(2)
    services.feedback_analyse_all_pending()
    FeedbackItem.objects.filter(id=ids[0]).update(status="failed", last_error="ValueError: analyser bug")
    page = admin_client.get("/admin/feedback/feedbackitem/", {"status__exact": "failed"})
    assert page.status_code == 200
    assert "c 0: the checkout page is slow" in page.content.decode()
    assert "c 1:" not in page.content.decode()
    found = admin_client.get("/admin/feedback/feedbackitem/", {"q": "c 1"})
    assert "c 1: the checkout page is slow" in found.content.decode()
    detail = admin_client.get(f"/admin/feedback/feedbackitem/{ids[0]}/change/")
    assert "ValueError: analyser bug" in detail.content.decode()

    with committed():
        admin_client.post(
            "/admin/feedback/feedbackitem/", {"action": "analyse_again", "_selected_action": [ids[0]]}, follow=True
        )
    assert FeedbackItem.objects.get(id=ids[0]).status == "analysed"


def test_an_item_whose_runs_never_finish_is_failed_not_claimed_forever(settings):
    settings.CX_ANALYSIS_MAX_ATTEMPTS = 3
    stuck, fine = _pending_items(2)
    FeedbackItem.objects.filter(id=stuck).update(attempts=3)  # three runs claimed it and died (a worker killed)

    assert services.feedback_items_claim(claim="run-d") == [fine]

    item = FeedbackItem.objects.get(id=stuck)
    assert (item.status, item.claimed_by) == ("failed", "")
    assert "did not finish" in item.last_error


def test_without_a_broker_a_long_backlog_is_analysed_batch_after_batch_in_this_process(settings, committed):
    settings.CX_ANALYSIS_BATCH = 1
    _pending_items(1_200)  # more batches than Python's recursion limit allows nested calls

    with committed():
        services.feedback_item_recorded()

    assert not FeedbackItem.objects.exclude(status="analysed").exists()
