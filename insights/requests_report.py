"""What customers ask for: the period's requests grouped by theme across both languages, with who asks and their MRR.

Why here, in insights: the requests and their grouping are feedback's (`feedback.request_selectors`,
through the theme map), the MRR is accounts' (`accounts.selectors.account_mrr`, the accounts'
current `mrr`); a report that reads across apps lives in insights, as churn reasons and retention
do, and feedback stays free of money. The counting itself is `insights.request_counting` (pure).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.selectors import account_mrr
from common.chinese import in_script
from feedback.request_selectors import OTHER, RequestFacts, request_facts, theme_names
from insights import request_counting as counting
from insights.periods import day_after, day_start

DEFAULT_EXAMPLES = 3
MAX_EXAMPLES = 10
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class RequestFilters:
    """Which requests count (empty: no narrowing)."""

    kinds: tuple[str, ...] = ()  # survey kinds: nps, csat, ces
    touchpoint_keys: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()  # as answered in: zh-hans, zh-hant, en
    languages: tuple[str, ...] = ()  # as analysed: zh, en, mixed


@dataclass(frozen=True, slots=True)
class Example:
    """A request as the customer wrote it (never translated), with where it came from."""

    id: int
    text: str
    given_at: datetime
    language: str
    locale: str
    survey_kind: str
    score: int | None
    account: str
    url: str  # the feedback item's admin page


@dataclass(frozen=True, slots=True)
class RequestGroup:
    key: str  # "theme:<key>", "keyword:<word>" or "other"
    kind: str  # theme, keyword or other
    name: str  # in the reader's language (a keyword as customers wrote it, lower-cased)
    tally: counting.Tally
    examples: list[Example] = field(default_factory=list)  # the newest first


@dataclass(frozen=True, slots=True)
class RequestsReport:
    since: date
    until: date
    filters: RequestFilters
    totals: counting.Tally  # every request once, each customer and account once
    groups: list[RequestGroup]  # at most `limit`
    groups_total: int


def group_name(key: str, themes: dict[str, tuple[str, str]]) -> str:
    """A group's name for the reader: a theme's in their language (zh-Hant in traditional forms), a keyword as is."""
    if key == OTHER:
        return _("Other requests")
    if key in themes:
        name_en, name_zh = themes[key]
        chinese = (get_language() or "").startswith("zh")
        return in_script(name_zh) if chinese and name_zh else name_en
    return key.split(":", 1)[1]


def _example(fact: RequestFacts) -> Example:
    return Example(
        id=fact.id,
        text=fact.text,
        given_at=fact.given_at,
        language=fact.language,
        locale=fact.locale,
        survey_kind=fact.survey_kind,
        score=fact.score,
        account=fact.account,
        url=reverse("admin:feedback_feedbackitem_change", args=[fact.id]),
    )


def requests_report(
    *,
    since: date,
    until: date,
    filters: RequestFilters = RequestFilters(),
    examples: int = DEFAULT_EXAMPLES,
    limit: int = DEFAULT_LIMIT,
) -> RequestsReport:
    """The requests given from `since` to `until` (both days included, in TIME_ZONE), grouped, counted, sorted."""
    facts = request_facts(
        since=day_start(since),
        before=day_after(until),
        survey_kinds=filters.kinds,
        touchpoint_keys=filters.touchpoint_keys,
        locales=filters.locales,
        languages=filters.languages,
    )
    asks = [counting.Ask(id=f.id, customer_id=f.customer_id, account=f.account, groups=f.groups) for f in facts]
    mrr = account_mrr(f.account for f in facts)
    rows = counting.request_table(asks, mrr)
    by_id = {fact.id: fact for fact in facts}
    themes = theme_names()
    groups = [
        RequestGroup(
            key=row.key,
            kind=_kind(row.key),
            name=group_name(row.key, themes),
            tally=row.tally,
            examples=[_example(by_id[pk]) for pk in row.request_ids[:examples]],  # facts come newest first
        )
        for row in rows[:limit]
    ]
    return RequestsReport(
        since=since,
        until=until,
        filters=filters,
        totals=counting.tally(asks, mrr),
        groups=groups,
        groups_total=len(rows),
    )


def _kind(key: str) -> str:
    return OTHER if key == OTHER else key.split(":", 1)[0]


def export_rows(report: RequestsReport, examples: int) -> Sequence[list]:
    """The report as a table for the product team: one row a group, its examples in columns of their own."""
    rows: list[list] = []
    for group in report.groups:
        texts = [example.text for example in group.examples[:examples]]
        rows.append(
            [
                group.key,
                group.name,
                group.tally.customers,
                group.tally.accounts,
                group.tally.mrr,
                group.tally.requests,
                *texts,
                *[""] * (examples - len(texts)),
            ]
        )
    return rows


def export_columns(examples: int) -> list[str]:
    return ["group", "name", "customers", "accounts", "mrr", "requests", *(f"example_{n + 1}" for n in range(examples))]
