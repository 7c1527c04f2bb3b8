"""Benchmark account signals: the signal API's ingestion beside a plain executemany INSERT of the same rows, in one run.

    .venv/bin/python bench/health.py [--accounts 5000] [--days 365] [--ingest-rows 50000] [--rounds 3]

Loads --accounts accounts with --days days (ending yesterday) of the seven standard signals
(active_users, logins, features_used, seats, tickets_opened, payment_overdue_days, mrr; 5,000 x
365 x 7 = 12.8 million rows) into PostgreSQL (cxplatform_bench_health, or BENCH_DATABASE_URL;
created and migrated when missing; loaded once and kept while the sizes match) with COPY
(psycopg's `cursor.copy`) into the partitioned signal table, its monthly partitions made first.

Then, in alternating rounds from the same state, it deletes the latest days (about --ingest-rows
rows: every account's seven signals on those days) and writes them back:
- the API: `POST /api/v1/account-signals/` in batches of 5,000 rows, through Django's test client
  in this process (routing, middleware, token check, JSON parsing, validation, the account lookup,
  the partition check and the upsert; one transaction a batch). The health refresh each batch
  enqueues is not run here (it is timed on its own: `health_refresh_timing`);
- the baseline: a plain `executemany` INSERT of the same rows (account ids already known), in the
  same batches of 5,000, one transaction a batch.
The median round of each is reported in rows/s, with the ratio API / baseline. Target: >= 0.25.
Checks that both wrote the same rows (count and sum of values).
"""

import argparse
import io
import math
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

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_health"
KEYS = ("active_users", "logins", "features_used", "seats", "tickets_opened", "payment_overdue_days", "mrr")
BATCH = 5000
URL = "/api/v1/account-signals/"
TABLE = "accounts_accountsignal"


def setup_django(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cxplatform.settings", LOG_LEVEL="WARNING")
    os.environ.pop("DEBUG", None)
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks in-process; the refresh is patched out of the timed runs
    prepare_database(database_url.rsplit("/", 1)[1])  # create and migrate when missing
    import django

    django.setup()


def signal_values(account: int, day_index: int, rng: random.Random) -> tuple[float, ...]:
    """A plausible day of the seven signals for one account (a size, a slow drift, some noise)."""
    seats = 20 + account % 480
    active = max(0, round(seats * (0.4 + 0.4 * math.sin(account + day_index / 60)) + rng.randint(-3, 3)))
    return (
        active,
        active * 3 + rng.randint(0, 20),
        1 + (account + day_index // 30) % 12,
        seats,
        rng.randint(0, 4),
        0 if account % 17 else max(0, day_index % 90 - 60),
        seats * 25.0,
    )


def days_loaded(days: int) -> list[date]:
    yesterday = date.today() - timedelta(days=1)
    return [yesterday - timedelta(days=n) for n in range(days - 1, -1, -1)]


def load(accounts: int, days: int) -> dict[str, int]:
    """Accounts bench-00001… and their signals; returns {external_id: id}. Kept when already loaded at this size."""
    from django.db import connection, transaction

    from accounts.models import Account
    from accounts.sql_signals import month_of, partitions_ensure

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        (signals,) = cursor.fetchone()
    if Account.objects.count() == accounts and signals == accounts * days * len(KEYS):
        return dict(Account.objects.values_list("external_id", "id"))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE accounts_account, {TABLE}, accounts_healthsnapshot CASCADE")
    Account.objects.bulk_create(
        (
            Account(external_id=f"bench-{n:05d}", name=f"Bench account {n}", plan=("Growth", "Enterprise")[n % 2])
            for n in range(1, accounts + 1)
        ),
        batch_size=5000,
    )
    ids = dict(Account.objects.values_list("external_id", "id"))
    loaded = days_loaded(days)
    partitions_ensure({month_of(day) for day in loaded})
    rng = random.Random(20)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY
        with raw.copy(f"COPY {TABLE} (account_id, date, key, value) FROM STDIN") as copy:
            for account_id in sorted(ids.values()):
                out = io.StringIO()
                for day_index, day in enumerate(loaded):
                    stamp = day.isoformat()
                    for key, value in zip(KEYS, signal_values(account_id, day_index, rng), strict=True):
                        out.write(f"{account_id}\t{stamp}\t{key}\t{value}\n")
                copy.write(out.getvalue())
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) accounts_account, {TABLE}")
    total = accounts * days * len(KEYS)
    took = time.perf_counter() - started
    print(f"loaded {accounts:,} accounts, {total:,} signal rows with COPY in {took:.1f} s ({total / took:,.0f} rows/s)")
    return ids


def rows_to_ingest(ids: dict[str, int], days: int, wanted: int) -> tuple[list[dict], list[tuple], date]:
    """The latest days' rows, as the API takes them and as the baseline inserts them; and the first of those days."""
    per_day = len(ids) * len(KEYS)
    count = min(days, max(1, math.ceil(wanted / per_day)))
    loaded = days_loaded(days)
    chosen = loaded[-count:]
    rng = random.Random(7)
    api, plain = [], []
    for day in chosen:
        day_index = loaded.index(day)
        for external_id, account_id in sorted(ids.items()):
            for key, value in zip(KEYS, signal_values(account_id, day_index, rng), strict=True):
                api.append({"account": external_id, "date": day.isoformat(), "key": key, "value": value})
                plain.append((account_id, day, key, float(value)))
    return api, plain, chosen[0]


def delete_from(first: date) -> None:
    """Remove the rows a round writes back, and vacuum their partitions so that every round starts alike."""
    from django.db import connection

    from accounts.sql_signals import month_of, partition_name

    yesterday = date.today() - timedelta(days=1)
    months = sorted({month_of(first + timedelta(days=n)) for n in range((yesterday - first).days + 1)})
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE date >= %s", [first])
        names = ", ".join(partition_name(month) for month in months)
        cursor.execute(f"VACUUM (ANALYZE) {names}")


def written(first: date) -> tuple[int, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum(value), 0) FROM {TABLE} WHERE date >= %s", [first])
        count, total = cursor.fetchone()
    return count, float(total)


def api_run(client, rows: list[dict]) -> float:
    import json

    bodies = [json.dumps(rows[i : i + BATCH]) for i in range(0, len(rows), BATCH)]
    started = time.perf_counter()
    for body in bodies:
        response = client.post(URL, data=body, content_type="application/json")
        assert response.status_code == 200, (response.status_code, response.content[:500])
    return time.perf_counter() - started


def baseline_run(rows: list[tuple]) -> float:
    from django.db import connection, transaction

    sql = f"INSERT INTO {TABLE} (account_id, date, key, value) VALUES (%s, %s, %s, %s)"
    started = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows[i : i + BATCH])
    return time.perf_counter() - started


def health_refresh_timing(args) -> None:
    """Time the refresh beside one plain SQL aggregate over the same windows (bench/health_refresh.py).

    Target: the refresh <= 2x the aggregate, same run; identical scores to a Python reference on a sample.
    """
    from bench.health_refresh import refresh_figures

    as_of = date.today()
    figures = refresh_figures(as_of, rounds=args.rounds, full=True)
    print(
        f"refresh as of {as_of}: plain aggregate {figures['aggregate_s'] * 1000:.0f} ms,"
        f" health_compute {figures['refresh_s'] * 1000:.0f} ms = {figures['ratio']:.2f}x (target <= 2x),"
        f" the whole daily refresh {figures['full_s'] * 1000:.0f} ms"
        f" = {figures['full_s'] / figures['aggregate_s']:.2f}x;"
        f" {figures['sample_differ']} of {figures['sample']} sampled scores differ from the Python reference"
    )


def measure_ingestion(ids: dict[str, int], args) -> None:
    from unittest import mock

    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user, _ = get_user_model().objects.get_or_create(
        username="bench-integration", defaults={"is_staff": True, "is_superuser": True}
    )
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    api_rows, plain_rows, first = rows_to_ingest(ids, args.days, args.ingest_rows)
    print(f"ingesting {len(api_rows):,} rows ({first} on) in batches of {BATCH:,}, {args.rounds} rounds")
    times: dict[str, list[float]] = {"api": [], "executemany": []}
    sums = {}
    with mock.patch("portfolio.tasks.health_refresh_accounts.delay"):  # timed apart: health_refresh_timing
        delete_from(first)
        api_run(client, api_rows[:BATCH])  # warm up: imports, connection, caches
        runs = {"api": lambda: api_run(client, api_rows), "executemany": lambda: baseline_run(plain_rows)}
        for _ in range(args.rounds):
            for name, run in runs.items():
                delete_from(first)
                times[name].append(run())
                sums[name] = written(first)
    assert sums["api"][0] == sums["executemany"][0] == len(plain_rows), sums
    assert math.isclose(sums["api"][1], sums["executemany"][1], rel_tol=1e-9), sums
    rates = {name: len(plain_rows) / statistics.median(values) for name, values in times.items()}
    for name, rate in rates.items():
        print(f"{name:12} {rate:10,.0f} rows/s   median {statistics.median(times[name]):6.2f} s")
    print(f"ratio API / executemany: {rates['api'] / rates['executemany']:.2f}  (target >= 0.25)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--ingest-rows", type=int, default=50_000, help="about this many rows are ingested per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--refresh", action="store_true", help="also time health_refresh (health_refresh_timing)")
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    ids = load(args.accounts, args.days)
    measure_ingestion(ids, args)
    if args.refresh:
        health_refresh_timing(args)


if __name__ == "__main__":
    main()
