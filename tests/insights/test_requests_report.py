"""insights.requests_report: the requests grouped across languages, with customers, accounts and MRR behind them."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from insights.requests_report import RequestFilters, requests_report
from tests.insights.requests_example import asks  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
MARCH = {"since": date(2026, 3, 1), "until": date(2026, 3, 31)}


def _rows(report):
    return [(g.key, g.tally.customers, g.tally.accounts, g.tally.mrr, g.tally.requests) for g in report.groups]


def test_the_worked_example(asks):  # noqa: F811
    report = requests_report(**MARCH)
    assert _rows(report) == [
        ("theme:export", 3, 2, Decimal("1500.00"), 4),  # zh, zh-Hant and en merged; acme's MRR once
        ("keyword:dark mode", 2, 1, Decimal("1000.00"), 2),  # the anonymous request is one customer
        ("other", 1, 1, Decimal(0), 1),  # initech's MRR is not known
    ]
    totals = report.totals
    assert (totals.requests, totals.customers, totals.accounts, totals.mrr) == (6, 5, 3, Decimal("1500.00"))
    assert report.groups_total == 3


def test_examples_are_the_newest_requests_as_written(asks):  # noqa: F811
    export = requests_report(**MARCH, examples=2).groups[0]
    assert [e.text for e in export.examples] == ["希望可以匯出報表", "=Could you add EXPORT and a dark mode?"]
    assert export.examples[0].url == f"/admin/feedback/feedbackitem/{asks['tw1'].pk}/change/"
    assert requests_report(**MARCH, examples=0).groups[0].examples == []


def test_names_in_the_reader_s_language(asks):  # noqa: F811
    names = {}
    for language in ("en", "zh-hans", "zh-hant"):
        with translation.override(language):
            names[language] = [g.name for g in requests_report(**MARCH).groups]
    assert names["en"] == ["Export", "dark mode", "Other requests"]
    assert names["zh-hans"][0] == "导出"
    assert names["zh-hant"][0] == "匯出"  # as Taiwan writes it


def test_filters_and_the_period(asks):  # noqa: F811
    only_csat = requests_report(**MARCH, filters=RequestFilters(kinds=("csat",)))
    assert _rows(only_csat) == [
        ("keyword:dark mode", 1, 1, Decimal("1000.00"), 1),
        ("theme:export", 1, 1, Decimal("1000.00"), 1),
    ]
    chinese = requests_report(**MARCH, filters=RequestFilters(locales=("zh-hans", "zh-hant")))
    assert _rows(chinese) == [("theme:export", 2, 2, Decimal("1500.00"), 2)]
    first_two_days = requests_report(since=date(2026, 3, 1), until=date(2026, 3, 2))
    assert _rows(first_two_days) == [("theme:export", 2, 1, Decimal("1000.00"), 2)]
    assert requests_report(**MARCH, limit=1).groups_total == 3
    assert len(requests_report(**MARCH, limit=1).groups) == 1
