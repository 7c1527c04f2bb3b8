"""Reading the comments that ask for something (`is_request`), each with the groups it belongs to.

A request's groups come from its keywords through the theme map, as the drivers' do
(`selectors.theme_keys_by_term`): a term of an active theme, in any case, puts the request in
that theme ("theme:refunds", whether it said 退款 or refund), a keyword no theme claims makes a
group of its own ("keyword:<the word, lower-cased>"), and a request with no keyword at all goes
to OTHER. A request with two terms of one theme is in that theme once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedback.models import FeedbackItem, Theme
from feedback.selectors import theme_keys_by_term

OTHER = "other"  # the group of the requests with no keyword


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """One analysed comment that asks for something, as the requests report reads it."""

    id: int
    text: str
    given_at: datetime
    language: str  # as analysed: zh, en, mixed, other
    locale: str  # as answered in: zh-hans, zh-hant, en
    survey_kind: str
    score: int | None
    customer_id: int | None  # None: an anonymous answer (or a customer since forgotten)
    account: str  # the customer's account (Account.external_id) when the answer came; "" for none
    groups: tuple[str, ...]  # "theme:<key>", "keyword:<word>" or OTHER, each once


def request_groups_of(keywords: Sequence[str] | None, theme_of: dict[str, str]) -> tuple[str, ...]:
    """A request's groups, in the order its keywords name them; (OTHER,) without a keyword."""
    groups = {theme_of.get(word.lower()) or f"keyword:{word.lower()}": None for word in keywords or () if word}
    return tuple(groups) or (OTHER,)


def request_facts(
    *,
    since: datetime,
    before: datetime,
    survey_kinds: Sequence[str] = (),
    touchpoint_keys: Sequence[str] = (),
    locales: Sequence[str] = (),
    languages: Sequence[str] = (),
) -> list[RequestFacts]:
    """The period's analysed requests (given at or after `since`, before `before`), newest first.

    `survey_kinds`, `touchpoint_keys`, `locales` (as answered in) and `languages` (as analysed)
    narrow them; empty means all.
    """
    items = FeedbackItem.objects.filter(
        is_request=True, status=FeedbackItem.Status.ANALYSED, given_at__gte=since, given_at__lt=before
    ).exclude(text="")
    if survey_kinds:
        items = items.filter(survey_kind__in=survey_kinds)
    if touchpoint_keys:
        items = items.filter(touchpoint_key__in=touchpoint_keys)
    if locales:
        items = items.filter(locale__in=locales)
    if languages:
        items = items.filter(language__in=languages)
    theme_of = theme_keys_by_term()
    rows = items.order_by("-given_at", "-id").values_list(
        "id",
        "text",
        "given_at",
        "language",
        "locale",
        "survey_kind",
        "score",
        "customer_id",
        "customer_account",
        "keywords",
    )
    return [
        RequestFacts(
            id=pk,
            text=text,
            given_at=given_at,
            language=language,
            locale=locale,
            survey_kind=survey_kind,
            score=score,
            customer_id=customer_id,
            account=account,
            groups=request_groups_of(keywords, theme_of),
        )
        for pk, text, given_at, language, locale, survey_kind, score, customer_id, account, keywords in rows.iterator(
            chunk_size=2000
        )
    ]


def theme_names() -> dict[str, tuple[str, str]]:
    """Each theme's group key ("theme:refunds") to its English and Chinese names (Chinese as stored, simplified)."""
    return {f"theme:{key}": (en, zh) for key, en, zh in Theme.objects.values_list("key", "name_en", "name_zh")}
