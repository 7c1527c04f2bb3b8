"""Benchmark background analysis: a real worker drains a backlog, beside a plain loop of analyze(), in one run.

    .venv/bin/python bench/analysis.py [--comments 20000] [--concurrency 2] [--rounds 2]

The backlog is 20,000 real comments, half Chinese and half English (plus mixed ones made by
joining a Chinese and an English comment), drawn with a fixed seed from the public review sets
in ../shared/data/sentiment, stored as pending feedback items in PostgreSQL
(cxplatform_bench_analysis, created and migrated when missing). One Celery worker (prefork,
concurrency 2, the machine's two cores) consumes its own queue on Redis; it has loaded the
analysers before the clock starts, as a deployed worker has. One message starts the drain (the
run a comment's hand-over sends, without the one-second window it waits for); each full batch
sends the next, so both processes work. The clock stops when no item is pending. The baseline, in the same run,
is this process calling analyze() on the same texts one by one, with nothing else: no database,
no broker. Rounds alternate between the two and the median of each is reported.
Targets: >= 1,000 comments/s end to end, and >= 0.6 of the plain loop.
"""

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

DATA = ROOT.parent / "shared" / "data" / "sentiment"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_analysis"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/5"
WORKER_LOG = Path(tempfile.gettempdir()) / "cxplatform-bench-analysis-worker.log"


def comments(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    by_language: dict[str, list[str]] = {"zh": [], "en": []}
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            by_language[path.name[:2]].extend(row["text"][:400] for row in csv.DictReader(f))
    texts = []
    for i in range(count):
        if i % 20 == 0:  # one in twenty mixes the two
            texts.append(f"{rng.choice(by_language['zh'])} {rng.choice(by_language['en'])}")
        else:
            texts.append(rng.choice(by_language["zh" if i % 2 else "en"]))
    return texts


def setup_django(database_url: str, broker_url: str, queue: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        CX_ANALYSIS_QUEUE=queue,
        DJANGO_SETTINGS_MODULE="cxplatform.settings",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("DEBUG", None)
    import django

    django.setup()


def prepare_database(name: str) -> None:
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True, env=os.environ)


def fill_backlog(texts: list[str]) -> None:
    from django.db import connection
    from django.utils import timezone

    from feedback.models import FeedbackItem

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE feedback_feedbackitem CASCADE")  # its corrections go with it
    now = timezone.now()
    FeedbackItem.objects.bulk_create(
        (FeedbackItem(source="response", source_id=i, text=text, given_at=now) for i, text in enumerate(texts)),
        batch_size=2000,
    )


def start_worker(queue: str, concurrency: int) -> subprocess.Popen:
    log = WORKER_LOG.open("w")
    command = [sys.executable, "-m", "celery", "-A", "cxplatform", "worker", "-Q", queue, "--pool=prefork"]
    command += ["--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "ready." not in WORKER_LOG.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start; see {WORKER_LOG}")
        time.sleep(0.2)
    return process


def drain() -> tuple[float, dict[str, int]]:
    from feedback import selectors, tasks

    start = time.perf_counter()
    tasks.feedback_analyse_pending.delay()  # what a comment's hand-over sends, without its one-second window
    while True:
        counts = selectors.feedback_status_counts()
        if counts["pending"] == 0:
            return time.perf_counter() - start, counts
        if time.perf_counter() - start > 600:
            raise SystemExit(f"not drained after 10 minutes: {counts}; see {WORKER_LOG}")
        time.sleep(0.05)


def plain_loop(texts: list[str]) -> float:
    from feedback import analysis

    start = time.perf_counter()
    for text in texts:
        analysis.analyze(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_ANALYSIS_DATABASE_URL", DEFAULT_DATABASE_URL)
    queue = f"bench-analysis-{uuid.uuid4().hex[:8]}"
    setup_django(database_url, os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL), queue)
    prepare_database(database_url.rsplit("/", 1)[1])
    texts = comments(args.comments, args.seed)

    from django.db.models import Count

    from feedback import analysis
    from feedback.models import FeedbackItem

    analysis.warm_up()
    worker = start_worker(queue, args.concurrency)
    drains, loops = [], []
    try:
        for _ in range(args.rounds):
            fill_backlog(texts)
            seconds, counts = drain()
            if counts["analysed"] != len(texts):
                raise SystemExit(f"not every comment was analysed: {counts}")
            drains.append(seconds)
            loops.append(plain_loop(texts))
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    attempts = dict(FeedbackItem.objects.values_list("attempts").annotate(n=Count("id")).order_by("attempts"))
    languages = dict(FeedbackItem.objects.values_list("language").annotate(n=Count("id")).order_by("language"))
    labels = dict(FeedbackItem.objects.values_list("label").annotate(n=Count("id")).order_by("label"))
    n = len(texts)
    drain_rate = n / statistics.median(drains)
    loop_rate = n / statistics.median(loops)
    ratios = [loop / drained for drained, loop in zip(drains, loops, strict=True)]
    print(
        f"{n} comments ({args.rounds} alternating rounds); worker prefork x{args.concurrency} on Redis, "
        f"PostgreSQL; batches of {os.environ.get('CX_ANALYSIS_BATCH', 200)}"
    )
    print(f"worker, end to end   {drain_rate:7.0f} comments/s (rounds: {', '.join(f'{n / s:.0f}' for s in drains)})")
    print(f"plain analyze() loop {loop_rate:7.0f} comments/s (rounds: {', '.join(f'{n / s:.0f}' for s in loops)})")
    print(
        f"ratio worker/loop {statistics.median(ratios):.2f} (per round: {', '.join(f'{r:.2f}' for r in ratios)}); "
        "targets: >= 1000 comments/s and >= 0.6"
    )
    print(f"last round: languages {languages}, labels {labels}, attempts per item {attempts}")
    analysed_once = attempts.get(1, 0) == n
    print("OK: every comment analysed, each in one attempt" if analysed_once else "NOTE: some items took retries")


if __name__ == "__main__":
    main()
