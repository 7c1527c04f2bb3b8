"""The labels of signals and measures, and the renewal countdown, in each language."""

from datetime import date

import pytest
from django.utils import translation

from portfolio import labels

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("language", "active_users", "trend"),
    [
        ("en", "Active users", "Active users · trend 30 d vs 60 d before"),
        ("zh-hans", "活跃用户", "活跃用户 · 近 30 天较前 60 天的趋势"),
        ("zh-hant", "活躍使用者", "活躍使用者 · 近 30 天較前 60 天的趨勢"),
    ],
)
def test_a_measure_reads_in_each_language(language, active_users, trend):
    with translation.override(language):
        assert labels.signal_label("active_users") == active_users
        assert labels.measure_label("active_users", "trend_30") == trend


def test_every_standard_and_experience_signal_has_a_label_and_a_key_of_the_customer_s_own_stays():
    for key in (*labels.STANDARD, "nps", "csat", "ces", "negative_comment_share", "open_cases", "promoters"):
        assert labels.signal_label(key) != key
    assert labels.signal_label("api_calls") == "api_calls"
    assert labels.measure_label("active_users", "share", "seats") == "Active users / Seats"
    assert labels.measure_label("api_calls", "latest") == "api_calls · latest"


@pytest.mark.parametrize(
    ("day", "en", "zh_hant"),
    [
        (date(2026, 12, 30), "in 23 days", "23 天後"),
        (date(2026, 12, 8), "in 1 day", "1 天後"),
        (TODAY, "today", "今天"),
        (date(2026, 12, 4), "3 days ago", "3 天前"),
        (None, "—", "—"),
    ],
)
def test_the_renewal_countdown(day, en, zh_hant):
    assert labels.countdown(day, TODAY) == en
    with translation.override("zh-hant"):
        assert labels.countdown(day, TODAY) == zh_hant
