"""Score series and breakdowns: exact rollups (folded or pending), significance, the API and who may read it."""

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from surveys import insights, scoring
from surveys.models import SCORE_COLUMNS, Response, ScoreChange, ScoreRollup
from surveys.services import CustomerIdentity, response_submit
from surveys.services.invitations import invitation_respond
from surveys.services.rollups import score_rollups_fold, score_rollups_rebuild
from tests.closedloop.test_advocates import staff_client
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
SCORES = "/api/v1/metrics/scores/"
BREAKDOWN = "/api/v1/metrics/breakdown/"


# --- the statistics, pure ----------------------------------------------------------------------------


def test_an_nps_drop_on_large_samples_is_significant_and_on_small_ones_is_not_news():
    before = {10: 300, 9: 200, 8: 200, 7: 100, 3: 200}  # NPS 30, n 1000
    after = {10: 250, 9: 150, 8: 200, 7: 100, 3: 300}  # NPS 10, n 1000
    test = scoring.change_test("nps", before, after)
    assert test.difference == pytest.approx(-20.0)
    # variance of each NPS: p + d − (p − d)² = 0.5 + 0.2 − 0.09 = 0.61 and 0.4 + 0.3 − 0.01 = 0.69
    assert test.z == pytest.approx(-20 / (100 * ((0.61 + 0.69) / 1000) ** 0.5))
    assert test.significant
    assert not test.small_sample
    assert 3e-8 > test.p_value > 2e-8
    tiny = scoring.change_test("nps", {10: 6, 3: 4}, {10: 2, 3: 8})
    assert tiny.difference == pytest.approx(-80.0)
    assert tiny.p_value < 0.05
    assert tiny.small_sample
    assert not tiny.significant


def test_a_small_wobble_is_not_significant_and_unanimous_samples_need_no_z():
    wobble = scoring.change_test("nps", {10: 50, 8: 30, 2: 20}, {10: 48, 8: 30, 2: 22})
    assert not wobble.significant
    assert wobble.p_value > 0.5
    same = scoring.change_test("nps", {10: 40}, {10: 50})
    assert same.z is None
    assert same.difference == 0
    assert not same.significant


def test_csat_changes_use_the_two_proportion_test_and_ces_the_means():
    csat = scoring.change_test("csat", {5: 80, 2: 20}, {5: 60, 2: 40})
    pooled = 140 / 200
    assert csat.difference == pytest.approx(-20.0)
    assert csat.z == pytest.approx(-0.2 / (pooled * (1 - pooled) * (2 / 100)) ** 0.5)
    ces = scoring.change_test("ces", {7: 50, 5: 50}, {7: 50, 5: 50})
    assert ces.difference == 0
    assert not ces.significant
    with pytest.raises(ValueError, match="ces counts may only have answers 1 to 7"):
        scoring.change_test("ces", {0: 1}, {7: 1})


def test_contribution_is_share_times_the_gap_to_the_overall_score():
    assert scoring.contribution(share=0.25, segment_score=-20.0, overall_score=20.0) == pytest.approx(-10.0)
    assert scoring.contribution(share=0.5, segment_score=None, overall_score=3.0) is None


def test_periods_widen_to_whole_weeks_and_months():
    assert insights.period_align(interval="week", since=date(2026, 3, 4), until=date(2026, 3, 10)) == (
        date(2026, 3, 2),
        date(2026, 3, 15),
    )
    assert insights.period_align(interval="month", since=date(2026, 2, 14), until=date(2026, 2, 20)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    starts = insights.bucket_starts(interval="month", since=date(2025, 11, 1), until=date(2026, 2, 28))
    assert starts == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


# --- exact figures from the rollups ------------------------------------------------------------------


@pytest.fixture
def answers(settings):
    """400 NPS answers over four months at three touchpoints, in two plans and three languages."""
    settings.TIME_ZONE = "Asia/Shanghai"
    survey = SurveyFactory(kind="nps", name="Relationship NPS")
    touchpoints = [
        TouchpointFactory(key=key, name=name)
        for key, name in (("onboarding", "Onboarding"), ("support", "客服"), ("billing", "Billing"))
    ]
    for n, plan in enumerate(("pro", "basic")):
        CustomerFactory(external_id=f"acme-{n}", plan=plan, account="Acme 集团")
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(400):
        touchpoint = touchpoints[i % 3]
        score = rng.choice(range(0, 7) if touchpoint.key == "support" and i % 2 else range(0, 11))
        response_submit(
            survey_key=survey.public_key,
            score=score,
            comment=("客服太慢了 😡", "Onboarding was smooth", "")[i % 3],
            locale=("zh-hans", "en", "zh-hant")[i % 3],
            touchpoint_key=touchpoint.key,
            customer=CustomerIdentity(external_id=f"acme-{i % 2}") if i % 4 else None,
            submitted_at=start + timedelta(hours=7 * i),
        )
    # 2026-01-31 17:00 UTC is already February 1st in Shanghai
    response_submit(
        survey_key=survey.public_key,
        score=0,
        touchpoint_key="billing",
        submitted_at=datetime(2026, 1, 31, 17, tzinfo=UTC),
    )
    return survey


def _expected(survey, *, interval, group_by):
    """The same counts straight from the responses, bucketed in Python: the oracle."""
    counts = defaultdict(Counter)
    for row in Response.objects.filter(survey=survey).values(
        "submitted_at", "score", "touchpoint_id", "plan", "locale"
    ):
        day = timezone.localtime(row["submitted_at"]).date()
        if interval == "month":
            day = day.replace(day=1)
        elif interval == "week":
            day -= timedelta(days=day.weekday())
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
    filters = insights.ScoreFilters(kind="nps", survey_ids=(answers.id,))

    def series():
        return insights.score_series(
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
    month = insights.score_series(
        filters=insights.ScoreFilters(
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
    filters = insights.ScoreFilters(kind="nps")
    score_rollups_fold()
    survey = answers
    for i in range(30):  # arrive after the fold: pending
        response_submit(
            survey_key=survey.public_key,
            score=10,
            touchpoint_key="support",
            submitted_at=datetime(2026, 2, 10, tzinfo=UTC) + timedelta(minutes=i),
        )
    mixed = insights.score_series(
        filters=filters, interval="month", since=date(2026, 1, 1), until=date(2026, 4, 30), group_by="touchpoint"
    )
    assert ScoreChange.objects.count() == 30
    assert _got(mixed) == _expected(survey, interval="month", group_by="touchpoint")
    score_rollups_rebuild()
    assert not ScoreChange.objects.exists()
    rebuilt = insights.score_series(
        filters=filters, interval="month", since=date(2026, 1, 1), until=date(2026, 4, 30), group_by="touchpoint"
    )
    assert _got(rebuilt) == _got(mixed)
    assert rebuilt.total.n == Response.objects.filter(submitted_at__lt=datetime(2026, 4, 30, 16, tzinfo=UTC)).count()


def test_a_period_not_in_whole_months_counts_exactly_its_days(answers):
    score_rollups_fold()
    since, until = date(2026, 1, 20), date(2026, 3, 9)
    total = insights.score_total(filters=insights.ScoreFilters(kind="nps"), since=since, until=until)
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
        total = insights.score_total(
            filters=insights.ScoreFilters(kind="nps", plans=("enterprise",)), since=today, until=today
        )
        assert total.counts[9] == 1
        assert total.counts[2] == 0
        assert total.n == 1
        score_rollups_fold()


def test_the_breakdown_puts_the_touchpoint_that_pulls_nps_down_first(answers):
    score_rollups_fold()
    breakdown = insights.score_breakdown(
        filters=insights.ScoreFilters(kind="nps"), by="touchpoint", since=date(2026, 1, 1), until=date(2026, 5, 31)
    )
    first = breakdown.segments[0]
    assert first.label == "客服"
    assert first.contribution < 0
    assert first.versus_rest.significant
    assert sum(s.figure.n for s in breakdown.segments) == breakdown.total.n == 401
    assert sum(s.contribution for s in breakdown.segments) == pytest.approx(0.0, abs=1e-9)
    by_account = insights.score_breakdown(
        filters=insights.ScoreFilters(kind="nps"), by="account", since=date(2026, 1, 1), until=date(2026, 5, 31)
    )
    assert {s.label for s in by_account.segments} == {"Acme 集团", "—"}


# --- the API -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("group", "status"), [("CX staff", 200), ("CX lead", 200), ("Marketing", 403), (None, 403)])
def test_insights_are_for_cx_staff_and_leads(group, status):
    SurveyFactory(kind="nps")
    assert staff_client(f"user-{group}", group).get(SCORES).status_code == status
    assert staff_client(f"other-{group}", group).get(BREAKDOWN).status_code == status


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(SCORES).status_code in (401, 403)


def test_the_api_returns_the_series_with_margins_and_changes(answers):
    client = staff_client("lead", "CX lead")
    response = client.get(
        SCORES,
        {
            "survey": answers.id,
            "interval": "month",
            "since": "2026-01-01",
            "until": "2026-04-30",
            "group_by": "touchpoint",
            "language": ["zh-hans", "en"],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "nps"
    assert body["source"] == "rollups"
    support = next(line for line in body["series"] if line["label"] == "客服")
    january = support["buckets"][0]
    assert january["start"] == "2026-01-01"
    assert january["end"] == "2026-01-31"
    figure = january["figure"]
    assert figure["n"] == sum(figure["classes"].values()) > 0
    assert figure["score"]["low"] <= figure["score"]["value"] <= figure["score"]["high"]
    assert set(support["buckets"][1]["change"]) == {"difference", "z", "p_value", "significant", "small_sample"}
    only_zh_en = Response.objects.filter(
        survey=answers, locale__in=["zh-hans", "en"], submitted_at__lt=datetime(2026, 4, 30, 16, tzinfo=UTC)
    )
    assert body["total"]["n"] == only_zh_en.count()


def test_an_account_filter_reads_the_responses_and_agrees_with_them(answers):
    body = (
        staff_client("lead", "CX lead")
        .get(SCORES, {"account": "Acme 集团", "since": "2026-01-01", "until": "2026-06-30"})
        .json()
    )
    assert body["source"] == "responses"
    assert body["total"]["n"] == Response.objects.filter(account="Acme 集团").count() == 300


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"touchpoint": "nowhere"}, "touchpoint", "Unknown touchpoint: nowhere."),
        ({"survey": 999999}, "survey", "Unknown survey: 999999."),
        ({"since": "2026-05-01", "until": "2026-04-01"}, "until", "until must not be before since."),
        ({"interval": "hour"}, "interval", '"hour" is not a valid choice.'),
        ({"interval": "day", "since": "2020-01-01", "until": "2026-01-01"}, "since", "At most 400 buckets"),
        ({"language": "fr"}, "language", '"fr" is not a valid choice.'),
        ({"since": "yesterday"}, "since", "Date has wrong format"),
        ({"until": "9999-12-31"}, "until", "Must be a day from 1900-01-01 to 9000-12-31."),
        ({"since": "0001-01-01", "until": "0001-02-01"}, "since", "Must be a day from 1900-01-01"),
        ({"survey": "99999999999999999999"}, "survey", "less than or equal to"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(params, field, message):
    SurveyFactory(kind="nps")
    response = staff_client("lead", "CX lead").get(SCORES, params)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert message in str([errors for name, errors in fields.items() if name.split(".")[0] == field])


def test_surveys_of_different_kinds_cannot_be_mixed():
    nps, csat = SurveyFactory(kind="nps"), SurveyFactory(kind="csat")
    response = staff_client("lead", "CX lead").get(SCORES, {"survey": [nps.id, csat.id]})
    assert response.status_code == 400
    assert "different kinds" in str(response.json())


def test_a_csat_series_gives_percentages_and_a_ces_series_the_mean_and_agree_share():
    csat, ces = SurveyFactory(kind="csat"), SurveyFactory(kind="ces")
    for score in (5, 4, 2):
        response_submit(survey_key=csat.public_key, score=score)
    for score in (7, 6, 2):
        response_submit(survey_key=ces.public_key, score=score)
    client = staff_client("lead", "CX lead")
    csat_body = client.get(SCORES, {"survey": csat.id, "interval": "day"}).json()
    assert csat_body["total"]["score"]["value"] == pytest.approx(200 / 3)
    ces_body = client.get(SCORES, {"kind": "ces", "interval": "day"}).json()
    assert ces_body["total"]["score"]["value"] == pytest.approx(5.0)
    assert ces_body["total"]["agree"]["value"] == pytest.approx(200 / 3)
    assert ces_body["total"]["small_sample"] is True


def test_the_breakdown_api_lists_segments_worst_first(answers):
    body = (
        staff_client("lead", "CX lead")
        .get(BREAKDOWN, {"by": "touchpoint", "since": "2026-01-01", "until": "2026-05-31"})
        .json()
    )
    contributions = [segment["contribution"] for segment in body["segments"]]
    assert contributions == sorted(contributions)
    assert body["segments"][0]["label"] == "客服"


# --- PostgreSQL: folding beside answers arriving ---------------------------------------------------------


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
    total = insights.score_total(filters=insights.ScoreFilters(kind="nps"), since=today, until=today)
    assert total.n == 300
    assert all(total.counts[s] == Counter(i % 11 for i in range(300))[s] for s in range(11))
    assert sum(folded) <= 300
    assert not ScoreChange.objects.exists()


def test_every_grain_counts_every_answer_once(answers):
    for fold in (score_rollups_fold, score_rollups_rebuild):
        fold()
        totals = {
            grain: sum(sum(row) for row in ScoreRollup.objects.filter(grain=grain).values_list(*SCORE_COLUMNS))
            for grain in ScoreRollup.Grain.values
        }
        assert totals == dict.fromkeys(ScoreRollup.Grain.values, 401)
        assert not ScoreRollup.objects.filter(grain__endswith="_all").exclude(locale="", plan="").exists()


def test_the_period_before_is_as_many_buckets_just_before(answers):
    score_rollups_fold()
    result = insights.score_series(
        filters=insights.ScoreFilters(kind="nps"), interval="month", since=date(2026, 3, 10), until=date(2026, 4, 2)
    )
    assert (result.since, result.until) == (date(2026, 3, 1), date(2026, 4, 30))
    local = [timezone.localtime(at).date() for at in Response.objects.values_list("submitted_at", flat=True)]
    assert result.previous.n == sum(date(2026, 1, 1) <= day < date(2026, 3, 1) for day in local) > 0
    assert result.total.n == sum(date(2026, 3, 1) <= day <= date(2026, 4, 30) for day in local) > 0
    assert insights.buckets_before(interval="month", since=date(2026, 1, 1), count=3) == date(2025, 10, 1)
    assert insights.buckets_before(interval="week", since=date(2026, 3, 2), count=2) == date(2026, 2, 16)


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
    filters = insights.ScoreFilters(kind="nps")
    for _ in range(2):  # pending, then folded
        series = insights.score_series(
            filters=filters, interval="month", since=date(2026, 1, 1), until=date(2026, 5, 31), group_by="touchpoint"
        )
        assert _got(series) == _expected(answers, interval="month", group_by="touchpoint")
        assert series.total.n == 401 - 25
        score_rollups_fold()


@pytest.mark.parametrize("endpoint", ["scores", "breakdown", "drivers", "loop", "response-rates"])
def test_every_metrics_endpoint_bounds_its_days(endpoint):
    SurveyFactory(kind="nps")
    client = staff_client("lead", "CX lead")
    assert client.get(f"/api/v1/metrics/{endpoint}/", {"until": "9999-12-31"}).status_code == 400
    assert client.get(f"/api/v1/metrics/{endpoint}/", {"since": "1900-01-01", "until": "1900-02-01"}).status_code == 200


def test_loop_kpis_follow_the_kind_plan_and_language_filters():
    from tests.closedloop.factories import CaseFactory

    nps, csat = SurveyFactory(kind="nps"), SurveyFactory(kind="csat")
    CaseFactory(survey_id=nps.id, customer_plan="pro", locale="zh-hans")
    CaseFactory(survey_id=nps.id, customer_plan="starter", locale="en")
    CaseFactory(survey_id=csat.id, survey_kind="csat", customer_plan="pro", locale="en")
    client = staff_client("lead", "CX lead")

    def opened(**params):
        return client.get("/api/v1/metrics/loop/", params).json()["opened"]

    assert opened() == 2  # nps, the default kind
    assert opened(kind="csat") == 1
    assert opened(plan="pro") == 1
    assert opened(language="zh-hans") == 1
    assert opened(plan="enterprise") == 0


def test_grouping_by_account_says_it_read_the_responses(answers):
    body = staff_client("lead", "CX lead").get(SCORES, {"group_by": "account", "since": "2026-01-01"}).json()
    assert body["source"] == "responses"
    assert {line["label"] for line in body["series"]} == {"Acme 集团", "—"}
