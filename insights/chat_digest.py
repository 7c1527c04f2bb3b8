"""The chat channels' daily digest: new detractors, overdue cases and the week's NPS against the week before.

The figures are read here, where answers and cases are visible, and handed to the webhooks app as a frozen
value (webhooks.contracts.DigestFigures), which renders and queues one message per channel.
"""

import math
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from closedloop.models import Case
from closedloop.selectors import overdue
from insights.filters import ScoreFilters
from insights.series import score_total
from surveys import scoring
from surveys.models import Response
from webhooks.chat_selectors import chat_digest_owed
from webhooks.contracts import DigestFigures
from webhooks.services.chat import chat_digest_queue

WEEK = 7


def digest_figures(*, now: datetime) -> DigestFigures:
    """The figures of the digest sent at `now`: the last 24 hours, open cases past due, and NPS over the 7 whole
    days before today against the 7 days before those (each with its 95% margin; the change with its own)."""
    day = timezone.localdate(now)
    until = day - timedelta(days=1)
    since = until - timedelta(days=WEEK - 1)
    filters = ScoreFilters(kind=scoring.SurveyKind.NPS)
    current = score_total(filters=filters, since=since, until=until)
    before = score_total(filters=filters, since=since - timedelta(days=WEEK), until=since - timedelta(days=1))
    test = scoring.change_test(
        scoring.SurveyKind.NPS, before.counts, current.counts, min_sample=settings.CX_METRICS_MIN_SAMPLE
    )
    change = change_margin = None
    if current.estimate.value is not None and before.estimate.value is not None:
        change = current.estimate.value - before.estimate.value
        if current.estimate.margin is not None and before.estimate.margin is not None:
            change_margin = math.hypot(current.estimate.margin, before.estimate.margin)  # independent samples
    return DigestFigures(
        day=day,
        new_detractors=Response.objects.filter(
            classification=scoring.Classification.DETRACTOR, submitted_at__gt=now - timedelta(hours=24)
        ).count(),
        overdue_cases=Case.objects.filter(overdue(now)).count(),
        since=since,
        until=until,
        nps=current.estimate.value,
        nps_margin=current.estimate.margin,
        nps_n=current.n,
        nps_before=before.estimate.value,
        nps_before_margin=before.estimate.margin,
        nps_before_n=before.n,
        change=change,
        change_margin=change_margin,
        significant=test.significant,
        small_sample=test.small_sample,
    )


def chat_digest_run(*, now: datetime | None = None) -> int:
    """Queue today's digest where it is owed, from CX_CHAT_DIGEST_HOUR on; return how many channels got one.

    Run hourly by beat: before the hour, or once every channel has today's digest, it reads nothing.
    """
    now = now or timezone.now()
    day: date = timezone.localdate(now)
    if timezone.localtime(now).hour < settings.CX_CHAT_DIGEST_HOUR or not chat_digest_owed(day):
        return 0
    return chat_digest_queue(digest_figures(now=now))
