"""Benchmark the public response API against a bare Django ORM insert, in one run.

    .venv/bin/python bench/ingest.py [--seconds 15] [--rounds 3] [--connections 32] [--customer] [--keyed] [--webhooks]

Both endpoints run under the same gunicorn (gthread, 2 workers x 4 threads by default) on
PostgreSQL; wrk (Debian package `wrk`) drives them from a separate process on 127.0.0.1.
Rounds alternate between the two so that noise on this shared machine hits both alike;
the median round of each is reported, with the ratio of the API to the baseline.
Every API answer carries a comment: its feedback item is written in the same transaction and its
analysis is queued on Redis (BENCH_BROKER_URL, default redis://127.0.0.1:6379/6), as in production.
`--keyed` adds the API with a new Idempotency-Key on every answer (the unique index it checks).
`--answers` adds the API with answers to the survey's two additional questions (a select one and a
1–5 scale): checked against the survey's questions and stored by one more step of the statement.
Every stored answer writes its response.created event in its own statement, subscribed or not;
`--webhooks` also subscribes an endpoint to it (a local receiver on port + 2 that answers 204), as
a customer's engineers would. No webhooks worker runs during the rounds: the answer path is measured,
and the events written are counted against the answers at the end.
`--against DIR` also serves the API from a second checkout (another commit, `git worktree add DIR
COMMIT`) on a second gunicorn (port + 1), on the same database, in the same alternating rounds:
before and after a change, measured side by side ("@base" targets).
Targets: ratio >= 0.7 at 32 connections, API p99 <= 100 ms.
"""

import argparse
import http.server
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.server import server_cpu_seconds, start_gunicorn  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench"

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local body = os.getenv("BENCH_BODY")
local keyed = os.getenv("BENCH_KEYED") == "1"
local sent = 0
-- "CUSTOMER" in a body stands for one of 100,000 customer ids, drawn per request.
if keyed then
  -- a new Idempotency-Key for every answer, as a careful client sends
  local prefix = os.time() .. "-" .. math.random(1, 1000000000) .. "-"
  request = function()
    sent = sent + 1
    return wrk.format(nil, nil, {["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. sent}, body)
  end
elseif string.find(body, "CUSTOMER", 1, true) then
  request = function()
    return wrk.format(nil, nil, nil, (string.gsub(body, "CUSTOMER", "c" .. math.random(1, 100000))))
  end
else
  wrk.body = body
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d, "
    .. "\\"non_2xx\\": %d, \\"socket_errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def run(command, **kwargs):
    return subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def prepare_database(env, *, hook_url: str = "") -> tuple[str, int]:
    """Create and migrate the bench database, empty the responses; return a survey's public key and id.

    With `hook_url`, one endpoint subscribed to response.created points there; without, none.
    """
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name])
    run([sys.executable, "manage.py", "migrate", "-v", "0"], env=env)
    code = (
        "from surveys.models import Survey, Touchpoint\n"
        "Touchpoint.objects.get_or_create(key='onboarding', defaults={'name': 'Onboarding'})\n"
        "s, _ = Survey.objects.get_or_create(name='Bench NPS', "
        "defaults={'kind': 'nps', 'question_en': 'Recommend us?'})\n"
        "from surveys.models import Question\n"
        "Question.objects.get_or_create(survey=s, key='reason', defaults={'kind': 'single', 'text_en': 'Why?', "
        "'options': [{'key': 'price', 'en': 'Price'}, {'key': 'support', 'en': 'Support'}]})\n"
        "Question.objects.get_or_create(survey=s, key='effort', defaults={'kind': 'scale_5', 'text_en': 'Effort?'})\n"
        "from django.db import connection\n"
        "connection.cursor().execute("
        "'TRUNCATE surveys_answer, surveys_response, surveys_customer, feedback_feedbackitem, webhooks_event "
        "CASCADE')\n"
        "from webhooks.models import Endpoint\n"
        "from webhooks.services.endpoints import endpoint_create\n"
        "Endpoint.objects.all().delete()\n"
        f"if {hook_url!r}: endpoint_create(url={hook_url!r}, events=['response.created'], description='bench')\n"
        "print(s.public_key, s.id)\n"
    )
    out = run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True, text=True).stdout
    key, survey_id = out.split()[-2:]
    return key, int(survey_id)


def events_written(env) -> tuple[int, int]:
    """The API's answers stored (the bare insert's rows have no comment), and the response.created events written."""
    code = (
        "from surveys.models import Response\n"
        "from webhooks.models import Event\n"
        "answers = Response.objects.exclude(comment='').count()\n"
        "print(answers, Event.objects.filter(type='response.created').count())\n"
    )
    out = run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True, text=True).stdout
    answers, events = out.split()[-2:]
    return int(answers), int(events)


class _Receiver(http.server.BaseHTTPRequestHandler):
    """A local webhook receiver: 204 to every POST (the endpoint's URL; no pump runs in the rounds)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format, *args) -> None:
        pass


def wrk(url: str, body: str, *, seconds: int, connections: int, script: Path, keyed: bool = False) -> dict:
    env = {**os.environ, "BENCH_BODY": body, "BENCH_KEYED": "1" if keyed else ""}
    out = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    result = json.loads(line[len("BENCH ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--customer", action="store_true", help="also answer as identified customers (upsert)")
    parser.add_argument("--keyed", action="store_true", help="also answer with an Idempotency-Key per request")
    parser.add_argument("--webhooks", action="store_true", help="subscribe an endpoint to response.created")
    parser.add_argument(
        "--answers", action="store_true", help="also answer the survey's two additional questions (select one, scale)"
    )
    parser.add_argument("--against", type=Path, help="also serve the API from this other checkout (port + 1)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install wrk")

    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        "CX_THROTTLE_PUBLIC_RESPONSES": "100000000/min",  # the throttle still runs, it just never says no
        # every answer carries a comment, so its feedback item is written and its analysis queued on a real
        # broker, as in production; no worker drains the queue during the run
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/6"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    env.pop("DEBUG", None)
    env["CX_WEBHOOKS_ALLOW_PRIVATE"] = "1"  # the endpoint's receiver is on 127.0.0.1
    receiver = None
    if args.webhooks:
        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", args.port + 2), _Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{args.port + 2}/hook" if args.webhooks else ""
    key, survey_id = prepare_database(env, hook_url=hook_url)
    env["BENCH_SURVEY_ID"] = str(survey_id)
    api_body = json.dumps(
        {
            "survey": key,
            "score": 9,
            "comment": "客服回复很快，问题当天就解决了 👍 great support",
            "touchpoint": "onboarding",
            "locale": "zh-CN",
        },
        ensure_ascii=False,
    )
    customer_body = json.dumps(
        {**json.loads(api_body), "customer": {"external_id": "CUSTOMER", "email": "CUSTOMER@example.com"}},
        ensure_ascii=False,
    )
    bare_body = json.dumps({"score": 9})
    base = f"http://127.0.0.1:{args.port}"
    api_url = f"{base}/api/v1/public/responses/"
    targets = {"api": (api_url, api_body), "bare": (f"{base}/bench/bare-insert/", bare_body)}
    if args.customer:
        targets["api+customer"] = (api_url, customer_body)
    if args.keyed:
        targets["api+key"] = (api_url, api_body)
    if args.answers:
        answers = {"answers": {"reason": "support", "effort": 4}}
        targets["api+answers"] = (api_url, json.dumps({**json.loads(api_body), **answers}, ensure_ascii=False))
    if args.against:
        other_url = f"http://127.0.0.1:{args.port + 1}/api/v1/public/responses/"
        for name in [name for name in targets if name != "bare"]:
            targets[f"{name}@base"] = (other_url, targets[name][1])

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(WRK_SCRIPT)
        server = start_gunicorn(env, port=args.port, workers=args.workers, threads=args.threads)
        servers = dict.fromkeys(targets, server)
        if args.against:
            other = start_gunicorn(
                env, port=args.port + 1, workers=args.workers, threads=args.threads, root=args.against.resolve()
            )
            servers.update({name: other for name in targets if name.endswith("@base")})
        try:
            for name, (url, body) in targets.items():  # warm up connections, caches and the interpreter alike
                wrk(url, body, seconds=3, connections=args.connections, script=script, keyed="api+key" in name)
            results: dict[str, list[dict]] = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, (url, body) in targets.items():
                    cpu_before = server_cpu_seconds(servers[name])
                    options = {"connections": args.connections, "script": script, "keyed": "api+key" in name}
                    result = wrk(url, body, seconds=args.seconds, **options)
                    cpu = server_cpu_seconds(servers[name]) - cpu_before
                    result["cpu_ms_per_request"] = 1000 * cpu / result["requests"]
                    results[name].append(result)
        finally:
            for running in set(servers.values()):
                running.send_signal(signal.SIGTERM)
                running.wait(timeout=30)

    print(
        f"gunicorn gthread {args.workers}x{args.threads}, {args.connections} connections, "
        f"{args.rounds} alternating rounds of {args.seconds}s, PostgreSQL"
    )
    for name, rounds in results.items():
        median = sorted(rounds, key=lambda r: r["rps"])[len(rounds) // 2]
        errors = sum(r["non_2xx"] + r["socket_errors"] for r in rounds)
        cpu = statistics.median(r["cpu_ms_per_request"] for r in rounds)
        per_round = ", ".join(f"{r['rps']:.0f}/{r['p99_us'] / 1000:.0f}ms" for r in rounds)
        print(
            f"{name:12s} req/s {median['rps']:8.0f}  p50 {median['p50_us'] / 1000:6.1f} ms  "
            f"p99 {median['p99_us'] / 1000:6.1f} ms  web CPU {cpu:.2f} ms/req  errors {errors}  "
            f"(rounds, req/s and p99: {per_round})"
        )
    for name in (name for name in results if name != "bare"):
        ratios = [a["rps"] / b["rps"] for a, b in zip(results[name], results["bare"], strict=True)]
        cpu_ratio = statistics.median(r["cpu_ms_per_request"] for r in results["bare"]) / statistics.median(
            r["cpu_ms_per_request"] for r in results[name]
        )
        print(
            f"ratio {name}/bare: throughput {statistics.median(ratios):.2f} (median of the per-round ratios: "
            f"{', '.join(f'{r:.2f}' for r in ratios)}); bare/{name} web CPU per request {cpu_ratio:.2f}"
        )
    for name in (name for name in results if name.endswith("@base")):
        mine = name.removesuffix("@base")
        extra = [
            a["cpu_ms_per_request"] - b["cpu_ms_per_request"] for a, b in zip(results[mine], results[name], strict=True)
        ]
        ratios = [a["rps"] / b["rps"] for a, b in zip(results[mine], results[name], strict=True)]
        print(
            f"{mine} against {name}: throughput {statistics.median(ratios):.2f} (per round "
            f"{', '.join(f'{r:.2f}' for r in ratios)}); web CPU per request {statistics.median(extra):+.2f} ms "
            f"(per round {', '.join(f'{d:+.2f}' for d in extra)})"
        )
    answers, events = events_written(env)
    subscribed = "an endpoint subscribed to response.created" if args.webhooks else "no endpoint subscribed"
    if args.against:
        subscribed += "; the other checkout's answers are counted too, and may predate the events"
    print(f"webhooks: {events} response.created events for {answers} API answers stored ({subscribed})")
    if receiver is not None:
        receiver.shutdown()
    print("targets: ratio >= 0.70 at 32 connections, api p99 <= 100 ms")


if __name__ == "__main__":
    main()
