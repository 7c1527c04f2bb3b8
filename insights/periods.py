"""Periods of days: buckets of a day, a week (Monday first) or a month, and days as moments in TIME_ZONE.

A period of days or weeks is exactly the days asked for: a week bucket starts on a Monday, except the
first, which starts on the period's first day (a partial week, labelled by that day, never a day before
it); the last may end before a Sunday. A period of months widens to whole months (the rollups count
whole months), and says so: SeriesResult.since/until are the days counted.
"""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

INTERVALS = ("day", "week", "month")
MAX_BUCKETS = 400


def period_align(*, interval: str, since: date, until: date) -> tuple[date, date]:
    """The days a period counts: months widen to whole months; days and weeks are the days asked for."""
    if interval == "month":
        return since.replace(day=1), until.replace(day=calendar.monthrange(until.year, until.month)[1])
    return since, until


def bucket_starts(*, interval: str, since: date, until: date) -> list[date]:
    """The first day of every bucket of an aligned period: for weeks, `since` and then every Monday."""
    starts, day = [], since
    while day <= until:
        starts.append(day)
        if interval == "day":
            day += timedelta(days=1)
        elif interval == "week":
            day += timedelta(days=7 - day.weekday())  # to the next Monday
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


def period_before(*, interval: str, since: date, until: date) -> date:
    """The first day of the period just before since..until that it is compared with: as many days (months)."""
    if interval != "month":
        return since - timedelta(days=(until - since).days + 1)
    return buckets_before(
        interval=interval, since=since, count=len(bucket_starts(interval=interval, since=since, until=until))
    )


def week_bucket(day: date, *, since: date) -> date:
    """The first day of the week bucket a day falls in: its Monday, or `since` in the first, partial, week."""
    return max(since, day - timedelta(days=day.weekday()))


def buckets_before(*, interval: str, since: date, count: int) -> date:
    """The first day of the `count` buckets just before an aligned `since`."""
    if interval == "day":
        return since - timedelta(days=count)
    if interval == "week":
        return since - timedelta(weeks=count)
    months = since.year * 12 + since.month - 1 - count
    return date(months // 12, months % 12 + 1, 1)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    """The first moment of a day in TIME_ZONE."""
    return datetime.combine(day, time.min, tzinfo=zone())


def day_after(day: date) -> datetime:
    """The first moment after a day in TIME_ZONE: a period's end, excluded."""
    return day_start(day + timedelta(days=1))
