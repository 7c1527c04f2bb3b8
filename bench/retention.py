"""Benchmark the retention metrics: GET /api/v1/metrics/retention/ beside one plain SQL aggregate of the same data.

    .venv/bin/python bench/retention.py [--accounts 5000] [--days 730] [--rounds 11]

Loads --accounts accounts with --days days (ending yesterday) of the seven standard signals
(bench/health.py's values, except `mrr`: each account's MRR steps up or down now and then and
stops when the account churns; 5,000 x 730 x 7 = 25.6 million rows) into PostgreSQL
(cxplatform_bench_retention, or BENCH_DATABASE_URL; created and migrated when missing; loaded once
and kept while the sizes match) with COPY into the partitioned signal table, its monthly
partitions made first; about 1.5% of the accounts churn each month and 2% are downgraded, each
with a confirmed churn record (and a few proposed ones, which do not count).

Then times, in this process through Django's test client (routing, middleware, session,
permission, validation, the reads, the arithmetic, the JSON), the endpoint over the default
12 months, over 24 months, and over 8 quarters, beside the plain aggregate of the same rows: the
sum and count of the `mrr` signals per month over the same two years. Rounds alternate; the
median of each is reported. Target: the endpoint <= 1 s.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.analysis import prepare_database  # noqa: E402
from bench.health import KEYS, days_loaded, signal_values  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_retention"
TABLE = "accounts_accountsignal"
URL = "/api/v1/metrics/retention/"
MONTHLY_CHURN, MONTHLY_DOWNGRADE = 0.015, 0.02


def setup_django(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cxplatform.settings", LOG_LEVEL="WARNING")
    os.environ.pop("DEBUG", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    prepare_database(database_url.rsplit("/", 1)[1])
    import django

    django.setup()


def story(account: int, loaded: list[date], rng: random.Random) -> tuple[list[float | None], list[tuple]]:
    """Each day's MRR (None once churned) and the account's churn records (kind, day, lost, status)."""
    mrr = float(100 * (1 + account % 40))
    values: list[float | None] = []
    records = []
    churned = False
    for day in loaded:
        if not churned and day.day == 15:
            roll = rng.random()
            if roll < MONTHLY_CHURN:
                records.append(("churn", day, mrr, "confirmed"))
                churned = True
            elif roll < MONTHLY_CHURN + MONTHLY_DOWNGRADE:
                lost = round(mrr * 0.3, 2)
                records.append(("downgrade", day, lost, "confirmed" if rng.random() < 0.9 else "proposed"))
                mrr -= lost
            elif roll < 0.08:
                mrr = round(mrr * 1.2, 2)
        values.append(None if churned else mrr)
    return values, records


def load(accounts: int, days: int) -> None:
    from django.db import connection, transaction

    from accounts.models import Account, ChurnRecord
    from accounts.sql_signals import month_of, partitions_ensure

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE key = 'mrr'")
        (mrr_rows,) = cursor.fetchone()
    if Account.objects.count() == accounts and mrr_rows and ChurnRecord.objects.exists():
        first = connection.cursor()
        first.execute(f"SELECT min(date) FROM {TABLE}")
        if first.fetchone()[0] == days_loaded(days)[0]:
            return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE accounts_account, {TABLE}, accounts_healthsnapshot, accounts_churnrecord CASCADE")
    loaded = days_loaded(days)
    Account.objects.bulk_create(
        (
            Account(
                external_id=f"bench-{n:05d}",
                name=f"Bench account {n}",
                plan=("Growth", "Enterprise")[n % 2],
                contract_start=loaded[0] - timedelta(days=n % 400),
                mrr=100 * (1 + n % 40),
            )
            for n in range(1, accounts + 1)
        ),
        batch_size=5000,
    )
    ids = sorted(Account.objects.values_list("id", flat=True))
    partitions_ensure({month_of(day) for day in loaded})
    rng = random.Random(21)
    records, rows = [], 0
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {TABLE} (account_id, date, key, value) FROM STDIN") as copy:
            for account_id in ids:
                mrr, account_records = story(account_id, loaded, rng)
                records += [(account_id, *record) for record in account_records]
                out = io.StringIO()
                for day_index, day in enumerate(loaded):
                    stamp = day.isoformat()
                    for key, value in zip(KEYS, signal_values(account_id, day_index, rng), strict=True):
                        if key == "mrr":
                            value = mrr[day_index]
                            if value is None:
                                continue
                        out.write(f"{account_id}\t{stamp}\t{key}\t{value}\n")
                        rows += 1
                copy.write(out.getvalue())
        ChurnRecord.objects.bulk_create(
            ChurnRecord(account_id=a, kind=kind, date=day, mrr_lost=lost, status=status)
            for a, kind, day, lost, status in records
        )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) accounts_account, accounts_churnrecord, {TABLE}")
    took = time.perf_counter() - started
    print(f"loaded {accounts:,} accounts, {rows:,} signal rows, {len(records):,} churn records in {took:.1f} s")


def measure(rounds: int, days: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-lead")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    yesterday = date.today() - timedelta(days=1)
    first = days_loaded(days)[0]

    def plain():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT date_trunc('month', date), count(*), sum(value) FROM {TABLE}"
                " WHERE key = 'mrr' AND date >= %s AND date <= %s GROUP BY 1",
                [first, yesterday],
            )
            return cursor.fetchall()

    def endpoint(query):
        def get():
            response = client.get(URL, query)
            assert response.status_code == 200, response.content[:500]
            return response

        return get

    runs = {
        "plain aggregate: mrr sum/count per month, 2 years": plain,
        "retention, default 12 months": endpoint({}),
        "retention, 24 months": endpoint({"since": (yesterday - timedelta(days=700)).isoformat()}),
        "retention, 8 quarters": endpoint(
            {"since": (yesterday - timedelta(days=640)).isoformat(), "interval": "quarter"}
        ),
        "retention, 12 months, plan Growth": endpoint({"plan": "Growth"}),
    }
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
    body = runs["retention, default 12 months"]().json()
    last = body["buckets"][-2]
    print(f"{Account.objects.count():,} accounts on PostgreSQL; median of {rounds} rounds, in-process")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["plain aggregate: mrr sum/count per month, 2 years"]
    for name, median in medians.items():
        print(f"{name:52} {median * 1000:8.1f} ms  {median / base:5.2f}x  queries {queries[name]}")
    print(
        f"last whole month: {last['accounts_start']} accounts, logo churn {last['logo_churn']:.3f},"
        f" GRR {last['grr']:.3f}, NRR {last['nrr']:.3f}"
    )
    print("target: the endpoint <= 1 s")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    load(args.accounts, args.days)
    medians = measure(args.rounds, args.days)
    if max(v for k, v in medians.items() if k.startswith("retention")) > 1.0:
        sys.exit("the retention endpoint took more than 1 s")


if __name__ == "__main__":
    main()
