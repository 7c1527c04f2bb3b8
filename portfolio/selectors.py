"""Reading accounts for the CSM console: the portfolio's order, and an account's trend, usage and experience."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, QuerySet, Value, When

from accounts.models import Account, AccountSignal, Band, HealthSnapshot
from closedloop.models import Case
from feedback.models import FeedbackItem
from surveys.models import Response

TREND_DAYS = 180
USAGE_DAYS = 90
TIMELINE_LIMIT = 60

BANDS_IN_ORDER = (Band.RED, Band.YELLOW, Band.GREEN)  # then the accounts not scored yet


class BandRank(models.Case):
    """The portfolio's first sort key: red 0, yellow 1, green 2, not scored 3 (portfolio_slice reads it by index)."""

    def __init__(self):
        whens = [When(health_band=band, then=Value(rank)) for rank, band in enumerate(BANDS_IN_ORDER)]
        super().__init__(*whens, default=Value(len(BANDS_IN_ORDER)), output_field=models.IntegerField())


WITHIN_BAND = (F("renewal_date").asc(nulls_last=True), "external_id")


def portfolio_order() -> list:
    """The portfolio's default order: red first, then yellow, green, unscored; within each, the soonest renewal."""
    return [BandRank().asc(), *WITHIN_BAND]


def in_portfolio_order(accounts: QuerySet[Account]) -> bool:
    """Whether a queryset is in the portfolio's default order (and so may be read band by band)."""
    first = accounts.query.order_by[0] if accounts.query.order_by else None
    return isinstance(getattr(first, "expression", None), BandRank) and not first.descending


def portfolio_slice(accounts: QuerySet[Account], start: int, stop: int) -> list[Account]:
    """Rows start..stop of accounts in the portfolio's order, read band by band, each in the portfolio index's order.

    Sorting every account on the band's rank read them all (12-15 ms for 5,000 on a busy machine);
    each band is read (renewal date, external id), which the index (health_band, renewal_date)
    gives in order, so a page reads about its own rows. A band is counted only when the page
    starts past its end.
    """
    ordered = accounts.order_by(*WITHIN_BAND)
    tiers = [ordered.filter(health_band=band) for band in BANDS_IN_ORDER]
    tiers.append(ordered.exclude(health_band__in=BANDS_IN_ORDER))
    rows: list[Account] = []
    for tier in tiers:
        if start >= stop:
            break
        found = list(tier[start:stop])
        if found:
            rows.extend(found)
            start, stop = 0, stop - start - len(found)
        else:  # the page starts past this band's end
            size = tier.count()
            start, stop = start - size, stop - size
    return rows


def account_portfolio() -> QuerySet[Account]:
    """Accounts as the portfolio lists them, with their CSM, in the portfolio's order."""
    return Account.objects.select_related("csm").order_by(*portfolio_order())


def account_csms() -> QuerySet:
    """The users who look after at least one account, by name."""
    return (
        get_user_model()
        .objects.filter(pk__in=Account.objects.filter(csm__isnull=False).values("csm"))
        .order_by("first_name", "last_name", "username")
    )


def account_plans() -> list[str]:
    """The plans accounts are on (off the plan index)."""
    return list(Account.objects.exclude(plan="").order_by("plan").values_list("plan", flat=True).distinct())


@dataclass(frozen=True, slots=True)
class TrendDay:
    day: date
    score: int | None
    band: str


def account_health_trend(*, account_id: int, today: date, days: int = TREND_DAYS) -> list[TrendDay]:
    """The account's health on each of the last `days` days (today included); a day without a snapshot has None."""
    since = today - timedelta(days=days - 1)
    found = {
        row[0]: row
        for row in HealthSnapshot.objects.filter(account_id=account_id, date__gte=since, date__lte=today)
        .order_by()
        .values_list("date", "health_score", "health_band")
    }
    return [
        TrendDay(day, found[day][1], found[day][2]) if day in found else TrendDay(day, None, "")
        for day in (since + timedelta(days=n) for n in range(days))
    ]


def account_signal_series(
    *, account_id: int, keys: tuple[str, ...], today: date, days: int = USAGE_DAYS
) -> dict[str, list[float | None]]:
    """Each key's value on each of the last `days` days (None where none was sent); keys without any are left out."""
    since = today - timedelta(days=days - 1)
    series: dict[str, list[float | None]] = {}
    rows = AccountSignal.objects.filter(account_id=account_id, key__in=keys, date__gte=since, date__lte=today)
    for key, day, value in rows.order_by().values_list("key", "date", "value"):
        series.setdefault(key, [None] * days)[(day - since).days] = value
    return {key: series[key] for key in keys if key in series}


@dataclass(frozen=True, slots=True)
class AnswerEvent:
    at: datetime
    response_id: int
    survey_kind: str
    score: int
    classification: str
    touchpoint: str
    comment: str
    sentiment: str  # the label staff see (a correction wins), "" when not analysed
    polarity: float | None
    sentiment_corrected: bool
    confidence: float | None = None  # the analysis' probability of its label (None before it was stored)


@dataclass(frozen=True, slots=True)
class CaseEvent:
    at: datetime
    case_id: int
    reason: str  # the reason's label
    status: str  # the status's label
    is_open: bool
    priority: int
    comment: str
    from_answer: bool  # opened by one of the account's answers (the timeline shows its comment there)


def account_timeline(*, external_id: str, limit: int = TIMELINE_LIMIT) -> list[AnswerEvent | CaseEvent]:
    """The account's answers (with their comment's sentiment) and cases, newest first, at most `limit` of them.

    Answers name their account by its external id (`Response.account`), cases by the customer's
    (`Case.customer_account`, indexed; an at-risk case has the account there too).
    """
    responses = list(
        Response.objects.filter(account=external_id)
        .select_related("survey", "touchpoint")
        .order_by("-submitted_at", "-id")[:limit]
    )
    items = {
        item.source_id: item
        for item in FeedbackItem.objects.filter(
            source=FeedbackItem.Source.RESPONSE, source_id__in=[r.pk for r in responses]
        ).only("source_id", "label", "corrected_label", "polarity", "confidence")
    }
    events: list[AnswerEvent | CaseEvent] = []
    for response in responses:
        item = items.get(response.pk)
        events.append(
            AnswerEvent(
                at=response.submitted_at,
                response_id=response.pk,
                survey_kind=response.survey.kind,
                score=response.score,
                classification=response.classification,
                touchpoint=response.touchpoint.name if response.touchpoint else "",
                comment=response.comment,
                sentiment=(item.corrected_label or item.label) if item else "",
                polarity=item.polarity if item else None,
                sentiment_corrected=bool(item and item.corrected_label),
                confidence=item.confidence if item else None,
            )
        )
    for case in Case.objects.filter(customer_account=external_id).order_by("-opened_at", "-id")[:limit]:
        events.append(
            CaseEvent(
                at=case.opened_at,
                case_id=case.pk,
                reason=case.get_reason_display(),
                status=case.get_status_display(),
                is_open=case.is_open,
                priority=case.priority,
                comment=case.comment,
                from_answer=case.source == "response",
            )
        )
    events.sort(key=lambda event: event.at, reverse=True)
    return events[:limit]
