"""Driver counts: analysed comments per score, per theme of the theme map and per keyword no theme claims."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import selectors
from feedback.models import FeedbackItem, Theme, ThemeTerm

pytestmark = pytest.mark.django_db


def _item(n, score, keywords, **fields):
    now = timezone.now()
    defaults = {"text": "…", "survey_kind": "nps", "survey_id": 1, "status": FeedbackItem.Status.ANALYSED}
    return FeedbackItem.objects.create(
        source="response", source_id=n, score=score, keywords=keywords, given_at=now, **{**defaults, **fields}
    )


def _counts(**filters):
    now = timezone.now()
    return selectors.driver_counts(
        survey_kind="nps", since=now - timedelta(days=1), before=now + timedelta(days=1), **filters
    )


def test_synonyms_in_both_languages_merge_and_an_answer_counts_once_per_theme():
    _item(1, 2, ["退款", "Refund", "客服"])  # two terms of Refunds in one mixed comment
    _item(2, 3, ["退費"], language="zh")  # traditional Chinese
    _item(3, 9, ["checkout", "CHECKOUT"])
    _item(4, 10, [], text="")  # no comment: not a commented answer
    _item(5, 1, ["refund"], status=FeedbackItem.Status.PENDING)  # not analysed yet

    counts = _counts()

    assert counts.commented == {2: 1, 3: 1, 9: 1}
    assert counts.drivers["theme:refunds"] == {2: 1, 3: 1}
    assert counts.drivers["theme:support"] == {2: 1}
    assert counts.drivers["keyword:checkout"] == {9: 1}
    assert counts.labels["theme:refunds"] == ("Refunds", "退款")
    assert counts.labels["keyword:checkout"] == ("checkout", "checkout")


def test_an_edited_theme_map_applies_at_once_and_inactive_themes_leave_their_words_alone():
    _item(1, 2, ["发货", "物流"])
    delivery = Theme.objects.create(key="delivery", name_en="Delivery", name_zh="物流配送")
    ThemeTerm.objects.create(theme=delivery, term="物流")
    ThemeTerm.objects.create(theme=delivery, term="发货")
    assert _counts().drivers == {"theme:delivery": {2: 1}}
    delivery.active = False
    delivery.save()
    assert set(_counts().drivers) == {"keyword:发货", "keyword:物流"}


def test_drivers_narrow_by_language_plan_and_touchpoint():
    _item(1, 2, ["退款"], language="zh", customer_plan="pro", touchpoint_key="billing")
    _item(2, 2, ["refund"], language="en", customer_plan="starter", touchpoint_key="billing")
    assert _counts(languages=["zh"]).drivers == {"theme:refunds": {2: 1}}
    assert _counts(plans=["starter"]).commented == {2: 1}
    assert _counts(touchpoint_keys=["onboarding"]).drivers == {}
