"""seed_demo: both languages, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from closedloop.models import Advocate, Case, CaseActivity, Referral
from feedback.models import FeedbackItem
from surveys.demo.seed import demo_widget_origins
from surveys.models import ContactRule, Customer, Invitation, Response, Survey, SurveyStats, Touchpoint, TouchpointEvent

pytestmark = pytest.mark.django_db  # demo_data: seeded once for the module; seeding again adds nothing


def test_seed_demo_loads_a_bilingual_data_set_once(demo_data):
    counts = (Survey.objects.count(), Touchpoint.objects.count(), Customer.objects.count(), Response.objects.count())
    call_command("seed_demo", stdout=io.StringIO())

    # 200 customers and 2,000 answers, 10 more given through invitations; the accounts' story (portfolio.demo)
    # adds an account's 12 people and their 17 answers
    assert counts == (3, 5, 212, 2027)
    assert (Survey.objects.count(), Touchpoint.objects.count(), Customer.objects.count()) == counts[:3]
    assert Response.objects.count() == 2027
    assert set(Invitation.objects.values_list("status", flat=True)) == set(Invitation.Status.values) - {"sending"}
    assert Invitation.objects.count() == 60
    assert ContactRule.objects.count() == 5
    assert TouchpointEvent.objects.filter(decision="skipped").values("reason").distinct().count() == 5
    assert set(Survey.objects.values_list("kind", flat=True)) == {"nps", "ces", "csat"}
    chinese = Response.objects.filter(locale__startswith="zh").count()
    assert 800 <= chinese <= 1210
    assert Response.objects.filter(locale="zh-hant").count() > 150
    comments = list(Response.objects.exclude(comment="").values_list("comment", flat=True))
    assert len(comments) > 1000
    assert any("訂單" in c or "帳單" in c for c in comments)  # traditional characters
    assert any(any(ord(ch) > 0x1F000 for ch in c) for c in comments)  # emoji
    assert any(
        any("\u4e00" <= ch <= "\u9fff" for ch in c) and any(ch.isascii() and ch.isalpha() for ch in c) for c in comments
    )
    assert SurveyStats.objects.filter(responses__gt=0).count() == 3


def test_seed_demo_opens_cases_some_overdue_some_resolved_with_notes(demo_data):
    cases = Case.objects.all()
    assert cases.count() > 50
    assert cases.filter(status__in=("resolved", "closed"), root_cause__isnull=False).exclude(resolution="").exists()
    assert cases.filter(customer_notified_at__isnull=False).exclude(customer_note="").exists()
    assert cases.filter(sla="overdue", escalated_at__isnull=False).exists()
    assert cases.filter(status__in=("assigned", "contacted"), owner__username__startswith="demo-").exists()
    assert cases.filter(language="zh").exists()
    assert cases.filter(language="en").exists()
    assert CaseActivity.objects.filter(kind="note").exists()
    assert not FeedbackItem.objects.exclude(status="analysed").exists()
    assert FeedbackItem.objects.count() == Response.objects.count()  # every answer, with or without a comment
    # its story's webhook events, as if it had just happened
    from webhooks.models import Event

    written = dict(Event.objects.values_list("type").annotate(n=Count("id")).values_list("type", "n"))
    assert written["response.created"] == Response.objects.count()
    assert written["case.opened"] == cases.count()
    assert written["case.resolved"] == cases.filter(status__in=("resolved", "closed")).count()
    assert written["case.escalated"] == cases.filter(escalated_at__isnull=False).count()
    count, events = cases.count(), Event.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Case.objects.count(), Event.objects.count()) == (count, events)  # once


def test_seed_demo_moves_advocates_along_with_visits_and_referrals_once(demo_data):
    statuses = set(Advocate.objects.values_list("status", flat=True))
    referrals = list(Referral.objects.values_list("external_id", "kind", "revenue", "occurred_at"))
    visits = list(Advocate.objects.order_by("pk").values_list("visits", flat=True))
    call_command("seed_demo", stdout=io.StringIO())

    assert {"candidate", "invited", "active", "declined"} <= statuses
    assert Advocate.objects.filter(status="declined").count() == 2
    assert Advocate.objects.filter(status__in=("invited", "active"), visits__gt=0, last_visit_at__isnull=False).exists()
    signups = [r for r in referrals if r[1] == "signup"]
    conversions = [r for r in referrals if r[1] == "conversion"]
    assert signups
    assert conversions
    assert all(revenue == 0 for _id, _kind, revenue, _at in signups)
    assert all(revenue > 0 for _id, _kind, revenue, _at in conversions)
    assert all(external_id.startswith(("demo-signup-", "demo-order-")) for external_id, *_ in referrals)
    months = {at.strftime("%Y-%m") for *_, at in referrals}
    assert len(months) >= 4  # spread over the last six months
    assert not Referral.objects.filter(advocate__status__in=("candidate", "declined")).exists()
    # the second run added nothing, and counted no visit again
    assert sorted(Referral.objects.values_list("external_id", "kind", "revenue", "occurred_at")) == sorted(referrals)
    assert list(Advocate.objects.order_by("pk").values_list("visits", flat=True)) == visits


def test_seed_demo_tells_the_dashboard_s_story_onboarding_dips_and_sync_explains_it(demo_data):
    from datetime import timedelta

    from django.utils import timezone

    from insights.drivers import score_drivers
    from insights.filters import ScoreFilters
    from insights.series import score_breakdown
    from surveys.models import ScoreChange

    assert not ScoreChange.objects.exists()  # folded: the embedded setup has no beat
    until = timezone.localdate()
    recent = {"since": until - timedelta(days=41), "until": until}
    nps = ScoreFilters(kind="nps")

    breakdown = score_breakdown(filters=nps, by="touchpoint", **recent)
    worst = breakdown.segments[0]
    assert worst.label == "Onboarding"
    assert worst.contribution < 0
    assert worst.versus_rest.significant
    earlier = score_breakdown(
        filters=nps, by="touchpoint", since=until - timedelta(days=180), until=until - timedelta(days=42)
    )
    before = next(s for s in earlier.segments if s.label == "Onboarding")
    assert worst.figure.estimate.value < before.figure.estimate.value - 20  # a dip, not the usual

    onboarding = ScoreFilters(kind="nps", touchpoint_ids=(int(worst.key),))
    drivers = score_drivers(filters=onboarding, **recent)
    assert drivers.drivers[0].key == "theme:sync"
    assert drivers.drivers[0].name_zh == "数据同步"
    assert drivers.drivers[0].negative_share > 0.5


@pytest.mark.parametrize(
    ("base_url", "origins"),
    [
        ("http://127.0.0.1:8010", ["http://127.0.0.1:8010", "http://localhost:8010"]),
        ("http://localhost:8000/", ["http://localhost:8000", "http://127.0.0.1:8000"]),
        ("https://cx.example.com/surveys", ["https://cx.example.com"]),
    ],
)
def test_the_demo_widget_origins_follow_the_public_base_url(settings, base_url, origins):
    settings.CX_PUBLIC_BASE_URL = base_url
    assert demo_widget_origins() == origins
