"""Score series, totals and breakdowns: exact from the rollups (folded or pending), in local days."""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from insights.filters import ScoreFilters
from insights.periods import buckets_before
from insights.series import score_breakdown, score_series, score_total
from surveys.models import Response, ScoreChange, ScoreRollup
from surveys.services import CustomerIdentity, response_submit
from surveys.services.invitations import invitation_respond
from surveys.services.rollups import score_rollups_fold, score_rollups_rebuild
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _expected(survey, *, interval, group_by):
    """The same counts straight from the responses, bucketed in Python: the oracle."""
    counts = defaultdict(Counter)
    for row in Response.objects.filter(survey=survey).values(
        "submitted_at", "score", "touchpoint_id", "plan", "locale"
    ):
        day = timezone.localtime(row["submitted_at"]).date()
        if interval == "month":
            day = day.replace(day=1)
        elif interval == "week":  # from Monday, the first week from the period's first day
            day = max(date(2026, 1, 1), day - timedelta(days=day.weekday()))
        key = {"touchpoint": row["touchpoint_id"], "plan": row["plan"], "language": row["locale"]}[group_by]
        counts[(day, str(key))][row["score"]] += 1
    return {cell: dict(c) for cell, c in counts.items()}


def _got(result):
    return {
        (b.start, s.key): {k: v for k, v in b.figure.counts.items() if v}
        for s in result.series
        for b in s.buckets
        if b.figure.n
    }


@pytest.mark.parametrize(("interval", "group_by"), [("month", "touchpoint"), ("week", "plan"), ("day", "language")])
def test_the_series_equals_the_responses_before_and_after_folding(answers, interval, group_by):
    filters = ScoreFilters(kind="nps", survey_ids=(answers.id,))

    def series():
        return score_series(
            filters=filters, interval=interval, since=date(2026, 1, 1), until=date(2026, 5, 31), group_by=group_by
        )

    expected = _expected(answers, interval=interval, group_by=group_by)
    assert ScoreChange.objects.count() == 401
    assert not ScoreRollup.objects.exists()
    assert _got(series()) == expected  # all still pending
    assert score_rollups_fold() == 401
    assert not ScoreChange.objects.exists()
    assert ScoreRollup.objects.exists()
    assert _got(series()) == expected  # all folded
    assert score_rollups_fold() == 0  # folding again changes nothing
    assert _got(series()) == expected


def test_an_answer_just_after_midnight_local_time_counts_in_the_local_month(answers):
    score_rollups_fold()
    month = score_series(
        filters=ScoreFilters(
            kind="nps", touchpoint_ids=(answers.responses.filter(touchpoint__key="billing").first().touchpoint_id,)
        ),
        interval="day",
        since=date(2026, 2, 1),
        until=date(2026, 2, 1),
    )
    first = month.series[0].buckets[0]
    assert first.start == date(2026, 2, 1)
    assert first.figure.counts[0] >= 1


def test_half_folded_half_pending_and_a_rebuild_give_the_same_figures(answers):
    filters = ScoreFilters(kind="nps")
    score_rollups_fold()
    survey = answers
    for i in range(30):  # arrive after the fold: pending
        response_submit(
            survey_key=survey.public_key,
            score=10,
            touchpoint_key="support",
            submitted_at=datetime(2026, 2, 10, tzinfo=UTC) + timedelta(minutes=i),
        )
    mixed = score_series(
        filters=filters, interval="month", since=date(2026, 1, 1), until=date(2026, 4, 30), group_by="touchpoint"
    )
    assert ScoreChange.objects.count() == 30
    assert _got(mixed) == _expected(survey, interval="month", group_by="touchpoint")
    score_rollups_rebuild()
    assert not ScoreChange.objects.exists()
    rebuilt = score_series(
        filters=filters, interval="month", since=date(2026, 1, 1), until=date(2026, 4, 30), group_by="touchpoint"
    )
    assert _got(rebuilt) == _got(mixed)
    assert rebuilt.total.n == Response.objects.filter(submitted_at__lt=datetime(2026, 4, 30, 16, tzinfo=UTC)).count()


def test_a_period_not_in_whole_months_counts_exactly_its_days(answers):
    score_rollups_fold()
    since, until = date(2026, 1, 20), date(2026, 3, 9)
    total = score_total(filters=ScoreFilters(kind="nps"), since=since, until=until)
    local_days = [timezone.localtime(at).date() for at in Response.objects.values_list("submitted_at", flat=True)]
    assert total.n == sum(since <= day <= until for day in local_days)
    assert total.n > 0


def test_an_answer_changed_through_its_invitation_moves_between_scores(settings):
    survey = SurveyFactory(kind="nps")
    invitation = InvitationFactory(survey=survey, customer=CustomerFactory(plan="enterprise"))
    invitation_respond(token=invitation.token, score=2)
    invitation_respond(token=invitation.token, score=9, comment="其实还不错 👍")
    invitation_respond(token=invitation.token, score=None, comment="only the comment changes")
    today = timezone.localdate()
    for _ in range(2):  # pending, then folded
        total = score_total(filters=ScoreFilters(kind="nps", plans=("enterprise",)), since=today, until=today)
        assert total.counts[9] == 1
        assert total.counts[2] == 0
        assert total.n == 1
        score_rollups_fold()


def test_the_breakdown_puts_the_touchpoint_that_pulls_nps_down_first(answers):
    score_rollups_fold()
    breakdown = score_breakdown(
        filters=ScoreFilters(kind="nps"), by="touchpoint", since=date(2026, 1, 1), until=date(2026, 5, 31)
    )
    first = breakdown.segments[0]
    assert first.label == "客服"
    assert first.contribution < 0
    assert first.versus_rest.significant
    assert sum(s.figure.n for s in breakdown.segments) == breakdown.total.n == 401
    assert sum(s.contribution for s in breakdown.segments) == pytest.approx(0.0, abs=1e-9)
    by_account = score_breakdown(
        filters=ScoreFilters(kind="nps"), by="account", since=date(2026, 1, 1), until=date(2026, 5, 31)
    )
    assert {s.label for s in by_account.segments} == {"Acme 集团", "—"}


def test_the_period_before_is_as_many_buckets_just_before(answers):
    score_rollups_fold()
    result = score_series(
        filters=ScoreFilters(kind="nps"), interval="month", since=date(2026, 3, 10), until=date(2026, 4, 2)
    )
    assert (result.since, result.until) == (date(2026, 3, 1), date(2026, 4, 30))
    local = [timezone.localtime(at).date() for at in Response.objects.values_list("submitted_at", flat=True)]
    assert result.previous.n == sum(date(2026, 1, 1) <= day < date(2026, 3, 1) for day in local) > 0
    assert result.total.n == sum(date(2026, 3, 1) <= day <= date(2026, 4, 30) for day in local) > 0
    assert buckets_before(interval="month", since=date(2026, 1, 1), count=3) == date(2025, 10, 1)
    assert buckets_before(interval="week", since=date(2026, 3, 2), count=2) == date(2026, 2, 16)


def test_answers_deleted_in_the_admin_are_counted_out_with_their_feedback(answers, client, django_user_model):
    from feedback.models import FeedbackItem

    score_rollups_fold()
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    doomed = list(Response.objects.filter(score__lte=6).values_list("pk", flat=True)[:25])
    response = client.post(
        "/admin/surveys/response/", {"action": "delete_selected", "_selected_action": doomed, "post": "yes"}
    )
    assert response.status_code == 302
    assert not FeedbackItem.objects.filter(source="response", source_id__in=doomed).exists()
    filters = ScoreFilters(kind="nps")
    for _ in range(2):  # pending, then folded
        series = score_series(
            filters=filters, interval="month", since=date(2026, 1, 1), until=date(2026, 5, 31), group_by="touchpoint"
        )
        assert _got(series) == _expected(answers, interval="month", group_by="touchpoint")
        assert series.total.n == 401 - 25
        score_rollups_fold()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_folding_while_answers_arrive_loses_and_doubles_nothing():
    import threading

    survey = SurveyFactory(kind="nps")
    stop = threading.Event()
    folded = []

    def fold():
        try:
            while not stop.is_set():
                folded.append(score_rollups_fold())
        finally:
            connection.close()

    folder = threading.Thread(target=fold)
    folder.start()
    try:
        for i in range(300):
            response_submit(
                survey_key=survey.public_key, score=i % 11, customer=CustomerIdentity(external_id=f"c{i % 7}")
            )
    finally:
        stop.set()
        folder.join()
    score_rollups_fold()
    today = timezone.localdate()
    total = score_total(filters=ScoreFilters(kind="nps"), since=today, until=today)
    assert total.n == 300
    assert all(total.counts[s] == Counter(i % 11 for i in range(300))[s] for s in range(11))
    assert sum(folded) <= 300
    assert not ScoreChange.objects.exists()
