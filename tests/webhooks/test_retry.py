"""The retry policy: what each outcome means, and the backoff."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from webhooks import retry

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_a_2xx_succeeds(status):
    assert retry.outcome(status=status) == retry.Outcome(succeeded=True, retry=False)


@pytest.mark.parametrize("status", [None, 408, 429, 500, 502, 503, 504, 599])
def test_timeouts_408_429_and_5xx_are_retried(status):
    verdict = retry.outcome(status=status)
    assert verdict.retry
    assert not verdict.succeeded


@pytest.mark.parametrize("status", [301, 302, 400, 401, 403, 404, 410, 413, 422])
def test_other_statuses_fail_at_once(status):
    assert retry.outcome(status=status) == retry.Outcome(succeeded=False, retry=False)


def test_a_429s_retry_after_is_read_in_seconds_or_as_a_date():
    assert retry.outcome(status=429, retry_after="120", now=NOW).wait == 120
    date = "Mon, 07 Dec 2026 10:05:00 GMT"
    assert retry.outcome(status=429, retry_after=date, now=NOW).wait == 300
    assert retry.outcome(status=429, retry_after="soon", now=NOW).wait is None
    assert retry.outcome(status=503, retry_after="120", now=NOW).wait is None  # honoured for 429 only


def test_the_first_retry_comes_within_a_minute_and_waits_grow_to_six_hours():
    rng = random.Random(22)
    firsts = [retry.backoff(1, rng=rng) for _ in range(1000)]
    assert max(firsts) <= 36
    assert min(firsts) >= 24
    nominal = [retry.backoff(n, rng=random.Random(0)) / random.Random(0).uniform(0.8, 1.2) for n in range(1, 10)]
    assert nominal[:5] == pytest.approx([30, 120, 480, 1920, 7680])
    assert nominal[5:] == pytest.approx([6 * 3600] * 4)


def test_retries_stop_at_the_deadline_and_honour_a_longer_wait_asked_for():
    give_up = NOW + timedelta(days=3)
    when = retry.next_attempt(failures=1, now=NOW, give_up_at=give_up, asked=None, rng=random.Random(1))
    assert NOW < when <= NOW + timedelta(seconds=36)
    asked = retry.next_attempt(failures=1, now=NOW, give_up_at=give_up, asked=600, rng=random.Random(1))
    assert asked == NOW + timedelta(seconds=600)
    assert retry.next_attempt(failures=9, now=give_up - timedelta(minutes=1), give_up_at=give_up, asked=None) is None


def test_three_days_of_retries_is_a_dozen_or_so_attempts():
    rng, at, failures = random.Random(5), NOW, 0
    give_up = NOW + retry.RETRY_FOR
    while (
        nxt := retry.next_attempt(failures=failures + 1, now=at, give_up_at=give_up, asked=None, rng=rng)
    ) is not None:
        at, failures = nxt, failures + 1
    assert 12 <= failures <= 16
    assert give_up - at < timedelta(hours=7.2)
