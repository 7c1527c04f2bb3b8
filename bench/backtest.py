"""Benchmark the health back-test: GET /api/v1/metrics/health-backtest/ beside one plain SQL aggregate of its rows.

    .venv/bin/python bench/backtest.py [--accounts 5000] [--days 730] [--rounds 7]

Loads --accounts accounts with a health snapshot for every one of --days days (ending yesterday; 5,000 x
730 = 3.65 million snapshots, each with the default scorecard's ten measures explained, as the daily
refresh writes them) into PostgreSQL (cxplatform_bench_backtest, or BENCH_DATABASE_URL; created and
migrated when missing; loaded once and kept while the sizes match) with COPY, day by day as the refresh
writes them. About 1.5% of the accounts churn each month (a confirmed churn record); a churning
account's measures slide in the 120 days before it leaves, with noise, and some leave without warning.

Then times, in this process through Django's test client (routing, middleware, session, permission,
validation, the reads, the bootstrap, the JSON), the endpoint over its default 24 months beside the plain
aggregate of the same rows: count and mean score per landmark day. Rounds alternate; the median of each
is reported. Target: the endpoint <= 1 s.
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.retention import setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_backtest"
TABLE = "accounts_healthsnapshot"
URL = "/api/v1/metrics/health-backtest/"
MONTHLY_CHURN, WARNED = 0.015, 0.7  # 70% of churns show it in their measures beforehand
# The default health scorecard's measures: (key, window, weight).
MEASURES = (
    ("active_users", "trend_30", 10),
    ("features_used", "mean_30", 10),
    ("logins", "trend_30", 5),
    ("payment_overdue_days", "latest", 10),
    ("mrr", "trend_30", 5),
    ("tickets_opened", "trend_30", 5),
    ("nps", "latest", 20),
    ("negative_comment_share", "latest", 15),
    ("open_cases", "latest", 5),
    ("overdue_cases", "latest", 15),
)


def days_loaded(days: int) -> list[date]:
    yesterday = date.today() - timedelta(days=1)
    return [yesterday - timedelta(days=n) for n in range(days - 1, -1, -1)]


def explained(base: list[float], slide: float, rng: random.Random) -> tuple[int, str, str]:
    """One day's score, band and explanation: each measure earns its base share, less the slide, with noise."""
    entries, total = [], 0
    for (key, window, weight), share in zip(MEASURES, base, strict=True):
        earned = min(1.0, max(0.0, share - slide * rng.uniform(0.3, 1.5) + rng.gauss(0, 0.08)))
        points = round(earned * weight)
        total += points
        entries.append(
            {"key": key, "window": window, "value": round(earned * 10, 4), "weight": weight, "points": points}
        )
    band = "red" if total < 50 else "green" if total >= 75 else "yellow"
    return total, band, json.dumps(entries)


def load(accounts: int, days: int) -> None:
    from django.db import connection, transaction

    from accounts.models import Account, ChurnRecord

    loaded = days_loaded(days)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT account_id), min(date) FROM {TABLE}")
        have, first = cursor.fetchone()
    if have == accounts and first == loaded[0] and ChurnRecord.objects.exists():
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE accounts_account, {TABLE}, accounts_churnrecord CASCADE")
    Account.objects.bulk_create(
        (
            Account(external_id=f"bench-{n:05d}", name=f"Bench account {n}", mrr=100 * (1 + n % 40))
            for n in range(accounts)
        ),
        batch_size=5000,
    )
    ids = sorted(Account.objects.values_list("id", flat=True))
    rng = random.Random(21)
    churn_day: dict[int, int] = {}
    for account_id in ids:
        for index, day in enumerate(loaded):
            if day.day == 15 and rng.random() < MONTHLY_CHURN:
                churn_day[account_id] = index
                break
    warned = {a for a in churn_day if rng.random() < WARNED}
    base = {a: [rng.uniform(0.45, 1.0) for _ in MEASURES] for a in ids}
    computed = datetime.now().astimezone().isoformat()
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        columns = (
            "account_id, date, health_score, health_band, health_measures, temperature_band, temperature_measures,"
            " computed_at"
        )
        with cursor.cursor.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
            for index, day in enumerate(loaded):
                out, stamp = io.StringIO(), day.isoformat()
                for account_id in ids:
                    leaves = churn_day.get(account_id)
                    if leaves is not None and index >= leaves:
                        continue
                    slide = 0.0
                    if account_id in warned and leaves - index <= 120:
                        slide = 0.5 * (1 - (leaves - index) / 120)
                    score, band, text = explained(base[account_id], slide, rng)
                    out.write(f"{account_id}\t{stamp}\t{score}\t{band}\t{text}\t\t[]\t{computed}\n")
                    rows += 1
                copy.write(out.getvalue())
        ChurnRecord.objects.bulk_create(
            ChurnRecord(account_id=a, kind="churn", date=loaded[i], mrr_lost=100, status="confirmed")
            for a, i in churn_day.items()
        )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) accounts_account, accounts_churnrecord, {TABLE}")
    took = time.perf_counter() - started
    print(f"loaded {accounts:,} accounts, {rows:,} snapshots, {len(churn_day):,} churns in {took:.1f} s")


def measure(rounds: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.backtest_report import default_since, month_starts

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-lead")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    today = date.today()
    landmarks = month_starts(default_since(today), today)

    def plain():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT date, count(*), avg(health_score) FROM {TABLE} WHERE date = ANY(%s) GROUP BY date", [landmarks]
            )
            return cursor.fetchall()

    def endpoint():
        response = client.get(URL)
        assert response.status_code == 200, response.content[:500]
        return response

    runs = {"plain aggregate: count, mean score per landmark": plain, "health back-test, default 24 months": endpoint}
    queries = {}
    for name, run in runs.items():
        run()
        with CaptureQueriesContext(connection) as captured:
            run()
        queries[name] = len(captured)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    body = endpoint().json()
    print(
        f"{body['accounts']:,} accounts, {body['churned_accounts']:,} churned after a landmark;"
        f" median of {rounds} rounds"
    )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["plain aggregate: count, mean score per landmark"]
    for name, median in medians.items():
        print(f"{name:52} {median * 1000:8.1f} ms  {median / base:6.2f}x  queries {queries[name]}")
    for horizon in body["horizons"]:
        auc, lift = horizon["health"]["auc"], horizon["red_lift"]
        print(
            f"{horizon['days']:3} days: AUC {auc['value']:.3f} ({auc['low']:.3f}-{auc['high']:.3f}),"
            f" red lift {lift['value'] or 0:.2f}, usage alone {horizon['usage_alone']['auc']['value']:.3f}"
        )
    print("target: the endpoint <= 1 s")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    load(args.accounts, args.days)
    medians = measure(args.rounds)
    if medians["health back-test, default 24 months"] > 1.0:
        sys.exit("the back-test took more than 1 s")


if __name__ == "__main__":
    main()
