"""feedback.request_selectors: the analysed requests of a period, each in its groups through the theme map."""

from datetime import UTC, datetime

import pytest

from feedback.models import FeedbackItem, Theme
from feedback.request_selectors import OTHER, request_facts, request_groups_of
from tests.insights.requests_example import (
    asks,  # noqa: F401 (the fixture)
    request_item,
)

pytestmark = pytest.mark.django_db
SINCE, BEFORE = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)


def _groups(**filters):
    return {fact.id: fact.groups for fact in request_facts(since=SINCE, before=BEFORE, **filters)}


def test_both_languages_merge_into_one_theme_and_a_word_no_theme_claims_is_its_own_group(asks):  # noqa: F811
    groups = _groups()
    assert groups[asks["zh1"].id] == ("theme:export",)  # 导出 and Excel: one theme, once
    assert groups[asks["en1"].id] == ("theme:export",)
    assert groups[asks["en2"].id] == ("theme:export", "keyword:dark mode")  # EXPORT in capitals
    assert groups[asks["tw1"].id] == ("theme:export",)  # traditional 匯出
    assert groups[asks["bare"].id] == (OTHER,)  # no keyword at all
    assert asks["praise"].id not in groups  # not a request


def test_requests_come_newest_first_with_what_the_report_shows(asks):  # noqa: F811
    facts = request_facts(since=SINCE, before=BEFORE)
    assert [f.id for f in facts] == [asks[k].id for k in ("bare", "anon", "tw1", "en2", "en1", "zh1")]
    tw1 = facts[2]
    assert (tw1.text, tw1.locale, tw1.customer_id, tw1.account) == ("希望可以匯出報表", "zh-hant", 3, "globex")
    assert facts[1].customer_id is None


def test_pending_failed_and_blank_requests_and_those_outside_the_period_are_left_out(asks):  # noqa: F811
    request_item(20, "Add SSO", ["sso"], day=7, status=FeedbackItem.Status.PENDING)
    request_item(21, "Add SSO", ["sso"], day=7, status=FeedbackItem.Status.FAILED)
    request_item(22, "", ["sso"], day=7)
    request_item(23, "Add SSO", ["sso"], day=1, hour=0, given_at=datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
    assert not any("keyword:sso" in groups for groups in _groups().values())


def test_filters_narrow_by_survey_kind_touchpoint_and_language(asks):  # noqa: F811
    request_item(30, "Add SSO", ["sso"], day=8, touchpoint_key="billing")
    assert set(_groups(survey_kinds=["csat"])) == {asks["en2"].id}
    assert set(_groups(touchpoint_keys=["billing"])) == {FeedbackItem.objects.get(source_id=30).id}
    assert set(_groups(locales=["zh-hant"])) == {asks["tw1"].id}
    assert set(_groups(languages=["zh"])) == {asks["zh1"].id, asks["tw1"].id}


def test_an_inactive_theme_leaves_its_words_as_groups_of_their_own(asks):  # noqa: F811
    Theme.objects.filter(key="export").update(active=False)
    assert _groups()[asks["zh1"].id] == ("keyword:导出", "keyword:excel")


def test_groups_of_keywords_without_the_database():
    theme_of = {"refund": "theme:refunds", "退款": "theme:refunds"}
    assert request_groups_of(["退款", "Refund", "Dark Mode", "dark mode", ""], theme_of) == (
        "theme:refunds",
        "keyword:dark mode",
    )
    assert request_groups_of([], theme_of) == (OTHER,)
    assert request_groups_of(None, theme_of) == (OTHER,)
