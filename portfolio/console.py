"""The account page of the CSM console: its explanation tables, charts and timeline, ready for the template.

Reads come from portfolio.selectors; this module only shapes them for reading (labels in the
active language, numbers as it writes them, chart geometry from common.charts).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext

from accounts.models import Account, Band
from accounts.selectors import account_churn_records
from common import charts, formats
from common.sentiment import sentiment_text
from portfolio import labels, selectors

BAND_CLASSES = {Band.RED: "cx-red", Band.YELLOW: "cx-yellow", Band.GREEN: "cx-green"}


@dataclass(frozen=True, slots=True)
class MeasureRow:
    key: str
    label: str
    value: str
    weight: str
    points: str
    points_value: float
    missing: bool


@dataclass(frozen=True, slots=True)
class Explanation:
    score: int | None
    band: str
    band_label: str
    band_class: str
    rows: list[MeasureRow]
    total: str  # the points added up: the score itself
    total_value: float
    left_out: int  # measures without data


@dataclass(frozen=True, slots=True)
class Usage:
    key: str
    label: str
    line: charts.Sparkline
    latest: str
    low: str
    high: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: str  # "answer" or "case"
    at: object
    title: str
    text: str
    sentiment: str
    sentiment_class: str
    case_id: int | None
    is_open: bool


@dataclass(frozen=True, slots=True)
class ChurnEntry:
    record_id: int
    date: str
    kind: str
    status: str
    proposed: bool
    mrr_lost: str
    reasons: str


def band_label(band: str) -> str:
    return str(Band(band).label) if band in Band.values else gettext("not scored")


def _number(value: float) -> str:
    return formats.number(round(Decimal(str(value)), 1).normalize() if value % 1 else int(value))


def _float(value) -> float | None:
    """A stored number, or None for what is not one (a measure written by hand, say): never an error page."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def measure_value(key: str, window: str, value: float | None) -> str:
    """A measure's value as read: a trend in signed percent, a share in percent, else the number."""
    if value is None:
        return gettext("no data")
    if window == "trend_30":
        return ("+" if value > 0 else "") + _number(value) + " %"
    if window == "share" or key.endswith("_share"):
        return _number(value * 100) + " %"
    return _number(value)


def explanation(score: int | None, band: str, measures: object) -> Explanation:
    """Each measure's value, weight and points, those without data shown as left out; the points add up to the score."""
    rows = []
    for measure in measures if isinstance(measures, list) else []:
        if not isinstance(measure, dict):
            continue
        value = _float(measure.get("value"))
        missing = bool(measure.get("missing")) or value is None
        points = 0.0 if missing else _float(measure.get("points")) or 0.0
        key, window = str(measure.get("key", "")), str(measure.get("window", ""))
        rows.append(
            MeasureRow(
                key=key,
                label=labels.measure_label(key, window, str(measure.get("per_key") or "")),
                value=measure_value(key, window, None if missing else value),
                weight=gettext("left out") if missing else _number(_float(measure.get("weight")) or 0.0) + " %",
                points=_number(points),
                points_value=points,
                missing=missing,
            )
        )
    total = sum(row.points_value for row in rows)
    return Explanation(
        score=score,
        band=band,
        band_label=band_label(band),
        band_class=BAND_CLASSES.get(band, "cx-none"),
        rows=rows,
        total=_number(round(total, 6)),
        total_value=total,
        left_out=sum(row.missing for row in rows),
    )


def health_trend(account: Account, today: date) -> tuple[charts.TrendChart, list[tuple[str, str]]]:
    """The 180-day chart of the account's health, and its score on a few days for reading without the chart."""
    days = selectors.account_health_trend(account_id=account.pk, today=today)
    chart = charts.trend_chart(
        [
            charts.TrendInput(label=d.day.strftime("%m-%d"), value=d.score, low=None, high=None, n=1, small=False)
            for d in days
        ],
        floor=0,
        ceiling=100,
        width=600,
        height=220,
        whole_range=True,
    )
    read = []
    for back in (179, 89, 29, 0):
        day = days[len(days) - 1 - back]
        read.append((day.day.isoformat(), "—" if day.score is None else str(day.score)))
    return chart, read


def usage(account: Account, today: date) -> list[Usage]:
    """A sparkline of each standard signal the account sent in the last 90 days."""
    series = selectors.account_signal_series(account_id=account.pk, keys=labels.STANDARD, today=today)
    shown = []
    for key, values in series.items():
        line = charts.sparkline(values)
        shown.append(
            Usage(
                key=key,
                label=labels.signal_label(key),
                line=line,
                latest=formats.number(line.latest),
                low=formats.number(line.low),
                high=formats.number(line.high),
            )
        )
    return shown


def timeline(account: Account) -> list[TimelineEntry]:
    """The account's answers (score, comment, its sentiment) and cases, newest first."""
    entries = []
    for event in selectors.account_timeline(external_id=account.external_id):
        if isinstance(event, selectors.CaseEvent):
            entries.append(
                TimelineEntry(
                    kind="case",
                    at=event.at,
                    title=gettext("Case #%(number)d, P%(priority)d: %(reason)s · %(status)s")
                    % {
                        "number": event.case_id,
                        "priority": event.priority,
                        "reason": event.reason,
                        "status": event.status,
                    },
                    text="" if event.from_answer else event.comment,  # an answer's comment is on the answer
                    sentiment="",
                    sentiment_class="",
                    case_id=event.case_id,
                    is_open=event.is_open,
                )
            )
            continue
        title = gettext("%(kind)s %(score)d (%(class)s)") % {
            "kind": event.survey_kind.upper(),
            "score": event.score,
            "class": labels.classification_label(event.classification),
        }
        if event.touchpoint:
            title = gettext("%(answer)s at %(touchpoint)s") % {"answer": title, "touchpoint": event.touchpoint}
        entries.append(
            TimelineEntry(
                kind="answer",
                at=event.at,
                title=title,
                text=event.comment,
                sentiment=sentiment_text(
                    event.sentiment, event.polarity, confidence=event.confidence, corrected=event.sentiment_corrected
                )
                if event.comment and event.sentiment
                else "",
                sentiment_class=f"cx-sentiment-{event.sentiment}" if event.sentiment else "",
                case_id=None,
                is_open=False,
            )
        )
    return entries


def churn_log(account: Account) -> list[ChurnEntry]:
    """The account's churn and downgrade records, newest first, with their reasons in the active language."""
    return [
        ChurnEntry(
            record_id=record.pk,
            date=record.date.isoformat(),
            kind=record.get_kind_display(),
            status=record.get_status_display(),
            proposed=record.status == record.Status.PROPOSED,
            mrr_lost=formats.money(record.mrr_lost),
            reasons="、".join(str(reason) for reason in record.reasons.all()) or "—",
        )
        for record in account_churn_records(account_id=account.pk)
    ]


def account_page(account: Account, today: date) -> dict:
    """Everything the account page shows beside its form."""
    chart, trend_read = health_trend(account, today)
    return {
        "health": explanation(account.health_score, account.health_band, account.health_measures or []),
        "temperature": explanation(account.temperature, account.temperature_band, account.temperature_measures or []),
        "trend": chart,
        "trend_read": trend_read,
        "usage": usage(account, today),
        "usage_days": selectors.USAGE_DAYS,
        "timeline": timeline(account),
        "churn": churn_log(account),
        "renewal_in": labels.countdown(account.renewal_date, today),
        "mrr": formats.money(account.mrr),
    }
