"""Benchmark the responses export: the CSV and XLSX with one column per additional question, against the same
export without them (what it cost before questions had answers), in the same run.

    .venv/bin/python bench/response_export.py [--responses 50000] [--rounds 5]

Loads one NPS survey with 50,000 responses (PostgreSQL database cxplatform_bench_response_export,
created and migrated when missing; loaded once and kept, reloaded only when the count differs) and
four additional questions: select one (main_reason, answered by 90 %), select many (features,
one to three options, 70 %), a 1-5 scale (effort, 80 %) and free text (why, 30 %, English and
Chinese with commas, quotes and newlines): about 3.4 answer rows a response.

Then times, in this process, rounds alternating between them (medians reported):
- the CSV export (`surveys.exports.csv_stream`) of every response of the survey, read to the end;
- the same with no question columns (`export_questions` answering {}): no answers query at all,
  the export as it was before answers existed: the baseline;
- the XLSX export, with and without the columns (two rounds each: it takes seconds).
Target: with the questions' columns, at most 1.5x the baseline, CSV and XLSX alike.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.export import setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_response_export"
SURVEY = "Bench: responses export"
TARGET_RATIO = 1.5
XLSX_ROUNDS = 2
OPTIONS = ("price", "support", "features", "reliability", "onboarding", "billing")
WHY = (
    "Too expensive, honestly",
    '客服回复太慢了，"三天"才回',
    "Works well.\nBut the export is slow",
    "物流很快 👍",
    "=1+1",
)


def _option(key: str) -> dict:
    return {"key": key, "en": key.title(), "zh-hans": key, "zh-hant": key}


def load(count: int):
    from django.utils import timezone

    from surveys import scoring
    from surveys.models import Answer, Question, Response, Survey

    survey = Survey.objects.filter(name=SURVEY).first()
    if survey is not None and Response.objects.filter(survey=survey).count() == count:
        return survey
    if survey is not None:
        Answer.objects.filter(question__survey=survey).delete()
        Response.objects.filter(survey=survey).delete()
        survey.delete()
    survey = Survey.objects.create(name=SURVEY, kind="nps", question_en="How likely are you to recommend us?")
    options = [_option(key) for key in OPTIONS]
    reason = Question.objects.create(survey=survey, key="main_reason", position=1, kind="single", options=options)
    features = Question.objects.create(survey=survey, key="features", position=2, kind="multiple", options=options)
    effort = Question.objects.create(survey=survey, key="effort", position=3, kind="scale_5")
    why = Question.objects.create(survey=survey, key="why", position=4, kind="text")
    rng = random.Random(7)
    now = timezone.now()
    for start in range(0, count, 5000):
        size = min(5000, count - start)
        made = Response.objects.bulk_create(
            Response(
                survey=survey,
                score=(score := rng.randint(0, 10)),
                classification=scoring.classify("nps", score),
                comment=rng.choice(WHY) if rng.random() < 0.5 else "",
                locale=rng.choice(("en", "zh-hans", "zh-hant")),
                submitted_at=now - timedelta(minutes=start + i),
            )
            for i in range(size)
        )
        answers = []
        for response in made:
            if rng.random() < 0.9:
                answers.append(Answer(response=response, question=reason, choice=rng.choice(OPTIONS)))
            if rng.random() < 0.7:
                answers += [
                    Answer(response=response, question=features, choice=c)
                    for c in rng.sample(OPTIONS, 3)[: rng.randint(1, 3)]
                ]
            if rng.random() < 0.8:
                answers.append(Answer(response=response, question=effort, number=rng.randint(1, 5)))
            if rng.random() < 0.3:
                answers.append(Answer(response=response, question=why, text=rng.choice(WHY)))
        Answer.objects.bulk_create(answers, batch_size=5000)
    return survey


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    args = parser.parse_args()
    setup_django(args.database_url, migrate=True)

    from surveys import exports
    from surveys.models import Answer, Response

    survey = load(args.responses)
    rows = Response.objects.filter(survey=survey).order_by("-submitted_at", "-id")
    answers = Answer.objects.filter(question__survey=survey).count()
    print(f"{rows.count():,} responses, {answers:,} answer rows, {len(exports.export_questions(rows))} questions")
    with_questions = exports.export_questions

    def csv_bytes(columns: bool) -> int:
        exports.export_questions = with_questions if columns else (lambda responses: {})
        try:
            return sum(len(block) for block in exports.csv_stream(rows))
        finally:
            exports.export_questions = with_questions

    def xlsx_bytes(columns: bool) -> int:
        exports.export_questions = with_questions if columns else (lambda responses: {})
        try:
            with exports.xlsx_file(rows) as target:
                return len(target.read())
        finally:
            exports.export_questions = with_questions

    print(f"CSV {csv_bytes(True):,} bytes with the questions' columns, {csv_bytes(False):,} without")
    times: dict[str, list[float]] = {"csv": [], "csv_baseline": [], "xlsx": [], "xlsx_baseline": []}
    for n in range(args.rounds):
        times["csv_baseline"].append(_timed(lambda: csv_bytes(False)))
        times["csv"].append(_timed(lambda: csv_bytes(True)))
        if n < XLSX_ROUNDS:
            times["xlsx_baseline"].append(_timed(lambda: xlsx_bytes(False)))
            times["xlsx"].append(_timed(lambda: xlsx_bytes(True)))
    median = {name: statistics.median(values) for name, values in times.items()}
    for kind in ("csv", "xlsx"):
        ratio = median[kind] / median[f"{kind}_baseline"]
        verdict = "ok" if ratio <= TARGET_RATIO else "over target"
        print(
            f"{kind.upper()}: {median[kind]:.2f} s with the questions' columns, {median[f'{kind}_baseline']:.2f} s "
            f"without: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})"
        )


if __name__ == "__main__":
    main()
