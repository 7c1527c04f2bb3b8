"""Periods: weeks and months as whole buckets."""

from datetime import date

from insights.periods import bucket_starts, period_align


def test_periods_widen_to_whole_weeks_and_months():
    assert period_align(interval="week", since=date(2026, 3, 4), until=date(2026, 3, 10)) == (
        date(2026, 3, 2),
        date(2026, 3, 15),
    )
    assert period_align(interval="month", since=date(2026, 2, 14), until=date(2026, 2, 20)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    starts = bucket_starts(interval="month", since=date(2025, 11, 1), until=date(2026, 2, 28))
    assert starts == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
