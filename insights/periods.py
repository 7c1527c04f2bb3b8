"""Periods of days: buckets of a day, a week (Monday first) or a month, and days as moments in TIME_ZONE."""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

INTERVALS = ("day", "week", "month")
MAX_BUCKETS = 400


def period_align(*, interval: str, since: date, until: date) -> tuple[date, date]:
    """Widen a period to whole buckets: weeks start on Monday, months on the 1st."""
    if interval == "week":
        return since - timedelta(days=since.weekday()), until + timedelta(days=6 - until.weekday())
    if interval == "month":
        return since.replace(day=1), until.replace(day=calendar.monthrange(until.year, until.month)[1])
    return since, until


def bucket_starts(*, interval: str, since: date, until: date) -> list[date]:
    """The first day of every bucket of an aligned period."""
    starts, day = [], since
    while day <= until:
        starts.append(day)
        if interval == "day":
            day += timedelta(days=1)
        elif interval == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


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
