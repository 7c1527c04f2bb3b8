"""Benchmark the health refresh: health_compute for every account, beside one plain SQL aggregate of the same windows.

    .venv/bin/python bench/health_refresh.py [--accounts 5000] [--days 365] [--rounds 5] [--sample 200]

Loads (PostgreSQL database cx_scoring_bench, or BENCH_DATABASE_URL; created and migrated when
missing; loaded once with COPY and kept while its size matches) `--accounts` accounts with
`--days` days of the seven standard daily signals, in monthly partitions. Then, in alternating
rounds, times:

- the plain aggregate: one `SELECT account_id, key, AVG … FILTER …, MAX(date) … GROUP BY` over the
  same 90 days and keys, every row fetched; the least any refresh must read;
- `health_compute(as_of)` for every account: the grouped statement, both scorecards per account,
  the accounts' UPDATE and the snapshots' upsert, in its transaction (rolled back after each round,
  so every round writes the same rows, and the tables vacuumed, untimed, as autovacuum would).

Target: the refresh's median <= 2x the aggregate's. Finally the window values of `--sample`
accounts are recomputed by the plain-Python reference (accounts.health_selectors) and every health
and temperature score compared: they must be identical. `refresh_figures()` is what bench/health.py
calls on its own data.
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

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cx_scoring_bench"
KEYS = ("active_users", "logins", "features_used", "seats", "tickets_opened", "payment_overdue_days", "mrr")
AS_OF = date(2026, 12, 1)


def setup_django(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cxplatform.settings", LOG_LEVEL="WARNING")
    os.environ.pop("DEBUG", None)
    prepare_database(database_url.rsplit("/", 1)[1])  # create and migrate when missing
    import django

    django.setup()


def _months(first: date, last: date):
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        yield month, following
        month = following


def _series(rng: random.Random, days: int):
    """One account's seven daily series, oldest first: some healthy, some fading, some growing."""
    seats = rng.choice((10, 25, 50, 100, 250))
    users = seats * rng.uniform(0.3, 0.95)
    drift = rng.choice((-0.004, -0.001, 0.0, 0.0, 0.001, 0.003))  # a day's relative change in usage
    mrr = seats * rng.choice((30, 60, 90))
    overdue = 0
    for _day in range(days):
        users = max(0.0, users * (1 + drift + rng.gauss(0, 0.01)))
        overdue = overdue + 1 if overdue or rng.random() < 0.002 else 0
        if overdue > 60 or rng.random() < 0.02:
            overdue = 0
        if rng.random() < 0.001:
            mrr *= rng.choice((0.8, 1.2))
        active = round(min(users, seats))
        yield {
            "active_users": active,
            "logins": round(active * rng.uniform(1.0, 3.0)),
            "features_used": round(min(12, 2 + active / seats * 8 + rng.gauss(0, 1)), 1),
            "seats": seats,
            "tickets_opened": max(0, round(rng.gauss(active / 20, 1))),
            "payment_overdue_days": overdue,
            "mrr": round(mrr, 2),
        }


def load(accounts: int, days: int) -> None:
    """Load the accounts and their signals with COPY, unless the database already holds exactly that."""
    from django.db import connection

    first = AS_OF - timedelta(days=days - 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(date), max(date) FROM accounts_accountsignal")
        if cursor.fetchone() == (accounts * days * len(KEYS), first, AS_OF):
            print(f"kept {accounts:,} accounts and their signals")
            return
        cursor.execute("TRUNCATE accounts_account, accounts_accountsignal, accounts_healthsnapshot CASCADE")
    from accounts.sql_signals import month_of, partitions_ensure

    partitions_ensure(month_of(start) for start, _end in _months(first, AS_OF))  # named as the app names them
    started = time.perf_counter()
    rng = random.Random(20)
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY accounts_account (id, external_id, name, plan, stage, contract_start, renewal_date,"
            " health_band, temperature_band, health_measures, temperature_measures, created_at,"
            " updated_at) FROM STDIN"
        ) as copy:
            for n in range(1, accounts + 1):
                start = AS_OF - timedelta(days=rng.randint(30, 1000))
                renewal = start + timedelta(days=365 * ((AS_OF - start).days // 365 + 1))
                copy.write_row(
                    (
                        n,
                        f"acct-{n:05}",
                        f"Account {n}",
                        "pro",
                        "",
                        start,
                        renewal,
                        "",
                        "",
                        "[]",
                        "[]",
                        "2026-01-01T00:00Z",
                        "2026-01-01T00:00Z",
                    )
                )
        cursor.execute("SELECT setval('accounts_account_id_seq', %s)", (accounts,))
        with cursor.copy("COPY accounts_accountsignal (account_id, date, key, value) FROM STDIN") as copy:
            buffer = io.StringIO()
            for n in range(1, accounts + 1):
                for back, row in enumerate(_series(rng, days)):
                    day = (first + timedelta(days=back)).isoformat()
                    for key, value in row.items():
                        buffer.write(f"{n}\t{day}\t{key}\t{value}\n")
                if n % 100 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_account")
        cursor.execute("ANALYZE accounts_accountsignal")
    print(
        f"loaded {accounts:,} accounts, {accounts * days * len(KEYS):,} signal rows"
        f" in {time.perf_counter() - started:.0f} s"
    )


def _aggregate(as_of: date, keys: list[str]) -> int:
    """The plain aggregate over the same windows and keys: every group fetched. Returns the group count."""
    from django.db import connection

    recent, earliest = as_of - timedelta(days=30), as_of - timedelta(days=90)
    placeholders = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_id, key, MAX(date) FILTER (WHERE date > %s), AVG(value) FILTER (WHERE date > %s),"
            " AVG(value) FILTER (WHERE date <= %s) FROM accounts_accountsignal"
            f" WHERE date > %s AND date <= %s AND key IN ({placeholders}) GROUP BY account_id, key",
            [recent, recent, recent, earliest, as_of, *keys],
        )
        return len(cursor.fetchall())


def _refresh(as_of: date) -> int:
    from django.db import transaction

    from accounts.services.health import health_compute

    with transaction.atomic():
        changes = health_compute(as_of)
        transaction.set_rollback(True)
    return len(changes)


def _full_refresh(as_of: date) -> int:
    from django.db import transaction

    from portfolio.services.refresh import accounts_refresh

    with transaction.atomic():
        summary = accounts_refresh(as_of=as_of)
        transaction.set_rollback(True)
    return summary.accounts


def _vacuum() -> None:
    """Clear the rolled-back round's dead rows (untimed), as autovacuum does between daily refreshes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounts_account")
        cursor.execute("VACUUM ANALYZE accounts_healthsnapshot")


def check_sample(as_of: date, sample: int) -> int:
    """Compare the SQL's scores with the Python reference's on a sample of accounts; return how many differ."""
    from accounts.health_selectors import scorecard_for, scorecards, window_values_reference
    from accounts.models import Account
    from accounts.scoring import score
    from accounts.sql_health import window_values

    cards = scorecards()
    sources = {s for card in cards.values() for s in card.sources}
    ids = sorted(Account.objects.values_list("id", flat=True))
    chosen = random.Random(7).sample(ids, min(sample, len(ids)))
    found = window_values(as_of, sources, chosen)
    differ = 0
    for account_id in chosen:
        reference = window_values_reference(account_id, as_of, sources)
        sql = found.get(account_id, dict.fromkeys(sources))
        for kind in ("health", "temperature"):
            card = scorecard_for(cards, kind, "")
            if card is not None and score(card, sql) != score(card, reference):
                differ += 1
    return differ


def refresh_figures(as_of: date, *, rounds: int = 5, sample: int = 200, full: bool = False) -> dict:
    """Time the aggregate and the refresh in alternating rounds; check a sample against the reference.

    With `full`, also the whole daily refresh (portfolio.services.refresh: the experience signals
    derived from answers, comments and cases, health_compute, then the at-risk rules), rolled back alike.
    """
    from accounts.health_selectors import scorecards

    keys = sorted({k for card in scorecards().values() for s in card.sources for k in (s[0], s[2]) if k})
    times: dict[str, list[float]] = {"aggregate": [], "refresh": [], "full": []}
    _aggregate(as_of, keys)  # warm the cache
    _vacuum()
    for _round in range(rounds):
        started = time.perf_counter()
        groups = _aggregate(as_of, keys)
        times["aggregate"].append(time.perf_counter() - started)
        started = time.perf_counter()
        _refresh(as_of)
        times["refresh"].append(time.perf_counter() - started)
        _vacuum()
        if full:
            started = time.perf_counter()
            _full_refresh(as_of)
            times["full"].append(time.perf_counter() - started)
            _vacuum()
    aggregate, refresh = statistics.median(times["aggregate"]), statistics.median(times["refresh"])
    return {
        "groups": groups,
        "aggregate_s": aggregate,
        "refresh_s": refresh,
        "ratio": refresh / aggregate,
        "full_s": statistics.median(times["full"]) if full else None,
        "sample": sample,
        "sample_differ": check_sample(as_of, sample),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--full", action="store_true", help="also time the whole daily refresh (portfolio)")
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    load(args.accounts, args.days)
    figures = refresh_figures(AS_OF, rounds=args.rounds, sample=args.sample, full=args.full)
    print(
        f"{args.accounts:,} accounts ({figures['groups']:,} account-key groups), median of {args.rounds} rounds:"
        f" plain aggregate {figures['aggregate_s'] * 1000:.0f} ms, health_compute {figures['refresh_s'] * 1000:.0f} ms"
        f" = {figures['ratio']:.2f}x (target <= 2x)"
    )
    print(f"sample of {figures['sample']}: {figures['sample_differ']} scores differ from the Python reference")
    if figures["full_s"] is not None:
        print(
            f"the whole daily refresh (experience signals, health_compute, at-risk rules): "
            f"{figures['full_s'] * 1000:.0f} ms = {figures['full_s'] / figures['aggregate_s']:.2f}x the aggregate"
        )


if __name__ == "__main__":
    main()
