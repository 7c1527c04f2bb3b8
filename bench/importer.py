"""Benchmark the history importer against a plain COPY of the same rows into the responses table.

    .venv/bin/python bench/importer.py [--rows 100000] [--rounds 3]

Writes a Delighted-shaped CSV of `--rows` answers (var/bench_importer_<rows>.csv: response id,
person, email, name, score, comment in English, Chinese or both with commas, quotes and newlines,
created_at in Unix seconds over the past year; a third as many people as answers) into the
PostgreSQL database cxplatform_bench_importer (created and migrated when missing), then times,
in this process, rounds alternating between them (medians reported), each on emptied tables:

- COPY: the CSV read with the csv module and each row written by psycopg's COPY into the
  responses table (survey, score, classification, comment, time, key): no customers, no score
  changes, no feedback items, no checks;
- the importer: importers.services.import_run with the ready `delighted` mapping, batches of
  2,000 (each its own transaction): customers upserted, answers, score changes and feedback items
  stored, every row checked. Analysis is queued to the workers, not run here (its kick is off).

The ratio is COPY's time over the importer's (target >= 0.1). Peak memory: the importer runs once
more in a fresh process (this script with --child) on 10,000 and on `--rows` rows, and reports
the growth of its peak RSS (ru_maxrss) over the import; flat memory means the two are close.
The child is started through a shell so that its ru_maxrss does not start at this process's size.
"""

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.analysis import prepare_database  # noqa: E402

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_importer"
SURVEY = "Bench import"
TARGET_RATIO = 0.1
COMMENTS = (
    "Great product, support answered within an hour",
    'Setup was easy, and the "reports" tab is brilliant',
    "退款太慢了，客服也不回复",
    "介面好用，報表一鍵匯出，非常滿意",
    "客服 super helpful, 推荐 👍",
    "Solid, fast, no complaints.\nWould recommend.",
    "",
)


def setup_django(*, migrate: bool) -> None:
    os.environ.update(DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="cxplatform.settings", LOG_LEVEL="WARNING")
    os.environ.pop("DEBUG", None)
    if migrate:
        prepare_database(DATABASE_URL.rsplit("/", 1)[1])
    import django

    django.setup()
    from feedback import services as feedback_services

    feedback_services.feedback_analysis_kick = lambda: None  # the analysis is the workers' job, timed elsewhere


def write_csv(rows: int) -> Path:
    path = ROOT / "var" / f"bench_importer_{rows}.csv"
    if path.exists():
        return path
    path.parent.mkdir(exist_ok=True)
    rng = random.Random(7)
    now = int(time.time())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "person", "email", "name", "score", "comment", "created_at"])
        for i in range(rows):
            person = rng.randrange(max(1, rows // 3))
            writer.writerow(
                [
                    f"r{i}",
                    f"p{person}",
                    f"p{person}@example.com",
                    f"Person {person}",
                    rng.choice((0, 3, 6, 7, 8, 9, 9, 10, 10)),
                    rng.choice(COMMENTS),
                    now - 86_400 * 2 - rng.randrange(365 * 86_400),
                ]
            )
    return path


def survey_id() -> int:
    from surveys.models import Survey

    survey, _ = Survey.objects.get_or_create(name=SURVEY, defaults={"kind": "nps", "question_en": "Recommend us?"})
    return survey.pk


def empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE surveys_response, surveys_scorechange, surveys_scorerollup, feedback_feedbackitem,"
            " surveys_customer CASCADE"
        )


def copy_rows(path: Path, survey: int) -> float:
    from django.db import connection

    from surveys import scoring

    started = time.perf_counter()
    columns = "survey_id, score, classification, comment, locale, channel, consent_to_contact, submitted_at,"
    columns += " client_metadata, plan, account, idempotency_key"
    with connection.cursor() as cursor, path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        with cursor.connection.cursor().copy(f"COPY surveys_response ({columns}) FROM STDIN") as copy:
            for key, _person, _email, _name, score, comment, at in reader:
                classification = scoring.classify("nps", int(score))
                copy.write_row(
                    (survey, score, classification, comment, "en", "api", False, _utc(at), "{}", "", "", key)
                )
    return time.perf_counter() - started


def _utc(seconds: str) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(int(seconds)))


def run_importer(path: Path) -> tuple[float, int]:
    from importers.mappings import READY
    from importers.services import import_run
    from surveys.import_selectors import import_target_get

    started = time.perf_counter()
    report = import_run(source=path, kind="csv", target=import_target_get(survey=SURVEY), column_map=READY["delighted"])
    return time.perf_counter() - started, report.created


def child(rows: int) -> None:
    setup_django(migrate=False)
    path = write_csv(rows)
    survey_id()
    empty()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run_importer(path)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{(after - before) / 1024:.1f} {after / 1024:.1f}")


def peak_growth(rows: int) -> tuple[float, float]:
    command = ["sh", "-c", '"$@"; exit $?', "sh", sys.executable, __file__, "--child", str(rows)]
    done = subprocess.run(command, cwd=ROOT, env=os.environ, capture_output=True, text=True, check=True)
    growth, peak = done.stdout.split()[-2:]
    return float(growth), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    setup_django(migrate=True)
    path = write_csv(args.rows)
    survey = survey_id()
    copies, imports = [], []
    for _ in range(args.rounds):
        empty()
        copies.append(copy_rows(path, survey))
        empty()
        seconds, created = run_importer(path)
        imports.append(seconds)
        assert created == args.rows, (created, args.rows)
    copy_s, import_s = statistics.median(copies), statistics.median(imports)
    print(f"rows: {args.rows:,}  rounds: {args.rounds}")
    print(f"COPY into the responses table: {copy_s:.2f} s  ({args.rows / copy_s:,.0f} rows/s)")
    print(f"importer (delighted mapping): {import_s:.2f} s  ({args.rows / import_s:,.0f} rows/s)")
    ratio = copy_s / import_s
    verdict = "ok" if ratio >= TARGET_RATIO else "MISSED"
    print(f"ratio COPY / importer: {ratio:.3f}  (target >= {TARGET_RATIO})  {verdict}")
    for rows in sorted({10_000, args.rows}):
        write_csv(rows)
        growth, peak = peak_growth(rows)
        print(f"peak RSS growth importing {rows:,} rows: {growth:.1f} MB (peak {peak:.1f} MB)")


if __name__ == "__main__":
    main()
