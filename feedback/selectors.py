"""Reading feedback items, and staff's sentiment corrections as training data."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count

from common.sql import postgresql_paths
from feedback.models import FeedbackItem, SentimentCorrection, Theme, ThemeTerm
from feedback.sql import driver_counts_sql


def feedback_item_ids(
    *, since: datetime | None = None, survey_id: int | None = None, failed_only: bool = False
) -> list[int]:
    items = FeedbackItem.objects.all()
    if since is not None:
        items = items.filter(given_at__gte=since)
    if survey_id is not None:
        items = items.filter(survey_id=survey_id)
    if failed_only:
        items = items.filter(status=FeedbackItem.Status.FAILED)
    return list(items.order_by("id").values_list("id", flat=True))


def feedback_status_counts() -> dict[str, int]:
    """How many items are pending, analysed and failed."""
    counts = dict.fromkeys(FeedbackItem.Status.values, 0)
    for row in FeedbackItem.objects.values("status").order_by().annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def feedback_source_ids(*, source: str, ids: list[int]) -> set[int]:
    """Which of these source ids already have an item."""
    return set(FeedbackItem.objects.filter(source=source, source_id__any_of=ids).values_list("source_id", flat=True))


def feedback_detractor_recently(*, items: Sequence[FeedbackItem], window: timedelta) -> set[int]:
    """Ids of the items whose customer gave another detractor answer in the `window` before them (one query)."""
    identified = [item for item in items if item.customer_id is not None]
    if not identified:
        return set()
    earlier = FeedbackItem.objects.filter(
        customer_id__any_of=sorted({item.customer_id for item in identified}),
        classification="detractor",
        given_at__gte=min(item.given_at for item in identified) - window,
        given_at__lte=max(item.given_at for item in identified),
    ).values_list("id", "customer_id", "given_at")
    by_customer: dict[int, list[tuple[int, datetime]]] = {}
    for pk, customer_id, given_at in earlier:
        by_customer.setdefault(customer_id, []).append((pk, given_at))
    return {
        item.id
        for item in identified
        if any(
            pk != item.id and item.given_at - window <= given_at <= item.given_at
            for pk, given_at in by_customer.get(item.customer_id, ())
        )
    }


TONES = ("neg", "pos", "mixed", "neu", "")  # how a comment speaks of a driver; "": unknown (analysed before aspects)


@dataclass(frozen=True, slots=True)
class DriverCounts:
    """Per-score counts of commented answers: all of them, and those mentioning each driver, by tone.

    A driver is a theme of the theme map (its terms merged) or a keyword no theme claims.
    An answer mentioning two terms of one theme counts once for it. A mention's tone is what the
    answer's aspects say of the driver's words: "neg", "pos", "mixed" (praise and complaint in one
    comment), "neu", or "" when no aspect names them (an item analysed before aspects existed).
    """

    commented: dict[int, int]
    tones: dict[str, dict[int, dict[str, int]]]  # driver key -> {score: {tone: answers}}
    labels: dict[str, tuple[str, str]]  # driver key -> (English, Chinese) name

    @property
    def drivers(self) -> dict[str, dict[int, int]]:
        """Driver key ("theme:refunds", "keyword:checkout") -> {score: answers mentioning it, in any tone}."""
        return {
            key: {score: sum(by_tone.values()) for score, by_tone in scores.items()}
            for key, scores in self.tones.items()
        }


def mention_tone(labels: set[str]) -> str:
    """The tone of an answer's mention of a driver, from the labels its aspects give the driver's words."""
    if "neg" in labels:
        return "mixed" if "pos" in labels else "neg"
    if "pos" in labels:
        return "pos"
    return "neu" if "neu" in labels else ""


def driver_counts(
    *,
    survey_kind: str,
    since: datetime,
    before: datetime,
    survey_ids: Sequence[int] = (),
    touchpoint_keys: Sequence[str] = (),
    languages: Sequence[str] = (),
    locales: Sequence[str] = (),
    plans: Sequence[str] = (),
    accounts: Sequence[str] = (),
) -> DriverCounts:
    """Count analysed comments per score, overall and per driver and tone (two statements).

    On PostgreSQL the counting is done in the database; elsewhere here, from the same rows. Both
    give the same counts (tests/feedback/test_sql.py).
    """
    items = FeedbackItem.objects.filter(
        source=FeedbackItem.Source.RESPONSE,
        survey_kind=survey_kind,
        status=FeedbackItem.Status.ANALYSED,
        given_at__gte=since,
        given_at__lt=before,
        score__isnull=False,
    ).exclude(text="")
    if survey_ids:
        items = items.filter(survey_id__in=survey_ids)
    if touchpoint_keys:
        items = items.filter(touchpoint_key__in=touchpoint_keys)
    if languages:  # as analysed: zh, en or mixed
        items = items.filter(language__in=languages)
    if locales:  # as answered in
        items = items.filter(locale__in=locales)
    if plans:
        items = items.filter(customer_plan__in=plans)
    if accounts:
        items = items.filter(customer_account__in=accounts)
    themes = {f"theme:{key}": (en, zh) for key, en, zh in Theme.objects.values_list("key", "name_en", "name_zh")}
    rows = items.values_list("id", "score", "keywords", "aspects")
    commented, tones = _driver_counts_postgresql(rows) if postgresql_paths() else _driver_counts_portable(rows)
    labels = {key: themes.get(key) or (key.split(":", 1)[1],) * 2 for key in tones}
    return DriverCounts(commented=commented, tones=tones, labels=labels)


def theme_keys_by_term() -> dict[str, str]:
    """Each active theme's terms, lower-cased, to the theme's key ("theme:refunds"): 退款 and refund alike."""
    return {
        term.lower(): f"theme:{key}"
        for term, key in ThemeTerm.objects.filter(theme__active=True).values_list("term", "theme__key")
    }


_Tones = dict[str, dict[int, dict[str, int]]]


def _driver_counts_postgresql(rows) -> tuple[dict[int, int], _Tones]:
    """Counted in the database, in one statement (one snapshot): 0.23 s for 200,000 comments."""
    base_sql, base_params = rows.query.sql_with_params()
    tones: _Tones = defaultdict(lambda: defaultdict(dict))
    commented: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(driver_counts_sql(base_sql), [*base_params, *base_params])
        for driver, tone, score, n in cursor.fetchall():
            if driver is None:
                commented[score] = n
            else:
                tones[driver][score][tone] = n
    return commented, {driver: dict(scores) for driver, scores in tones.items()}


def _driver_counts_portable(rows) -> tuple[dict[int, int], _Tones]:
    """The same counted here, from one query (one snapshot): the embedded setup's few thousand comments.

    A keyword is a theme's when an active theme has it as a term, in any case; otherwise it is a
    driver of its own, lower-cased. A word's tone comes from the aspects naming it, in any case.
    """
    theme_of = theme_keys_by_term()
    tones: _Tones = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    commented: dict[int, int] = defaultdict(int)
    for _pk, score, keywords, aspects in rows.iterator(chunk_size=2000):
        commented[score] += 1
        said: dict[str, set[str]] = defaultdict(set)
        for aspect in aspects if isinstance(aspects, list) else ():
            if isinstance(aspect, dict) and isinstance(aspect.get("term"), str):
                said[aspect["term"].lower()].add(aspect.get("label"))
        mentions: dict[str, set[str]] = defaultdict(set)
        for word in keywords or ():
            mentions[theme_of.get(word.lower()) or f"keyword:{word.lower()}"] |= said.get(word.lower(), set())
        for driver, labels in mentions.items():
            tones[driver][score][mention_tone(labels)] += 1
    return dict(commented), {
        driver: {score: dict(by_tone) for score, by_tone in scores.items()} for driver, scores in tones.items()
    }


# --- Sentiment corrections: training data for the analysis ---------------------------------------

TRAINING_COLUMNS = ("item_id", "text", "language", "label", "analysis_label", "corrected_by", "at")


def sentiment_training_rows() -> Iterator[dict]:
    """Each corrected comment once, with staff's latest label, oldest item first (TRAINING_COLUMNS).

    A comment forgotten since (its text emptied) is left out: there are no words left to learn from.
    """
    corrections = (
        SentimentCorrection.objects.exclude(text="")
        .select_related("corrected_by", "item")
        .order_by("item_id", "-corrected_at", "-id")
    )
    last_item = None
    for correction in corrections.iterator(chunk_size=1000):
        if correction.item_id == last_item:
            continue  # an earlier correction of the same comment
        last_item = correction.item_id
        yield {
            "item_id": correction.item_id,
            "text": correction.text,
            "language": correction.language,
            "label": correction.new_label,
            "analysis_label": correction.item.label,
            "corrected_by": correction.corrected_by.get_username() if correction.corrected_by else "",
            "at": correction.corrected_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def sentiment_corrections_of(item_id: int) -> list[SentimentCorrection]:
    """An item's corrections, newest first, with who made them."""
    return list(SentimentCorrection.objects.filter(item_id=item_id).select_related("corrected_by"))
