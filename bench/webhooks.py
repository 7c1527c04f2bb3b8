"""Benchmark webhook delivery: one real worker's pump beside a plain loop of POSTs; then a fault run that reconciles.

    .venv/bin/python bench/webhooks.py [--events 20000] [--rounds 3]      # throughput
    .venv/bin/python bench/webhooks.py --faults [--events 20000]          # failures, a killed worker, reconciliation

Runs against PostgreSQL (cx_webhooks_bench, created and migrated when missing, its webhook
tables emptied before each round) and Redis (db 11, flushed). One endpoint subscribes to
`case.opened` and points at a receiver on 127.0.0.1: a separate process (this script with
`receive`), a threaded HTTP/1.1 server that verifies every body with `standardwebhooks`
`Webhook(secret).verify` and logs every `webhook-id` it got with its answer (a request whose
body never came, its sender killed after the headers, is logged as `cut` and not answered).

Throughput: this process writes the events with `events_record`, in transactions of 500, as
the platform's services do (each commit wakes the pump); ONE Celery worker (prefork,
concurrency 1, queue `webhooks`) delivers them. The clock runs from the first event written to
the last delivery recorded as succeeded. The baseline, in the same run and alternating with the
pump, is this process POSTing the same bodies, signed, to the same receiver with one pooled
`requests.Session`, one after another. Target: the pump at >= 0.5 of the loop.

Fault run: the receiver answers 22% of requests with a 500, 5% with a 429 (Retry-After: 1) and
resets 3% of connections; the worker (with beat, its sweep every 2 s) is SIGKILLed, with its
pool process, in the middle of a batch once 40% of the deliveries succeeded, and started again.
Leases last CX_WEBHOOKS_LEASE_SECONDS=10 and the backoff is scaled by
CX_WEBHOOKS_RETRY_SCALE=0.0005 (30 s -> 15 ms, 6 h -> 11 s). Then it reconciles the receiver's
log with the database: none lost, requests after a success only under their event's
`webhook-id` and with the same body, every body verified, every delivery succeeded, and attempts
recorded <= requests received (the difference: the killed run's POSTs, which were sent again).
It exits non-zero on any mismatch.
"""

import argparse
import hashlib
import http.server
import json
import os
import random
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.analysis import prepare_database, setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cx_webhooks_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/11"
PORT = 8791
TMP = Path(tempfile.gettempdir())
WORKER_LOG = TMP / "cxplatform-bench-webhooks-worker.log"
RECEIVER_LOG = TMP / "cxplatform-bench-webhooks-received.log"
EVENTS_PER_TRANSACTION = 500
FAULTS = {"reset": 0.03, "429": 0.05, "500": 0.22}  # shares of requests; the rest are answered 204


# --- The receiver (a separate process: `bench/webhooks.py receive`) ----------------------------------


def receive(port: int, log_path: Path, faults: bool) -> None:
    """Serve POSTs on 127.0.0.1:port until SIGTERM; GET /stats flushes the log and answers the counts."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    webhook = Webhook(os.environ["BENCH_WEBHOOK_SECRET"])
    log = log_path.open("w")
    lock = threading.Lock()
    counts: Counter = Counter()
    rng = random.Random(20261207)

    def fate() -> str:
        if not faults:
            return "204"
        draw = rng.random()
        for name, share in FAULTS.items():
            if draw < share:
                return name
            draw -= share
        return "204"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as any receiver behind a proxy answers

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            if len(body) < length:  # the sender died between the headers and the body: no request to answer
                with lock:
                    counts["requests"] += 1
                    counts["cut"] += 1
                    log.write(f"{headers.get('webhook-id', '-')} cut 0 -\n")
                self.close_connection = True
                return
            try:
                webhook.verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
            with lock:
                answer = fate()
                counts["requests"] += 1
                counts["unverified"] += not verified
                counts[answer] += 1
                digest = hashlib.blake2b(body, digest_size=8).hexdigest()
                log.write(f"{headers.get('webhook-id', '-')} {answer} {int(verified)} {digest}\n")
            if answer == "reset":  # an RST instead of an answer
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            self.send_response(int(answer))
            if answer == "429":
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            with lock:
                log.flush()
                payload = json.dumps(counts).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            return

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 1024

        def handle_error(self, request, client_address) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed worker's connections: expected
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    finally:
        with lock:
            log.close()


def start_receiver(secret: str, *, faults: bool) -> subprocess.Popen:
    command = [sys.executable, __file__, "receive", "--port", str(PORT), "--log", str(RECEIVER_LOG)]
    command += ["--faults"] if faults else []
    process = subprocess.Popen(command, env={**os.environ, "BENCH_WEBHOOK_SECRET": secret})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            receiver_stats()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the receiver did not start")


def receiver_stats() -> Counter:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/stats", timeout=5) as answer:
        return Counter(json.loads(answer.read()))


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=60)


# --- The platform's side ------------------------------------------------------------------------------


def start_worker(*, beat: bool) -> subprocess.Popen:
    """One worker process (prefork, concurrency 1) on the `webhooks` queue; in its own group, to be killed whole."""
    command = [sys.executable, "-m", "celery", "-A", "cxplatform", "worker", "-Q", "webhooks", "--concurrency", "1"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO"]
    command += ["--beat", "--schedule", str(WORKER_LOG.with_suffix(".beat"))] if beat else []
    with WORKER_LOG.open("a") as log:
        log.write(f"--- worker started {time.strftime('%H:%M:%S')}\n")
        start = log.tell()
    process = subprocess.Popen(
        command, cwd=ROOT, env=os.environ, stdout=WORKER_LOG.open("a"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while "ready." not in WORKER_LOG.read_text()[start:]:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start; see {WORKER_LOG}")
        time.sleep(0.2)
    return process


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool process at once: what an OOM kill or a lost machine does."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def tables_empty(*, endpoints: bool) -> None:
    """Empty the events, deliveries, attempts and chat messages (and the endpoints)."""
    from django.db import connection

    from webhooks.models import Attempt, ChatMessage, Delivery, Endpoint, Event

    models = (Attempt, Delivery, ChatMessage, Event, *((Endpoint,) if endpoints else ()))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(model._meta.db_table for model in models)}")


def endpoint_new():
    """One endpoint, subscribed to `case.opened`, pointing at the receiver (the webhook tables emptied first)."""
    from webhooks.services.endpoints import endpoint_create

    tables_empty(endpoints=True)
    return endpoint_create(url=f"http://127.0.0.1:{PORT}/hooks", events=["case.opened"], description="bench")


def payloads(count: int) -> list[tuple[str, dict, int]]:
    """`case.opened` events as the loop's cases make them (ids, a reason, a score; no personal data)."""
    rng = random.Random(7)
    reasons = ("detractor", "low_csat", "hard_effort", "keyword")
    return [
        (
            "case.opened",
            {
                "id": 100000 + i,
                "reason": rng.choice(reasons),
                "priority": rng.choice(("normal", "high", "urgent")),
                "response_id": 500000 + i,
                "score": rng.randrange(7),
                "account_id": rng.randrange(1, 400),
                "due_at": "2026-12-09T09:00:00+08:00",
            },
            None,
        )
        for i in range(count)
    ]


def events_write(events: list[tuple[str, dict, int]]) -> None:
    from django.db import transaction

    from webhooks.services.events import events_record

    for start in range(0, len(events), EVENTS_PER_TRANSACTION):
        with transaction.atomic():
            events_record(events[start : start + EVENTS_PER_TRANSACTION])


def deliveries_by_status() -> dict[str, int]:
    from django.db.models import Count

    from webhooks.models import Delivery

    return dict(Delivery.objects.values_list("status").annotate(n=Count("id")).order_by("status"))


def wait_until_succeeded(count: int, *, minutes: float, worker: subprocess.Popen | None = None) -> None:
    from webhooks.models import Delivery

    deadline = time.monotonic() + minutes * 60
    while Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count() < count:
        if time.monotonic() > deadline or (worker is not None and worker.poll() is not None):
            raise SystemExit(f"not delivered: {deliveries_by_status()}; see {WORKER_LOG}")
        time.sleep(0.1)


def pump_round(events: list[tuple[str, dict, int]]) -> float:
    """Seconds from the first event written to the last delivery recorded as succeeded."""
    from django.db.models import Max

    from webhooks.models import Delivery

    started = time.time()
    events_write(events)
    wait_until_succeeded(len(events), minutes=15)
    last = Delivery.objects.aggregate(last=Max("updated_at"))["last"]
    return last.timestamp() - started


def plain_loop(endpoint) -> float:
    """Seconds to POST every delivery's body, signed, one after another over one pooled session."""
    import requests
    from django.utils import timezone

    from webhooks import signing
    from webhooks.models import Delivery
    from webhooks.services.delivery import body_for

    deliveries = list(Delivery.objects.select_related("endpoint", "event").order_by("id"))
    bodies = [(d.event.webhook_id, body_for(d)) for d in deliveries]
    session = requests.Session()
    session.trust_env = False
    started = time.perf_counter()
    for webhook_id, body in bodies:
        headers = signing.headers(webhook_id=webhook_id, at=timezone.now(), body=body, secrets_in_use=[endpoint.secret])
        answer = session.post(endpoint.url, data=body, headers=headers, timeout=(5.0, 10.0), allow_redirects=False)
        if answer.status_code != 204:
            raise SystemExit(f"the receiver answered the loop {answer.status_code}")
    return time.perf_counter() - started


def throughput(count: int, rounds: int) -> None:
    from django.conf import settings

    events = payloads(count)
    pumps, loops = [], []
    endpoint = endpoint_new()
    receiver = start_receiver(endpoint.secret, faults=False)
    worker = start_worker(beat=False)
    try:
        for done in range(rounds):
            tables_empty(endpoints=False)
            pumps.append(pump_round(events))
            loops.append(plain_loop(endpoint))
            seen = receiver_stats()
            if seen["unverified"] or seen["requests"] != 2 * count * (done + 1):
                raise SystemExit(f"the receiver saw {dict(seen)}")
    finally:
        stop(worker)
        stop(receiver)
    pump_rate, loop_rate = count / statistics.median(pumps), count / statistics.median(loops)
    ratios = [loop / pumped for pumped, loop in zip(pumps, loops, strict=True)]
    print(
        f"{count} case.opened events, one endpoint ({rounds} alternating rounds); one worker (prefork x1, Redis), "
        f"PostgreSQL; batch {settings.CX_WEBHOOKS_BATCH}, {settings.CX_WEBHOOKS_CONCURRENCY} POSTs in flight"
    )
    print(f"pump, first event to last success {pump_rate:7.0f} deliveries/s (rounds: {_rates(count, pumps)})")
    print(f"plain loop, one requests.Session  {loop_rate:7.0f} deliveries/s (rounds: {_rates(count, loops)})")
    print(
        f"ratio pump/loop {statistics.median(ratios):.2f} (per round: {', '.join(f'{r:.2f}' for r in ratios)}); "
        "target >= 0.5; every body verified by the receiver"
    )


def _rates(count: int, seconds: list[float]) -> str:
    return ", ".join(f"{count / s:.0f}" for s in seconds)


# --- The fault run ---------------------------------------------------------------------------------------


def fault_run(count: int) -> None:
    from webhooks.models import Attempt, Delivery, Event

    events = payloads(count)
    endpoint = endpoint_new()
    receiver = start_receiver(endpoint.secret, faults=True)
    worker = start_worker(beat=True)
    try:
        started = time.monotonic()
        events_write(events)
        while Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count() < 0.4 * count:
            time.sleep(0.05)
        while receiver_stats()["requests"] < Attempt.objects.count() + 20:  # kill it in the middle of a batch
            time.sleep(0.005)
        kill_worker(worker)
        killed = deliveries_by_status()
        leased = Delivery.objects.filter(claimed_until__isnull=False).count()
        print(f"worker SIGKILLed after {time.monotonic() - started:.1f} s: {killed}, {leased} leased")
        worker = start_worker(beat=True)
        wait_until_succeeded(count, minutes=15, worker=worker)
        print(f"all succeeded {time.monotonic() - started:.1f} s after the first event")
        seen = receiver_stats()
    finally:
        stop(worker)
        stop(receiver)
    ids = dict(Event.objects.values_list("uid", "id"))
    webhook_ids = {f"msg_{uid.hex}": event_id for uid, event_id in ids.items()}
    received = [line.split() for line in RECEIVER_LOG.read_text().splitlines()]
    succeeded_at: dict[str, int] = {}
    duplicates, again, bodies = 0, set(), defaultdict(set)
    for n, (webhook_id, answer, verified, digest) in enumerate(received):
        if answer != "cut":
            bodies[webhook_id].add(digest)
        if webhook_id in succeeded_at:
            duplicates += 1
            again.add(webhook_id)
        elif answer == "204" and verified == "1":
            succeeded_at[webhook_id] = n
    attempts = Attempt.objects.count()
    result = {
        "events written": len(webhook_ids),
        "requests received": len(received),
        "answers": dict(Counter(answer for _id, answer, _v, _d in received)),
        "distinct webhook-ids received successfully": len(succeeded_at),
        "requests received after their id's success": duplicates,
        "webhook-ids received after their success": len(again),
        "webhook-ids that are no event's": len({row[0] for row in received} - set(webhook_ids)),
        "webhook-ids received with two bodies": sum(1 for digests in bodies.values() if len(digests) > 1),
        "bodies not verified": seen["unverified"],
        "deliveries by status": deliveries_by_status(),
        "attempts recorded": attempts,
        "requests not recorded (the killed run's)": len(received) - attempts,
    }
    for name, value in result.items():
        print(f"{name:44} {value}")
    bad = {
        "lost": len(webhook_ids) - len(succeeded_at),
        "unknown ids": result["webhook-ids that are no event's"],
        "ids with two bodies": result["webhook-ids received with two bodies"],
        "not verified": seen["unverified"],
        "deliveries not succeeded": count - result["deliveries by status"].get("succeeded", 0),
        "attempts recorded beyond requests": max(0, attempts - len(received)),
    }
    bad = {name: n for name, n in bad.items() if n}
    print("reconciled: none lost, duplicates only under their own webhook-id" if not bad else f"MISMATCH: {bad}")
    sys.exit(1 if bad else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", choices=["receive"], help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--faults", action="store_true", help="the fault run instead of the throughput run")
    parser.add_argument("--port", type=int, default=PORT, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, default=RECEIVER_LOG, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode == "receive":
        receive(args.port, args.log, args.faults)
        return
    if args.faults:  # short leases, short backoff, a frequent sweep: the run takes minutes, not days
        os.environ.update(
            CX_WEBHOOKS_LEASE_SECONDS="10", CX_WEBHOOKS_RETRY_SCALE="0.0005", CX_WEBHOOKS_SWEEP_SECONDS="2"
        )
    os.environ["CX_WEBHOOKS_ALLOW_PRIVATE"] = "1"  # the receiver is on 127.0.0.1
    database_url = os.environ.get("BENCH_WEBHOOKS_DATABASE_URL", DEFAULT_DATABASE_URL)
    broker_url = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)
    setup_django(database_url, broker_url, queue="analysis")
    prepare_database(database_url.rsplit("/", 1)[1])
    subprocess.run(["redis-cli", "-n", broker_url.rsplit("/", 1)[1], "FLUSHDB"], check=True)
    WORKER_LOG.write_text("")
    if args.faults:
        fault_run(args.events)
    else:
        throughput(args.events, args.rounds)


if __name__ == "__main__":
    main()
