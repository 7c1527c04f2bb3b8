"""Periods: weeks from Monday without starting before `since`, months as whole months, the period before."""

from datetime import date

from insights.periods import bucket_starts, period_align, period_before, week_bucket


def test_weeks_keep_the_days_asked_for_and_months_widen_to_whole_months():
    assert period_align(interval="week", since=date(2026, 3, 4), until=date(2026, 3, 10)) == (
        date(2026, 3, 4),
        date(2026, 3, 10),
    )
    assert period_align(interval="month", since=date(2026, 2, 14), until=date(2026, 2, 20)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    starts = bucket_starts(interval="month", since=date(2025, 11, 1), until=date(2026, 2, 28))
    assert starts == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_the_first_week_starts_on_since_and_every_other_on_a_monday():
    # 2026-03-03 is a Tuesday: the first bucket is that Tuesday to Sunday, never the Monday before it
    starts = bucket_starts(interval="week", since=date(2026, 3, 3), until=date(2026, 3, 20))
    assert starts == [date(2026, 3, 3), date(2026, 3, 9), date(2026, 3, 16)]
    assert [day.weekday() for day in starts[1:]] == [0, 0]
    assert week_bucket(date(2026, 3, 8), since=date(2026, 3, 3)) == date(2026, 3, 3)  # Sunday of the first week
    assert week_bucket(date(2026, 3, 9), since=date(2026, 3, 3)) == date(2026, 3, 9)
    assert bucket_starts(interval="week", since=date(2026, 3, 2), until=date(2026, 3, 15)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
    ]


def test_the_period_before_has_as_many_days_or_months():
    assert period_before(interval="week", since=date(2026, 3, 3), until=date(2026, 5, 31)) == date(2025, 12, 3)
    assert period_before(interval="day", since=date(2026, 3, 1), until=date(2026, 3, 1)) == date(2026, 2, 28)
    assert period_before(interval="month", since=date(2026, 1, 1), until=date(2026, 3, 31)) == date(2025, 10, 1)
