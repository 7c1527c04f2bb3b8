"""Soak the public response API, then reconcile: nothing accepted is lost, nothing is done twice.

    .venv/bin/python bench/soak.py [--seconds 300] [--clients 24]

Runs, against PostgreSQL (database cxplatform_bench_soak, emptied first) and Redis (db 7):
gunicorn (gthread, 2 workers x 4 threads), and one Celery worker with beat on every queue, as
production does. `--clients` threads post answers over keep-alive connections as fast as the
server takes them: NPS scores 0-10, two thirds with a comment (Chinese, English, mixed, emoji),
half from identified customers (1,000 of them), promoters often agreeing to be contacted.

Then it waits for the worker to analyse everything and reconciles (bench/reconcile.py, which
the fault tests share), counting in the database:
- every 201 is exactly one response row, and no response exists that was not a 201;
- every response has exactly one feedback item, and every item is analysed;
- every detractor answer is on exactly one case (opened by it or attached to the customer's
  open case), and no answer is on two;
- every identified promoter who agreed to be contacted has exactly one advocate;
- the score rollups count every answer exactly once;
and on the client's side: no 5xx, no connection error.
It prints the counts and exits non-zero on any mismatch.
"""

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.reconcile import mismatches  # noqa: E402
from bench.server import start_gunicorn  # noqa: E402

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_soak"
BROKER_URL = "redis://127.0.0.1:6379/7"
PORT = 8766
COMMENTS = (
    "退款申请两周了还没处理，客服也不回复",
    "客服態度很差，帳單一直錯",
    "The app crashes at checkout every time",
    "Billing is confusing and support took a week",
    "good product but 客服 took a week to answer 😡",
    "很好用，推荐给朋友了 👍",
    "Great onboarding, the training helped a lot",
    "",
    "",
)


def environment() -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("SOAK_DATABASE_URL", DATABASE_URL),
        "CELERY_BROKER_URL": os.environ.get("SOAK_BROKER_URL", BROKER_URL),
        "CX_THROTTLE_PUBLIC_RESPONSES": "100000000/min",  # the throttle runs, it just never says no
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",  # escalation and note emails go nowhere
    }
    env.pop("DEBUG", None)
    return env


def prepare(env) -> str:
    """Create, migrate and empty the database; flush the broker; return the survey's public key."""
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(["redis-cli", "-n", env["CELERY_BROKER_URL"].rsplit("/", 1)[1], "FLUSHDB"], check=True)
    code = (
        "from surveys.models import Survey, Touchpoint\n"
        "Touchpoint.objects.create(key='onboarding', name='Onboarding')\n"
        "s = Survey.objects.create(name='Soak NPS', kind='nps', question_en='Recommend us?')\n"
        "print(s.public_key)\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return out.stdout.split()[-1]


def start_worker(env, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "cxplatform", "worker", "--beat", "--concurrency", "2"]
    command += ["-Q", "default,analysis,email,webhooks", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    command += ["--schedule", str(log.with_suffix(".beat"))]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start; see {log}")
        time.sleep(0.2)
    return process


class Client(threading.Thread):
    """Posts answers over one keep-alive connection until told to stop; keeps every 201's id."""

    def __init__(self, key: str, seed: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.key, self.rng, self.stop = key, random.Random(seed), stop
        self.ids: list[int] = []
        self.statuses: Counter = Counter()
        self.errors = 0

    def body(self) -> bytes:
        score = self.rng.randrange(11)
        answer = {"survey": self.key, "score": score, "touchpoint": "onboarding", "comment": self.rng.choice(COMMENTS)}
        if self.rng.random() < 0.5:
            answer["customer"] = {"external_id": f"soak-{self.rng.randrange(1000):04d}"}
            answer["consent_to_contact"] = score >= 9 and self.rng.random() < 0.6
        return json.dumps(answer, ensure_ascii=False).encode()

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Content-Type": "application/json"}
        while not self.stop.is_set():
            try:
                connection.request("POST", "/api/v1/public/responses/", body=self.body(), headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                self.errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            self.statuses[response.status] += 1
            if response.status == 201:
                self.ids.append(json.loads(payload)["id"])
        connection.close()


RECONCILE = """
import json
from bench.reconcile import reconcile
print("RESULT " + json.dumps(reconcile(json.load(open({ids_file!r})))))
"""


def pending_items(env) -> int:
    code = "from feedback.models import FeedbackItem\nprint(FeedbackItem.objects.exclude(status='analysed').count())\n"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return int(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--drain-minutes", type=int, default=20)
    args = parser.parse_args()
    env = environment()
    key = prepare(env)
    log = Path(tempfile.gettempdir()) / "cxplatform-soak-worker.log"
    worker = start_worker(env, log)
    server = start_gunicorn(env, port=PORT, workers=2, threads=4)
    stop = threading.Event()
    clients = [Client(key, seed, stop) for seed in range(args.clients)]
    try:
        started = time.monotonic()
        for client in clients:
            client.start()
        time.sleep(args.seconds)
        stop.set()
        for client in clients:
            client.join(timeout=60)
        elapsed = time.monotonic() - started
        statuses = sum((client.statuses for client in clients), Counter())
        accepted = [i for client in clients for i in client.ids]
        errors = sum(client.errors for client in clients)
        print(f"{sum(statuses.values()):,} requests in {elapsed:.0f} s ({sum(statuses.values()) / elapsed:.0f}/s), "
              f"statuses {dict(sorted(statuses.items()))}, connection errors {errors}")  # fmt: skip
        drained = time.monotonic()
        while (left := pending_items(env)) and time.monotonic() - drained < args.drain_minutes * 60:
            time.sleep(5)
        print(f"analysis drained {time.monotonic() - drained:.0f} s after the load stopped; {left} left")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ids_file = Path(tempfile.gettempdir()) / "cxplatform-soak-ids.json"
    ids_file.write_text(json.dumps(accepted))
    try:
        time.sleep(5)  # the last cases and advocates, opened right after their analysis
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", RECONCILE.format(ids_file=str(ids_file))],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    result = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))[7:])
    for name, value in result.items():
        print(f"{name:34} {value:>9,}")
    bad = mismatches(result)
    client_side = {
        "5xx responses": sum(n for status, n in statuses.items() if status >= 500),
        "connection errors": errors,
        "duplicate 201 ids": len(accepted) - len(set(accepted)),
    }
    bad.update({name: n for name, n in client_side.items() if n})
    print("reconciled: nothing lost, nothing duplicated" if not bad else f"MISMATCH: {bad}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
