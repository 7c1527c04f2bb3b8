"""The account page's explanation: values as read, the left-out measures visible, the points adding up."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from portfolio import console
from tests.portfolio.data import ACME_HEALTH, ACME_TEMPERATURE, portfolio


def test_the_points_add_up_to_the_score_and_a_measure_without_data_is_shown_left_out():
    shown = console.explanation(31, "red", ACME_HEALTH)
    assert shown.total_value == 31 == shown.score
    assert [row.key for row in shown.rows] == [m["key"] for m in ACME_HEALTH]
    overdue = shown.rows[2]
    assert (overdue.missing, overdue.value, overdue.weight, overdue.points) == (True, "no data", "left out", "0")
    assert shown.left_out == 1
    assert (shown.band_label, shown.band_class) == ("Red", "cx-red")


def test_values_read_as_their_window_says():
    rows = {row.key: row for row in console.explanation(31, "red", ACME_HEALTH).rows}
    assert rows["logins"].value == "-34.5 %"
    assert rows["negative_comment_share"].value == "75 %"
    assert rows["active_users"].value == "412"
    assert rows["active_users"].weight == "20 %"
    temperature = console.explanation(64, "yellow", ACME_TEMPERATURE)
    assert temperature.rows[0].label == "Active users / Seats"
    assert temperature.rows[0].value == "92 %"
    assert temperature.rows[1].value == "+5 %"


def test_an_account_never_scored_says_so():
    shown = console.explanation(None, "", [])
    assert (shown.rows, shown.band_label, shown.band_class, shown.total_value) == ([], "not scored", "cx-none", 0)
    with translation.override("zh-hant"):
        assert console.band_label("") == "尚未評分"


@pytest.mark.django_db
def test_the_account_page_has_the_trend_usage_and_timeline():
    today = timezone.localdate()
    accounts = portfolio(today=today)
    page = console.account_page(accounts["acme"], today)
    assert len(page["trend"].points) == 180 - 10 - len(
        [b for b in range(180) if b % 11 == 5 and b not in range(60, 70)]
    )
    assert len(page["trend"].lines) > 2  # gaps split the line
    assert next(tick.label for tick in page["trend"].ticks) == "0"
    assert page["trend"].ticks[-1].label == "100"
    assert page["trend_read"][-1] == (today.isoformat(), "31")
    assert [u.key for u in page["usage"]] == ["active_users", "logins", "seats", "tickets_opened"]
    assert page["usage"][1].latest == "544"  # logins fading: 900 ninety days ago
    assert [entry.kind for entry in page["timeline"]] == ["case", "answer", "answer"]
    assert page["timeline"][1].sentiment == "Negative 87%"
    assert page["timeline"][1].title == "NPS 2 (detractor) at OA sync"
    assert page["renewal_in"] == "in 23 days"
    assert page["mrr"] == "CN¥14,779.00"


@pytest.mark.django_db
def test_an_account_without_history_or_answers_has_an_empty_page_not_an_error():
    today = timezone.localdate()
    initech = portfolio(today=today)["initech"]
    page = console.account_page(initech, today)
    assert (page["trend"].points, page["usage"], page["timeline"], page["renewal_in"]) == ([], [], [], "—")
    assert page["trend_read"][0] == ((today - timedelta(days=179)).isoformat(), "—")


def test_a_measure_stored_wrongly_is_shown_without_data_never_an_error():
    shown = console.explanation(
        10, "red", [{"key": "logins", "value": "lots", "points": 3}, "junk", {"key": "seats", "value": 4, "points": 10}]
    )
    assert [(row.key, row.missing, row.points_value) for row in shown.rows] == [
        ("logins", True, 0.0),
        ("seats", False, 10.0),
    ]
    assert console.explanation(None, "", {"not": "a list"}).rows == []
