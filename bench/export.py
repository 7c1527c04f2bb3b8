"""Benchmark the advocate export: CSV and XLSX through the API, beside a bare COPY of the same rows.

    .venv/bin/python bench/export.py [--advocates 100000] [--rounds 5]

Loads 100,000 advocates (PostgreSQL database cxplatform_bench_export, created and migrated when
missing; loaded once and kept, reloaded only when the count differs): names and comments in
simplified and traditional Chinese, English and a mix of both, with emoji, commas, quotes,
newlines and comments that start like a formula (=, +, -, @); four plans, five touchpoints, three
languages (zh, en, mixed; none without a comment); most exportable (candidate, invited, active),
some opted out, declined or inactive.

Then times, in this process, rounds alternating between them (medians reported):
- a bare `COPY (SELECT <the export's columns> … ORDER BY last_answer_at DESC, id) TO STDOUT
  (FORMAT csv)` with psycopg, every block read (no formula defusing, no UTC formatting);
- `GET /api/v1/advocates/export/?format=csv` through Django's test client (the whole request),
  its streamed content read to the end and counted, never kept;
- `GET /api/v1/advocates/export/?format=xlsx` the same way (two rounds: it takes seconds).
The rows each export logged (AdvocateExport.row_count) are checked against the COPY's rows.

Peak memory: each of them runs once more in a fresh process (this script with --child) that
sets Django up, makes one warm-up request on a filter that matches nothing (so that imports and
connections are in place), then runs the full export and reports the growth of its peak RSS
(ru_maxrss). The child is started through a shell, not by this process directly: Linux starts a
child's ru_maxrss at its parent's resident set at the fork (and keeps it across exec), which
here would hide any growth below this process's size. For contrast, a naive export that builds
the whole CSV as a list of strings from `selectors.advocates_exportable()` before returning it.
Targets: CSV <= 2x COPY and <= 20 MB RSS growth; XLSX <= 15 s.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.analysis import prepare_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_export"
EXPORT = "/api/v1/advocates/export/"
NOTHING = {"plan": "nonexistent"}  # a filter no advocate matches: the warm-up request
XLSX_ROUNDS = 2
TARGET_RATIO, TARGET_RSS_MB, TARGET_XLSX_S = 2.0, 20.0, 15.0

EN_GIVEN = ("Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Sophia", "Mason")
EN_SURNAMES = ("Smith", "O'Brien", "Taylor", "Wilson", "Clark", "Hughes", "Patel", "Murphy", "Reed", "Fox")
ZH_NAMES = ("王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "黄婷", "赵杰", "周雪", "吴芳")
ZHT_NAMES = ("陳志明", "林美玲", "黃家豪", "張淑芬", "李俊傑", "王怡君", "吳建宏", "劉雅婷", "蔡宗翰", "楊佩珊")
MIXED_NAMES = ('王 "Kevin" 伟', "Lily 陈", "陳 Jason", "Anna 李, Jr.", "黃家豪 (Howard)")
ACCOUNTS = (
    "Harbor Coffee",
    "Northwind Goods, Ltd.",
    'Blue Fern "Florist"',
    "上海鲜果铺",
    "杭州茶舍，西湖店",
    "台北麵包坊",
    "香港茶餐廳",
    "Maple Hardware",
)
COMMENTS = {
    "zh": (
        "非常好用，客服回复很快，推荐给朋友了 👍",
        "对账功能太方便了，省了我们很多时间",
        "界面简洁，导出报表很快，团队都很喜欢",
        "用了半年，稳定，没出过问题。\n下次续费还选你们",
        "“好用”两个字，已经推荐给三家店",
    ),
    "zht": (
        "客服態度很好，帳單清楚，會推薦給同業",
        "訂單同步很穩定，節省很多人力 🙏",
        "介面好用，報表一鍵匯出，非常滿意",
    ),
    "en": (
        "Great product, support answered within an hour",
        'Setup was easy, and the "reports" tab is brilliant',
        "Love it 😍 — recommended it to two friends, both signed up",
        "Solid, fast, no complaints.\nWould recommend.",
        "Does what it says, nothing more, nothing less",
    ),
    "mixed": (
        "客服 super helpful, 推荐 👍",
        "The 对账 feature saves us hours every week",
        "報表 export is fast, 很好用 🎉",
    ),
    "formula": (
        '=HYPERLINK("http://example.com","click")',
        "+1 would recommend again",
        "-- best tool we use, period",
        "@support team, thank you!",
        "=1+1 haha 😂",
    ),
}
PLANS = (("Starter", 5), ("Growth", 3), ("Enterprise", 1), ("Pro, annual", 1))
TOUCHPOINTS = ("onboarding", "support-ticket", "delivery", "renewal", "in-app")
STATUSES = (("candidate", 45), ("invited", 20), ("active", 20), ("opted_out", 6), ("declined", 5), ("inactive", 4))


def setup_django(database_url: str, *, migrate: bool) -> None:
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cxplatform.settings", LOG_LEVEL="WARNING")
    os.environ.pop("DEBUG", None)
    if migrate:
        prepare_database(database_url.rsplit("/", 1)[1])  # create and migrate when missing
    import django

    django.setup()


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _person(rng: random.Random, i: int) -> tuple[str, str, str, str]:
    """name, locale, comment language key, the language the analysis would have found."""
    draw = i % 10
    if draw < 4:
        return f"{rng.choice(EN_GIVEN)} {rng.choice(EN_SURNAMES)}", "en", "en", "en"
    if draw < 7:
        return rng.choice(ZH_NAMES), "zh-hans", "zh", "zh"
    if draw < 9:
        return rng.choice(ZHT_NAMES), "zh-hant", "zht", "zh"
    return rng.choice(MIXED_NAMES), rng.choice(("en", "zh-hans")), "mixed", "mixed"


def load(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from closedloop import rules
    from closedloop.models import Advocate

    if Advocate.objects.count() == count:
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE closedloop_referral, closedloop_advocate, closedloop_advocateexport")
    rng = random.Random(20261122)
    now = timezone.now()
    codes: set[str] = set()
    started = time.perf_counter()
    for start in range(0, count, 5000):
        advocates = []
        for i in range(start, min(count, start + 5000)):
            name, locale, comment_key, language = _person(rng, i)
            if i % 25 == 0:
                comment_key = "formula"
            comment = "" if i % 7 == 0 else rng.choice(COMMENTS[comment_key])
            code = "".join(rng.choices(rules.CODE_ALPHABET, k=rules.CODE_LENGTH))
            while code in codes:
                code = "".join(rng.choices(rules.CODE_ALPHABET, k=rules.CODE_LENGTH))
            codes.add(code)
            answered = now - timedelta(seconds=rng.randrange(365 * 86400))
            status = _weighted(rng, STATUSES)
            visits = rng.choice((0, 0, 0, 1, 2, 3, 5, 12)) if status in ("invited", "active") else 0
            advocates.append(
                Advocate(
                    customer_id=i + 1,
                    customer_external_id=f"cust-{i + 1:06d}",
                    customer_name=name,
                    customer_email=f"cust-{i + 1:06d}@example.com" if i % 11 else "",
                    customer_plan=_weighted(rng, PLANS),
                    customer_account=rng.choice(ACCOUNTS),
                    customer_value=Decimal(rng.choice(("49.00", "199.00", "1200.00"))),
                    locale=locale,
                    status=status,
                    status_changed_at=answered + timedelta(days=1) if status != "candidate" else None,
                    code=code,
                    source="response",
                    source_id=i + 1,
                    feedback_id=i + 1,
                    survey_id=1,
                    touchpoint_key=TOUCHPOINTS[i % len(TOUCHPOINTS)],
                    last_score=rng.choice((9, 10)),
                    last_comment=comment,
                    language=language if comment else "",
                    last_answer_at=answered,
                    consent_at=answered,
                    opted_out_at=answered + timedelta(days=2) if status == "opted_out" else None,
                    inactive_at=answered + timedelta(days=3) if status == "inactive" else None,
                    visits=visits,
                    last_visit_at=answered + timedelta(hours=5) if visits else None,
                    created_at=answered,
                    updated_at=answered,
                )
            )
        Advocate.objects.bulk_create(advocates)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE closedloop_advocate")
    print(f"loaded {count:,} advocates in {time.perf_counter() - started:.1f} s")


def marketing_client():
    """A test client logged in as a member of the Marketing group (who may export)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench-marketing", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Marketing"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def copy_baseline(where: str = "") -> tuple[int, int]:
    """The export's stored columns, straight from COPY: (rows, bytes). COPY sends one row a message.

    The referral link and figures are worked out per row by the export; the baseline has the table's columns only.
    """
    from django.db import connection

    from closedloop import selectors
    from closedloop.advocate_selectors import FIGURE_COLUMNS
    from closedloop.models import Advocate

    stored = (name for name in selectors.EXPORT_COLUMNS if name not in FIGURE_COLUMNS)
    columns = ", ".join(connection.ops.quote_name(name) for name in stored)
    statuses = ", ".join(f"'{status}'" for status in Advocate.EXPORTABLE_STATUSES)
    sql = (
        f"COPY (SELECT {columns} FROM closedloop_advocate WHERE status IN ({statuses}) {where}"
        " ORDER BY last_answer_at DESC, id) TO STDOUT (FORMAT csv)"
    )
    rows = size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for data in copy:
            rows += 1
            size += len(data)
    return rows, size


def api_export(client, kind: str, **filters) -> tuple[int, int]:
    """One export through the API, its content read to the end: (rows it logged, bytes)."""
    from closedloop.models import AdvocateExport

    response = client.get(EXPORT, {"format": kind, **filters})
    assert response.status_code == 200, (kind, response.status_code, response.content[:500])
    size = 0
    for block in response.streaming_content:
        size += len(block)
    response.close()
    logged = AdvocateExport.objects.order_by("-id").first()
    assert logged is not None
    assert logged.format == kind, logged
    return logged.row_count, size


def naive_csv(**filters) -> tuple[int, int]:
    """What a naive export does: every row into a list of CSV lines, joined, before anything is sent."""
    import csv
    import io

    from closedloop import exports, selectors

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lines = ["\ufeff" + ",".join(selectors.EXPORT_COLUMNS) + "\n"]
    for row in selectors.advocates_exportable(selectors.AdvocateFilters(**filters)):
        writer.writerow([exports.text_cell(value) for value in row])
        lines.append(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    body = "".join(lines).encode()
    return len(lines) - 1, len(body)


def child(kind: str) -> None:
    """Run one export in this fresh process and print its peak RSS growth as JSON (for the parent)."""
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL), migrate=False)
    if kind == "copy":

        def run(nothing: bool):
            return copy_baseline("AND customer_plan = 'nonexistent'" if nothing else "")
    elif kind == "list":

        def run(nothing: bool):
            return naive_csv(**(NOTHING if nothing else {}))
    else:
        client = marketing_client()

        def run(nothing: bool):
            return api_export(client, kind, **(NOTHING if nothing else {}))

    run(nothing=True)  # warm up: imports, the connection, the session
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    resident = _resident_kib()  # for the record: the peak so far should be about what is resident
    started = time.perf_counter()
    rows, size = run(nothing=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "bytes": size,
                "seconds": seconds,
                "before_mb": before / 1024,
                "growth_mb": (after - before) / 1024,
                "resident_mb": resident / 1024,
            }
        )
    )


def _resident_kib() -> int:
    """The process's resident set now (Linux), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rss_growth(kind: str) -> dict:
    # sh forks the child (a command follows it), so the child's ru_maxrss starts from the shell's, not ours
    command = ["sh", "-c", '"$@"; exit $?', "sh", sys.executable, __file__, "--child", kind]
    done = subprocess.run(command, cwd=ROOT, env=os.environ, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {kind} child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(rounds: int) -> None:
    from closedloop import selectors
    from closedloop.models import Advocate

    client = marketing_client()
    # warm up untimed: the whole table into shared buffers, templates, sessions, openpyxl imported
    expected, _ = copy_baseline()
    api_export(client, "csv")
    api_export(client, "xlsx", **NOTHING)

    times: dict[str, list[float]] = {"copy": [], "csv": [], "xlsx": []}
    counts: dict[str, set[int]] = {"copy": set(), "csv": set(), "xlsx": set()}
    sizes: dict[str, int] = {}
    for round_ in range(rounds):
        runs = {"copy": copy_baseline, "csv": lambda: api_export(client, "csv")}
        if round_ < XLSX_ROUNDS:
            runs["xlsx"] = lambda: api_export(client, "xlsx")
        for name, run in runs.items():
            started = time.perf_counter()
            rows, size = run()
            times[name].append(time.perf_counter() - started)
            counts[name].add(rows)
            sizes[name] = size

    exportable = selectors.advocates_exportable().count()
    print(
        f"{Advocate.objects.count():,} advocates on PostgreSQL, {exportable:,} exportable; "
        f"median of {rounds} alternating rounds (XLSX: {min(rounds, XLSX_ROUNDS)}), in-process"
    )
    median = {name: statistics.median(values) for name, values in times.items()}
    labels = {
        "copy": "bare COPY (psycopg)",
        "csv": "CSV export (API, streamed)",
        "xlsx": "XLSX export (API)",
    }
    for name, label in labels.items():
        each = ", ".join(f"{t:.2f}" for t in times[name])
        print(
            f"{label:28} {median[name]:7.2f} s  {sizes[name] / 2**20:6.1f} MB  "
            f"rows {', '.join(f'{n:,}' for n in sorted(counts[name]))}  (rounds: {each})"
        )
    ratio = median["csv"] / median["copy"]
    per_round = ", ".join(f"{c / b:.2f}" for b, c in zip(times["copy"], times["csv"], strict=True))
    print(f"ratio CSV/COPY {ratio:.2f} (per round: {per_round})")
    agree = counts["copy"] == counts["csv"] == counts["xlsx"] == {expected} == {exportable}
    print(
        "OK: COPY, CSV log and XLSX log agree on the rows"
        if agree
        else f"MISMATCH: COPY {counts['copy']}, CSV {counts['csv']}, XLSX {counts['xlsx']}, count {exportable}"
    )

    print("peak RSS growth, each in a fresh process after a warm-up request:")
    growth = {}
    for kind, label in (*labels.items(), ("list", "naive list-building CSV")):
        result = rss_growth(kind)
        growth[kind] = result["growth_mb"]
        print(
            f"{label:28} {result['growth_mb']:7.1f} MB  (peak before {result['before_mb']:.0f} MB; "
            f"resident {result['resident_mb']:.0f} MB; "
            f"{result['rows']:,} rows, {result['bytes'] / 2**20:.1f} MB in {result['seconds']:.2f} s)"
        )

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print(
        f"targets: CSV <= {TARGET_RATIO:.0f}x COPY: {ratio:.2f}x {verdict(ratio <= TARGET_RATIO)}; "
        f"CSV RSS growth <= {TARGET_RSS_MB:.0f} MB: {growth['csv']:.1f} MB {verdict(growth['csv'] <= TARGET_RSS_MB)}; "
        f"XLSX <= {TARGET_XLSX_S:.0f} s: {median['xlsx']:.1f} s {verdict(median['xlsx'] <= TARGET_XLSX_S)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--advocates", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", choices=("copy", "csv", "xlsx", "list"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL), migrate=True)
    load(args.advocates)
    measure(args.rounds)


if __name__ == "__main__":
    main()
