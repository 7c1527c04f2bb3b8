"""Benchmark the triage queue: the admin's case list and the API's, beside a bare SELECT of the same page.

    .venv/bin/python bench/cases.py [--cases 100000] [--rounds 31]

Loads 100,000 cases (PostgreSQL database cxplatform_bench_cases, or BENCH_DATABASE_URL; created
and migrated when missing; loaded once, kept and vacuumed), spread over 5 owners, 10 root
causes, 5 touchpoints, three languages and every status and priority, each with one attached
answer and two activity entries. Then times, in this process through Django's test client
(the whole request: URL routing, middleware, session, permissions, template or JSON rendering),
the first page of `/admin/closedloop/case/` (50 rows: the open work, its default view; and all
cases) and of `GET /api/v1/cases/?page_size=100` (100 rows), whole and filtered to the new
cases (a fifth of them, counted exactly), each beside a bare `SELECT` of the same page of rows
(every column, the same filter and order) with psycopg. For
scale it also times the admin's page of the 10 root causes, the least an admin list page costs,
and the admin's index. Rounds alternate between them; the median of each is reported with its
query count (counted in an untimed run: capturing queries slows every one of them).
Targets: each page <= 5x the bare select, and <= 300 ms.

    .venv/bin/python bench/cases.py --helpers

also times each speed helper of the queue off and on in the same rounds (`helpers()`: each
page with the helper, and the same page the plain Django/DRF way), and reports the wall time
and this process's CPU time per request, and the gain (the median of the per-round
differences). A helper that saves under 1 ms per request is not worth its code.
"""

import argparse
import contextlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.analysis import prepare_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_cases"
COMMENTS = (
    "退款申请两周了还没处理，客服也不回复",
    "客服態度很差，帳單一直錯",
    "The app crashes at checkout every time",
    "Billing is confusing and support took a week",
    "good product but 客服 took a week to answer 😡",
)


def setup_django(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cxplatform.settings", LOG_LEVEL="WARNING")
    os.environ.pop("DEBUG", None)
    prepare_database(database_url.rsplit("/", 1)[1])  # create and migrate when missing
    import django

    django.setup()


def load(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from closedloop.models import Case, CaseActivity, CaseTrigger, RootCause

    if Case.objects.count() == count:
        vacuum()
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE closedloop_case, closedloop_casetrigger, closedloop_caseactivity")
    User = get_user_model()
    staff = Group.objects.get(name="CX staff")
    owners = []
    for n in range(5):
        user, _ = User.objects.get_or_create(username=f"bench-agent-{n}", defaults={"is_staff": True})
        user.groups.add(staff)
        owners.append(user)
    causes = list(RootCause.objects.all())
    rng = random.Random(5)
    now = timezone.now()
    statuses = ("new", "assigned", "contacted", "resolved", "closed")
    started = time.perf_counter()
    for start in range(0, count, 5000):
        cases = []
        for i in range(start, min(count, start + 5000)):
            status = statuses[i % 5]
            opened = now - timezone.timedelta(hours=rng.randint(1, 24 * 365))
            comment = rng.choice(COMMENTS)
            cases.append(
                Case(
                    source="response",
                    source_id=i + 1,
                    survey_id=1 + i % 20,
                    survey_kind="nps",
                    score=rng.randint(0, 6),
                    classification="detractor",
                    comment=comment,
                    language=("zh", "en", "mixed")[i % 3],
                    polarity=-0.8,
                    sentiment="neg",
                    keywords=["退款", "客服"] if i % 2 else ["billing", "support"],
                    given_at=opened,
                    touchpoint_key=f"touchpoint-{i % 5}",
                    # one customer per case: open cases must be one per customer
                    customer_id=i + 1,
                    customer_external_id=f"cust-{i + 1:06d}",
                    customer_name=f"Customer {i + 1}",
                    customer_email=f"cust-{i + 1}@example.com",
                    reason="detractor",
                    priority=1 + i % 4,
                    status=status,
                    owner=owners[i % 5] if status != "new" else None,
                    opened_at=opened,
                    due_at=opened + timezone.timedelta(hours=24 * (1 + i % 4)),
                    sla=("on_track", "at_risk", "overdue")[i % 3]
                    if status in ("new", "assigned", "contacted")
                    else "met",
                    root_cause=causes[i % len(causes)] if status in ("resolved", "closed") else None,
                )
            )
        Case.objects.bulk_create(cases)
        CaseTrigger.objects.bulk_create(
            CaseTrigger(
                case=case,
                source="response",
                source_id=case.source_id,
                survey_kind="nps",
                score=case.score,
                comment=case.comment,
                sentiment="neg",
                given_at=case.given_at,
            )
            for case in cases
        )
        CaseActivity.objects.bulk_create(
            activity
            for case in cases
            for activity in (
                CaseActivity(case=case, kind="opened", message="Opened.", created_at=case.opened_at),
                CaseActivity(
                    case=case, actor=case.owner, kind="assigned", message="Assigned.", created_at=case.opened_at
                ),
            )
        )
    vacuum()
    print(f"loaded {count:,} cases in {time.perf_counter() - started:.1f} s")


def vacuum() -> None:
    """VACUUM ANALYZE the cases and their rows, as autovacuum keeps them (quick when they are already clean).

    A PostgreSQL server with autovacuum off (a shared development server, say) never sets the
    visibility map of freshly loaded rows: every exact count then reads the table itself.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) closedloop_case, closedloop_casetrigger, closedloop_caseactivity")


def helpers() -> dict:
    """Each speed helper: the page it speeds up, and how to switch it on or off for one request.

    "On" patches the helper with itself, so that both sides pay the same for the patching.
    """
    from unittest import mock

    from rest_framework.generics import ListAPIView

    from closedloop import queue_rows
    from closedloop.api.cases import CaseListApi

    def switch(target, name, plain):
        own = getattr(target, name)
        return lambda on: mock.patch.object(target, name, own if on else plain)

    return {
        "ValuesRows (values_rows.py)": (
            "/api/v1/cases/?page_size=100",
            switch(CaseListApi, "list", ListAPIView.list),  # off: instances through CaseSerializer
        ),
        "queue rows (queue_rows.py)": (
            "/admin/closedloop/case/",
            switch(queue_rows, "rows_supported", lambda cl: False),  # off: the admin's own result_list
        ),
    }


def measure(rounds: int, with_helpers: bool = False) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from closedloop.models import Case

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in Case._meta.concrete_fields)

    def bare(rows, where=""):
        sql = f"SELECT {columns} FROM closedloop_case {where} ORDER BY priority, due_at, id LIMIT {rows}"

        def select():
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()

        return select

    def page(url, patched=None):
        def get():
            with patched() if patched else contextlib.nullcontext():
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:500])
            return response

        return get

    # name: (run, the bare select it is compared with)
    runs = {
        "bare SELECT, 50 rows": (bare(50), None),
        "bare SELECT, 100 rows": (bare(100), None),
        "bare SELECT, 50 rows, status new": (bare(50, "WHERE status = 'new'"), None),
        "bare SELECT, 100 rows, status new": (bare(100, "WHERE status = 'new'"), None),
        "admin queue, 50 rows": (page("/admin/closedloop/case/"), "bare SELECT, 50 rows"),
        "admin queue, all cases": (page("/admin/closedloop/case/?status__exact=all"), "bare SELECT, 50 rows"),
        "admin queue, status new": (
            page("/admin/closedloop/case/?status__exact=new"),
            "bare SELECT, 50 rows, status new",
        ),
        "API list, 100 rows": (page("/api/v1/cases/?page_size=100"), "bare SELECT, 100 rows"),
        "API list, status new": (page("/api/v1/cases/?page_size=100&status=new"), "bare SELECT, 100 rows, status new"),
        "admin root causes, 10 rows (least admin page)": (page("/admin/closedloop/rootcause/"), "bare SELECT, 50 rows"),
        "admin index (no list at all)": (page("/admin/"), "bare SELECT, 50 rows"),
    }
    switched = {}
    if with_helpers:
        for helper, (url, switch) in helpers().items():
            for on in (True, False):
                name = f"{helper} {'on' if on else 'off'}"
                runs[name] = (page(url, lambda switch=switch, on=on: switch(on)), None)
                switched[helper] = (f"{helper} on", f"{helper} off")
    queries: dict[str, int] = {}
    for name, (run, _base) in runs.items():  # warm up (templates, caches, connections) and count queries, untimed
        run()
        with CaptureQueriesContext(connection) as captured:
            run()
        queries[name] = len(captured)
    times: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, (run, _base) in runs.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    print(f"{Case.objects.count():,} cases on PostgreSQL; median of {rounds} rounds, in-process")
    for name, (_run, base) in runs.items():
        median = statistics.median(times[name])
        ratio = f"{median / statistics.median(times[base]):5.1f}x {base}" if base else ""
        print(f"{name:46} {median * 1000:7.1f} ms  queries {queries[name]}  {ratio}")
    print("targets: each page <= 5x the bare select of its rows, and <= 300 ms")
    if switched:
        print("speed helpers, on and off in the same rounds: median ms per request, wall (this process's CPU)")
        for helper, (on, off) in switched.items():
            gain = statistics.median(b - a for a, b in zip(times[on], times[off], strict=True))
            gain_cpu = statistics.median(b - a for a, b in zip(cpu[on], cpu[off], strict=True))
            print(
                f"{helper:44} on {statistics.median(times[on]) * 1000:6.1f} ({statistics.median(cpu[on]) * 1000:5.1f})"
                f"  off {statistics.median(times[off]) * 1000:6.1f} ({statistics.median(cpu[off]) * 1000:5.1f})"
                f"  gain {gain * 1000:5.1f} ({gain_cpu * 1000:5.1f})  queries {queries[on]} / {queries[off]}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--helpers", action="store_true", help="also time each speed helper off and on")
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    load(args.cases)
    measure(args.rounds, with_helpers=args.helpers)


if __name__ == "__main__":
    main()
