"""Benchmark the touchpoint-event batch API against a bare ORM upsert of the same customers, in one run.

    .venv/bin/python bench/events.py [--events 20000] [--batch 500] [--concurrency 4] [--rounds 2] [--port 8766]

The endpoint, POST /api/v1/touchpoint-events/batch/ (staff token), runs under gunicorn (gthread,
2 workers x 4 threads) on PostgreSQL in its own database, cxplatform_bench_events (created and
migrated when missing). This process posts 20,000 deterministic events (random.Random(seed)) about
8,000 customers, in batches of 500 from a small pool of keep-alive connections (4 in flight), and
times the whole run. Customers come back, so cooldown and recontact skips happen; about 2% of the
events are resent with the same event_id, some in the same batch, some later (duplicates, counted
apart). Names are Chinese and English, locales zh-hans, zh-hant and en.

The contact rules are support-ticket: email, sampling 0.5, 30 min delay; delivery: email, sampling
1.0, 60 min delay; onboarding: in-app widget, no cooldown. Every email rule has a delay and events
happened minutes ago, so no invitation is due at once and the endpoint sends no mail inline: it only
schedules the invitations, which the beat sweep sends later. Sending email is measured elsewhere.

The baseline is a bulk insert of the same customers with the ORM: batch by batch, each batch's
customers upserted with one Customer.objects.bulk_create(update_conflicts=True), rows in key
order, in one process without HTTP (`manage.py shell -c`). A stricter comparison is printed
beside it: the same upsert in a bare view (bench/ingest_app.py) on the same gunicorn, posted
the same batch bodies with the same concurrency, so that it also gets HTTP, JSON parsing and
two worker processes. All start from empty tables (touchpoint events, invitations, responses,
customers are truncated before every run), and rounds alternate between them; the median
round of each is reported, with the ratio endpoint / baseline.
`--without-fast-path` also posts every round's batches to a second, identical gunicorn (port + 1) on
which every event goes through EventSerializer (the hand validator switched off), from empty tables:
the difference in web CPU and latency per batch is what surveys.event_validation saves.
Target: ratio >= 0.5, no error, no 5xx. When a batch gets a 5xx or an event an error, the run still
prints its figures, then the exceptions of the gunicorn log (/tmp/cxplatform-bench-events-gunicorn.log),
and exits 1.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.server import server_cpu_seconds, start_gunicorn  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_events"
URL_PATH = "/api/v1/touchpoint-events/batch/"
BASELINE_PATH = "/bench/bare-customers/"

BASELINE_CODE = """
import json, os, time
from collections import defaultdict
from decimal import Decimal
from django.utils import timezone
from surveys.models import Customer

FIELDS = ("email", "name", "locale", "account", "plan", "value")
with open(os.environ["BENCH_EVENTS_FILE"], encoding="utf-8") as f:
    events = json.load(f)
chunk = int(os.environ["BENCH_BATCH"])
start = time.perf_counter()
for i in range(0, len(events), chunk):
    latest = {}
    for event in events[i : i + chunk]:
        latest[event["customer"]["external_id"]] = event["customer"]
    now = timezone.now()
    by_shape = defaultdict(list)
    for record in latest.values():
        given = {name: record[name] for name in FIELDS if name in record}
        if "value" in given:
            given["value"] = Decimal(str(given["value"]))
        by_shape[tuple(sorted(given))].append(
            Customer(external_id=record["external_id"], created_at=now, updated_at=now, **given)
        )
    for shape, rows in by_shape.items():
        Customer.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["external_id"], update_fields=[*shape, "updated_at"]
        )
print("BENCH", time.perf_counter() - start, Customer.objects.count())
"""
GUNICORN_LOG = Path(tempfile.gettempdir()) / "cxplatform-bench-events-gunicorn.log"
TABLES = "surveys_touchpointevent, surveys_invitation, surveys_response, surveys_customer"

SETUP_CODE = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from surveys.models import ContactRule, Survey, Touchpoint

setups = [
    ("support-ticket", "Support ticket", "Bench support CSAT", "csat", "How satisfied are you with our support?",
     {"channel": "email", "sampling_rate": 0.5, "delay_minutes": 30}),
    ("delivery", "Delivery", "Bench delivery CES", "ces", "Was it easy to get your order?",
     {"channel": "email", "sampling_rate": 1.0, "delay_minutes": 60}),
    ("onboarding", "Onboarding", "Bench onboarding NPS", "nps", "How likely are you to recommend us?",
     {"channel": "widget", "sampling_rate": 1.0, "delay_minutes": 0, "cooldown_days": 0, "recontact_days": 180}),
]
for key, name, survey_name, kind, question, rule in setups:
    touchpoint, _ = Touchpoint.objects.get_or_create(key=key, defaults={"name": name})
    survey, _ = Survey.objects.get_or_create(name=survey_name, defaults={"kind": kind, "question_en": question})
    Survey.objects.filter(id=survey.id).update(active=True)
    defaults = {"active": True, "cooldown_days": 30, "recontact_days": 90, "cap_per_90_days": 3, **rule}
    ContactRule.objects.update_or_create(survey=survey, touchpoint=touchpoint, defaults=defaults)
user, _ = get_user_model().objects.get_or_create(username="bench-events", defaults={"email": "bench@example.com"})
user.is_staff = True
user.is_active = True
user.save()
user.user_permissions.add(Permission.objects.get(content_type__app_label="surveys", codename="add_touchpointevent"))
token, _ = Token.objects.get_or_create(user=user)
print("TOKEN", token.key)
"""


SURNAMES_ZH = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_ZH = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超霞平刚"
FIRST_EN = ["James", "Mary", "John", "Linda", "David", "Susan", "Michael", "Karen", "Daniel", "Emma", "Olivia", "Noah"]
LAST_EN = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Lee", "Walker", "Young", "King", "Wright", "Green"]
ACCOUNTS = ["上海云帆科技", "深圳星河电子", "臺北晨光貿易", "杭州青禾网络"]
ACCOUNTS += ["Acme Corp", "Globex", "Initech", "Umbrella Ltd"]
PLANS = [("free", 0, 0), ("starter", 20, 99), ("pro", 100, 999), ("enterprise", 1000, 50000)]
TOUCHPOINTS = [("support-ticket", 0.45), ("delivery", 0.35), ("onboarding", 0.20)]


def run(command, **kwargs):
    return subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def psql(sql: str, *, database: str) -> str:
    return run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        capture_output=True,
        text=True,
    ).stdout.strip()


def prepare_database(env, name: str) -> str:
    """Create and migrate the bench database, set up touchpoints, surveys, rules and a staff token; return it."""
    if not psql(f"SELECT 1 FROM pg_database WHERE datname='{name}'", database="postgres"):
        run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name])
    run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env)
    out = run([sys.executable, "manage.py", "shell", "-c", SETUP_CODE], env=env, capture_output=True, text=True)
    return next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("TOKEN "))


def truncate(name: str) -> None:
    psql(f"TRUNCATE {TABLES} CASCADE", database=name)


def make_customers(rng: random.Random, count: int, prefix: str) -> list[dict]:
    customers = []
    for i in range(count):
        if rng.random() < 0.6:
            name = rng.choice(SURNAMES_ZH) + "".join(rng.choices(GIVEN_ZH, k=rng.choice((1, 2))))
            locale = "zh-hant" if rng.random() < 0.3 else "zh-hans"
            email = f"user{i}@example.cn"
        else:
            first, last = rng.choice(FIRST_EN), rng.choice(LAST_EN)
            name = f"{first} {last}"
            locale = "en" if rng.random() < 0.9 else "zh-hans"
            email = f"{first.lower()}.{last.lower()}{i}@example.com"
        plan, low, high = rng.choices(PLANS, weights=(40, 30, 22, 8))[0]
        customer = {
            "external_id": f"{prefix}{i:05d}",
            "name": name,
            "locale": locale,
            "account": rng.choice(ACCOUNTS),
            "plan": plan,
            "value": round(rng.uniform(low, high), 2),
        }
        if rng.random() < 0.95:  # a few are known only by id: email rules skip them (no_email)
            customer["email"] = email
        customers.append(customer)
    return customers


def payload(customer: dict, touchpoint: str) -> dict:
    """What each of the business's systems knows about the customer."""
    if touchpoint == "delivery":
        keys = ("external_id", "email", "locale")
    elif touchpoint == "onboarding":
        keys = ("external_id", "name", "locale", "account", "plan", "value")
    else:
        keys = ("external_id", "email", "name", "locale", "plan", "value")
    return {key: customer[key] for key in keys if key in customer}


def make_events(*, count: int, customers: int, seed: int, prefix: str = "c") -> tuple[list[tuple[dict, float]], int]:
    """Return (event, seconds before the round starts it occurred) pairs, and how many are resent."""
    rng = random.Random(seed)
    people = make_customers(rng, customers, prefix)
    repeats = round(count * 0.02)
    originals = count - repeats
    who = list(range(min(customers, originals)))  # everyone at least once, then returning customers
    who += rng.choices(range(customers), k=originals - len(who))
    rng.shuffle(who)
    names, weights = zip(*TOUCHPOINTS, strict=True)
    keyed = []
    for i, person in enumerate(who):
        touchpoint = rng.choices(names, weights=weights)[0]
        event = {
            "touchpoint": touchpoint,
            "event_id": f"{prefix}-{seed}-{i:06d}",
            "customer": payload(people[person], touchpoint),
        }
        keyed.append((float(i), (event, rng.uniform(0, 900))))
    for _ in range(repeats):  # a resend: same event, later in the stream (maybe in the same batch)
        source = rng.randrange(originals)
        keyed.append((source + rng.randint(1, 3000) + 0.5, keyed[source][1]))
    keyed.sort(key=lambda item: item[0])
    return [item for _, item in keyed], repeats


def batch_bodies(events: list[tuple[dict, float]], batch: int, now: datetime) -> list[bytes]:
    bodies = []
    for start in range(0, len(events), batch):
        chunk = [
            {**event, "occurred_at": (now - timedelta(seconds=ago)).isoformat()}
            for event, ago in events[start : start + batch]
        ]
        bodies.append(json.dumps({"events": chunk}, ensure_ascii=False).encode())
    return bodies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def compact(data: bytes) -> str:
    """Return a response body on one line: a JSON error as is, an HTML page by its title."""
    text = data.decode(errors="replace")
    title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
    return " ".join((title.group(1) if title else text).split())[:300]


def log_summary(text: str) -> list[str]:
    """Return the distinct exceptions in the gunicorn log, counted, then its last traceback."""
    pattern = re.compile(
        r"^(\w+(\.\w+)*(Error|Exception|Violation|Detected)\b.*|DETAIL: .*"
        r"|(Internal Server Error|Service Unavailable): .*)$"
    )
    counts = Counter(line for line in text.splitlines() if pattern.match(line))
    lines = [f"  {count:4d} x {line}" for line, count in counts.most_common()]
    last = text.rfind("Traceback (most recent call last):")
    if last >= 0:
        lines += ["last traceback:", *text[last:].splitlines()[:80]]
    return lines


def post_all(bodies: list[bytes], *, port: int, token: str, concurrency: int, path: str = URL_PATH) -> dict:
    """Post every batch, `concurrency` at a time over keep-alive connections; time the whole run."""
    local = threading.local()
    connections: list[http.client.HTTPConnection] = []
    lock = threading.Lock()
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}

    def post(body: bytes) -> tuple[int, float, bytes, int]:
        reconnects = 0
        for attempt in range(2):
            if getattr(local, "conn", None) is None:
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with lock:
                    connections.append(local.conn)
            started = time.perf_counter()
            try:
                local.conn.request("POST", path, body=body, headers=headers)
                response = local.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                local.conn.close()
                local.conn = None
                reconnects += 1
                if attempt:
                    raise
                continue
            return response.status, time.perf_counter() - started, data, reconnects
        raise AssertionError("unreachable")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        answers = list(pool.map(post, bodies))
    elapsed = time.perf_counter() - started
    for conn in connections:
        conn.close()

    reasons: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    errors: list[dict] = []
    failures: list[str] = []
    duplicates = 0
    for body, (status, _, data, _) in zip(bodies, answers, strict=True):
        statuses[status] += 1
        if status != 202:
            failures.append(f"HTTP {status}: {compact(data)}")
            continue
        if path != URL_PATH:
            continue  # the baseline answers with a count only
        results = json.loads(data)["results"]
        if len(results) != len(json.loads(body)["events"]):
            failures.append(f"{len(results)} results for {len(json.loads(body)['events'])} events")
        for item in results:
            if "error" in item:
                errors.append(item)
            elif item["duplicate"]:
                duplicates += 1
            else:
                reasons[item["reason"]] += 1
    return {
        "elapsed": elapsed,
        "latencies": [latency for _, latency, _, _ in answers],
        "statuses": statuses,
        "reasons": reasons,
        "duplicates": duplicates,
        "errors": errors,
        "failures": failures,
        "reconnects": sum(reconnects for *_, reconnects in answers),
    }


def orm_baseline(env, events: list[tuple[dict, float]], batch: int) -> tuple[float, int]:
    """Upsert the events' customers in chunks with bulk_create; return seconds taken and customers stored."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump([event for event, _ in events], f, ensure_ascii=False)
    try:
        env = {**env, "BENCH_EVENTS_FILE": f.name, "BENCH_BATCH": str(batch)}
        out = run([sys.executable, "manage.py", "shell", "-c", BASELINE_CODE], env=env, capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    _, seconds, stored = next(line for line in out.stdout.splitlines() if line.startswith("BENCH ")).split()
    return float(seconds), int(stored)


def print_fast_path_gain(fast: list[dict], slow: list[dict], *, batches: int, events: int) -> None:
    """What the hand validator saves per batch request: web CPU, and wall time at the same concurrency."""
    pairs = list(zip(fast, slow, strict=True))
    fast_cpu = [f["cpu_ms_per_event"] * events / batches for f in fast]
    cpu = [s["cpu_ms_per_batch"] - f_cpu for (_, s), f_cpu in zip(pairs, fast_cpu, strict=True)]
    p50 = [1000 * (percentile(s["latencies"], 0.5) - percentile(f["latencies"], 0.5)) for f, s in pairs]
    wall = [1000 * (s["elapsed"] - f["elapsed"]) / batches for f, s in pairs]
    failed = sum(len(s["failures"]) + len(s["errors"]) for s in slow)
    print(
        f"hand validator: web CPU per batch request {statistics.median(fast_cpu):.1f} ms with it, "
        f"{statistics.median(s['cpu_ms_per_batch'] for s in slow):.1f} ms without: "
        f"saves {statistics.median(cpu):.1f} ms "
        f"(per round {', '.join(f'{d:.1f}' for d in cpu)}); batch p50 latency {statistics.median(p50):.1f} ms lower, "
        f"run time {statistics.median(wall):.1f} ms lower per batch; without it "
        f"{statistics.median(events / s['elapsed'] for s in slow):.0f} events/s, {failed} failures"
    )


def deadlocks(name: str) -> int:
    return int(psql(f"SELECT deadlocks FROM pg_stat_database WHERE datname='{name}'", database="postgres") or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--customers", type=int, default=8000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--without-fast-path", action="store_true", help="also post to a second server without the hand validator"
    )
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_EVENTS_DATABASE_URL", DEFAULT_DATABASE_URL)
    database = database_url.rsplit("/", 1)[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CELERY_BROKER_URL": "",  # tasks in-process; none is due during the run (every email rule has a delay)
        "EMAIL_URL": "memorymail://",  # and should one be, it goes nowhere
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    token = prepare_database(env, database)
    env["BENCH_SURVEY_ID"] = "0"  # bench.ingest_app's bare view needs it; unused here

    events, repeats = make_events(count=args.events, customers=args.customers, seed=args.seed)
    distinct = len({event["customer"]["external_id"] for event, _ in events})
    warmup, _ = make_events(count=4 * args.batch, customers=500, seed=args.seed + 1, prefix="warm")

    endpoint_rounds: list[dict] = []
    baseline_rounds: list[dict] = []
    orm_rounds: list[dict] = []
    slow_rounds: list[dict] = []
    deadlocks_before = deadlocks(database)
    with GUNICORN_LOG.open("w") as log:
        server = start_gunicorn(env, port=args.port, workers=args.workers, threads=args.threads, log=log)
        slow = None
        if args.without_fast_path:
            slow_env = {**env, "BENCH_WITHOUT": "event-fast-path"}
            slow = start_gunicorn(slow_env, port=args.port + 1, workers=args.workers, threads=args.threads, log=log)
        try:
            truncate(database)
            for port in (args.port, args.port + 1) if slow else (args.port,):
                truncate(database)
                post_all(
                    batch_bodies(warmup, args.batch, datetime.now(UTC)),
                    port=port,
                    token=token,
                    concurrency=args.concurrency,
                )
            for _ in range(args.rounds):
                truncate(database)
                bodies = batch_bodies(events, args.batch, datetime.now(UTC))
                cpu_before = server_cpu_seconds(server)
                result = post_all(bodies, port=args.port, token=token, concurrency=args.concurrency)
                result["cpu_ms_per_event"] = 1000 * (server_cpu_seconds(server) - cpu_before) / len(events)
                result["rate"] = len(events) / result["elapsed"]
                result["answered"] = sum(result["reasons"].values()) + result["duplicates"]
                stored = psql(
                    "SELECT (SELECT count(*) FROM surveys_touchpointevent), (SELECT count(*) FROM surveys_invitation),"
                    " (SELECT count(*) FROM surveys_customer)",
                    database=database,
                )
                result["stored"] = tuple(int(n) for n in stored.split("|"))
                endpoint_rounds.append(result)

                if slow:
                    truncate(database)
                    cpu_before = server_cpu_seconds(slow)
                    other = post_all(bodies, port=args.port + 1, token=token, concurrency=args.concurrency)
                    other["cpu_ms_per_batch"] = 1000 * (server_cpu_seconds(slow) - cpu_before) / len(bodies)
                    slow_rounds.append(other)

                truncate(database)
                bare = post_all(bodies, port=args.port, token=token, concurrency=args.concurrency, path=BASELINE_PATH)
                if bare["failures"]:
                    raise SystemExit(f"baseline failed: {bare['failures'][:3]}")
                customers = int(psql("SELECT count(*) FROM surveys_customer", database=database))
                baseline_rounds.append(
                    {"elapsed": bare["elapsed"], "rate": len(events) / bare["elapsed"], "customers": customers}
                )

                truncate(database)
                seconds, _stored = orm_baseline(env, events, args.batch)
                orm_rounds.append({"elapsed": seconds, "rate": len(events) / seconds})
        finally:
            for running in (server, slow) if slow else (server,):
                running.send_signal(signal.SIGTERM)
                running.wait(timeout=30)
    new_deadlocks = deadlocks(database) - deadlocks_before

    print(
        f"{len(events)} events ({repeats} resent), {distinct} customers, batches of {args.batch}, "
        f"{args.concurrency} in flight; gunicorn gthread {args.workers}x{args.threads}, PostgreSQL "
        f"{database}; {args.rounds} alternating rounds"
    )
    for i, (ours, orm, bare) in enumerate(zip(endpoint_rounds, orm_rounds, baseline_rounds, strict=True), 1):
        events_stored, invitations, customers = ours["stored"]
        p50 = 1000 * percentile(ours["latencies"], 0.5)
        p99 = 1000 * percentile(ours["latencies"], 0.99)
        print(
            f"  round {i}: endpoint  {ours['rate']:6.0f} events/s ({ours['elapsed']:.2f} s, "
            f"{ours['answered']} answered, p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
            f"web CPU {ours['cpu_ms_per_event']:.2f} ms/event; stored {events_stored} events, "
            f"{invitations} invitations, {customers} customers)"
        )
        print(f"           ORM upsert {orm['rate']:6.0f} events/s ({orm['elapsed']:.2f} s)")
        print(
            f"           bare view  {bare['rate']:6.0f} events/s ({bare['elapsed']:.2f} s, "
            f"{bare['customers']} customers)"
        )
    endpoint = sorted(endpoint_rounds, key=lambda r: r["rate"])[len(endpoint_rounds) // 2]
    latencies = [latency for r in endpoint_rounds for latency in r["latencies"]]
    endpoint_rate = statistics.median(r["rate"] for r in endpoint_rounds)
    batches = math.ceil(len(events) / args.batch)
    print(
        f"endpoint  {endpoint_rate:7.0f} events/s (median), {batches} batches/round, batch latency over all rounds "
        f"p50 {1000 * percentile(latencies, 0.5):.0f} ms p99 {1000 * percentile(latencies, 0.99):.0f} ms, "
        f"web CPU {statistics.median(r['cpu_ms_per_event'] for r in endpoint_rounds):.2f} ms/event"
    )
    orm_rate = statistics.median(r["rate"] for r in orm_rounds)
    orm_ratios = [a["rate"] / b["rate"] for a, b in zip(endpoint_rounds, orm_rounds, strict=True)]
    print(f"baseline  {orm_rate:7.0f} events/s (median; ORM bulk upsert of the same customers, one process)")
    print(
        f"ratio endpoint/baseline {statistics.median(orm_ratios):.2f} "
        f"(per round: {', '.join(f'{r:.2f}' for r in orm_ratios)}); target >= 0.50"
    )
    bare_rate = statistics.median(r["rate"] for r in baseline_rounds)
    ratios = [a["rate"] / b["rate"] for a, b in zip(endpoint_rounds, baseline_rounds, strict=True)]
    print(
        f"stricter: the same upsert in a bare view on the same gunicorn {bare_rate:7.0f} events/s; ratio "
        f"endpoint/that {statistics.median(ratios):.2f} (per round: {', '.join(f'{r:.2f}' for r in ratios)})"
    )

    if slow_rounds:
        print_fast_path_gain(endpoint_rounds, slow_rounds, batches=len(bodies), events=len(events))

    decided = sum(endpoint["reasons"].values())
    answered = decided + endpoint["duplicates"]
    unanswered = f" ({len(events) - answered} unanswered: their batch failed)" if answered < len(events) else ""
    print(f"decisions (median round), of {answered} answers{unanswered}:")
    for reason, count in endpoint["reasons"].most_common():
        label = "invited" if reason == "invited" else f"skipped: {reason}"
        print(f"  {label:28s} {count:6d}  {100 * count / max(answered, 1):5.1f}%")
    print(
        f"  {'duplicate (first decision)':28s} {endpoint['duplicates']:6d}  "
        f"{100 * endpoint['duplicates'] / max(answered, 1):5.1f}%  (resent: {repeats})"
    )

    statuses = Counter()
    for r in endpoint_rounds:
        statuses.update(r["statuses"])
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    event_errors = [error for r in endpoint_rounds for error in r["errors"]]
    failures = [failure for r in endpoint_rounds for failure in r["failures"]]
    reconnects = sum(r["reconnects"] for r in endpoint_rounds)
    print(
        f"checks: HTTP statuses {dict(sorted(statuses.items()))}, 5xx {server_errors}, per-event errors "
        f"{len(event_errors)}, reconnects {reconnects}, PostgreSQL deadlocks {new_deadlocks}"
    )
    ok = not server_errors and not event_errors and not failures and answered == len(events)
    for failure, count in Counter(failures).most_common():
        print(f"  {count:4d} x {failure}")
    for error in event_errors[:5]:
        print(f"  event error: {json.dumps(error, ensure_ascii=False)}")
    if not ok:
        print(f"FAILED; gunicorn log {GUNICORN_LOG} (warm-up included):")
        print("\n".join(log_summary(GUNICORN_LOG.read_text())))
        if new_deadlocks:
            print("the deadlocked statements are in the PostgreSQL server log")
        raise SystemExit(1)
    print("OK: no 5xx, no per-event error, one answer per event")


if __name__ == "__main__":
    main()
