"""Benchmark insights at scale: the monthly NPS-by-touchpoint series through the API beside the raw SQL aggregate.

    .venv/bin/python bench/metrics.py [--responses 1000000] [--rounds 7]

Loads (once, kept) into PostgreSQL database cxplatform_bench_metrics, with COPY:
1,000,000 NPS responses over 20 surveys, 10 touchpoints and the last 12 whole months, in three
languages and four plans, a fifth of them with an analysed comment (feedback items with keywords,
for the drivers), then rebuilds the score rollups (timed).

Then, in this process, times (median of the rounds, alternating):
- the plain SQL aggregate over the raw table: promoters, detractors and answers per month and touchpoint;
- `GET /api/v1/metrics/scores/?interval=month&group_by=touchpoint` over the same 12 months, through
  Django's test client (routing, middleware, auth, serializing): the rollups plus pending answers;
- the same after 5,000 answers arrive unfolded (a minute's worth at a busy hour);
- the insights dashboard page `/admin/insights/` for the same period (everything it shows).
Each API answer is checked cell by cell against the raw aggregate: identical, or the run fails.
Targets: the API <= 0.1x the raw aggregate, with identical numbers; the dashboard <= 1 s.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from bench.analysis import prepare_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cxplatform_bench_metrics"
SURVEYS, TOUCHPOINTS = 20, 10
LOCALES = ("en", "zh-hans", "zh-hant")
PLANS = ("starter", "growth", "pro", "enterprise")
PENDING_MARK = {"bench": "pending"}
KEYWORDS = (
    ["退款", "客服"],
    ["refund", "support"],
    ["同步", "订单"],
    ["checkout", "crash"],
    ["帳單", "客服"],
    ["onboarding"],
)


def setup_django(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cxplatform.settings", LOG_LEVEL="WARNING")
    os.environ.pop("DEBUG", None)
    prepare_database(database_url.rsplit("/", 1)[1])
    import django

    django.setup()


def months_window(today: date) -> tuple[date, date]:
    """The last 12 whole months before this one: (first day, last day)."""
    first_of_this = today.replace(day=1)
    since = (first_of_this - timedelta(days=365)).replace(day=1)
    return since, first_of_this - timedelta(days=1)


def load(count: int, since: date, until: date) -> None:
    from django.db import connection

    from surveys.models import Response, Survey, Touchpoint
    from surveys.services.rollups import score_rollups_rebuild

    if Response.objects.count() == count:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE surveys_response, surveys_scorechange, surveys_scorerollup, feedback_feedbackitem CASCADE"
        )
    surveys = [
        Survey.objects.get_or_create(name=f"Bench NPS {n}", defaults={"kind": "nps", "question_en": "Recommend us?"})[0]
        for n in range(SURVEYS)
    ]
    touchpoints = [
        Touchpoint.objects.get_or_create(key=f"bench-tp-{n}", defaults={"name": f"Touchpoint {n}"})[0]
        for n in range(TOUCHPOINTS)
    ]
    rng = random.Random(7)
    start = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    seconds = int(
        (datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=UTC) - start).total_seconds()
    )
    started = time.perf_counter()
    columns = "survey_id, touchpoint_id, score, classification, comment, locale, channel, consent_to_contact,"
    columns += " submitted_at, client_metadata, plan, account"
    items = []
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY surveys_response ({columns}) FROM STDIN") as copy:
            for i in range(count):
                # every dimension drawn on its own, so that the rollups get every combination
                survey, tp = rng.randrange(SURVEYS), rng.randrange(TOUCHPOINTS)
                locale, plan, account = rng.choice(LOCALES), rng.choice(PLANS), f"account-{rng.randrange(200)}"
                at = start + timedelta(seconds=rng.randrange(seconds))
                # touchpoint 3 dips: more detractors in its last three months
                dip = tp == 3 and at.date() >= until - timedelta(days=90)
                score = rng.choice((0, 1, 2, 3, 4, 5, 6, 6, 7)) if dip and rng.random() < 0.5 else rng.randrange(11)
                label = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                comment = "客服回复太慢了" if i % 5 == 0 else ""
                copy.write_row(
                    (surveys[survey].id, touchpoints[tp].id, score, label, comment, locale, "api", False, at, "{}",
                     plan, account)
                )  # fmt: skip
                if comment:
                    items.append((surveys[survey].id, score, label, at, touchpoints[tp].key, locale, plan, account, i))
        cursor.execute("SELECT id FROM surveys_response ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        item_columns = "source, source_id, text, given_at, survey_id, survey_kind, score, classification,"
        item_columns += " touchpoint_key, locale, status, pending_since, attempts, language, polarity, label,"
        item_columns += " keywords, analyzer, created_at, updated_at, customer_external_id, customer_name,"
        item_columns += " customer_email, customer_plan, customer_account, consent_to_contact, claimed_by, last_error"
        with cursor.cursor.copy(f"COPY feedback_feedbackitem ({item_columns}) FROM STDIN") as copy:
            for survey_id, score, label, at, tp_key, locale, plan, account, i in items:
                copy.write_row(
                    ("response", ids[i], "客服回复太慢了", at, survey_id, "nps", score, label, tp_key, locale,
                     "analysed", at, 1, "zh", -0.5, "neg", json.dumps(KEYWORDS[i % len(KEYWORDS)]), "bench", at, at,
                     "", "", "", plan, account, False, "", "")
                )  # fmt: skip
        cursor.execute("ANALYZE surveys_response")
        cursor.execute("ANALYZE feedback_feedbackitem")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    rows = score_rollups_rebuild()
    print(f"loaded {count:,} responses and {len(items):,} analysed comments in {loaded:.1f} s;", end=" ")
    print(f"rollups rebuilt in {time.perf_counter() - started:.1f} s ({rows:,} rows)")


RAW_SQL = """
SELECT date_trunc('month', submitted_at AT TIME ZONE %s)::date AS month, touchpoint_id,
       count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6), count(*)
FROM surveys_response
WHERE survey_id = ANY(%s) AND submitted_at >= %s AND submitted_at < %s
GROUP BY 1, 2
"""


def raw_aggregate(since: date, until: date) -> dict:
    from django.conf import settings
    from django.db import connection

    from insights.filters import survey_ids_of_kind

    ids = survey_ids_of_kind("nps")
    zone = ZoneInfo(settings.TIME_ZONE)  # days begin at midnight where the buckets are counted
    start = datetime.combine(since, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [settings.TIME_ZONE, ids, start, end])
        return {(str(m), str(tp)): (p, d, n) for m, tp, p, d, n in cursor.fetchall()}


def api_cells(body: dict) -> dict:
    cells = {}
    for line in body["series"]:
        for bucket in line["buckets"]:
            figure = bucket["figure"]
            if figure["n"]:
                classes = figure["classes"]
                cells[(bucket["start"], line["key"])] = (classes["promoter"], classes["detractor"], figure["n"])
    return cells


def add_pending(count: int, since: date) -> None:
    """Answers that arrived since the last fold: stored through the answer path's own statement."""
    from surveys.models import Survey
    from surveys.services import response_submit

    keys = list(Survey.objects.filter(kind="nps").values_list("public_key", flat=True))
    at = datetime.combine(since + timedelta(days=40), datetime.min.time(), tzinfo=UTC)
    for i in range(count):
        response_submit(
            survey_key=keys[i % len(keys)],
            score=i % 11,
            touchpoint_key=f"bench-tp-{i % TOUCHPOINTS}",
            submitted_at=at,
            client_metadata=PENDING_MARK,
        )


def remove_pending() -> None:
    """Take the pending run's answers out again (and recount), so that the next run starts from the same data."""
    from feedback.models import FeedbackItem
    from surveys.models import Response
    from surveys.services.rollups import score_rollups_rebuild

    added = Response.objects.filter(client_metadata=PENDING_MARK)
    FeedbackItem.objects.filter(source="response", source_id__in=added.values("id")).delete()
    added.delete()
    score_rollups_rebuild()


def measure(rounds: int, since: date, until: date) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from surveys.models import ScoreChange
    from surveys.services.rollups import score_rollups_fold

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    period = {"since": since.isoformat(), "until": until.isoformat()}
    api_url = "/api/v1/metrics/scores/"
    api_params = {"interval": "month", "group_by": "touchpoint", **period}

    def api():
        response = client.get(api_url, api_params)
        assert response.status_code == 200, response.content[:300]
        return response.json()

    def dashboard():
        response = client.get("/admin/insights/", {"interval": "month", **period})
        assert response.status_code == 200, response.status_code
        return response

    def check(label: str) -> None:
        expected, got = raw_aggregate(since, until), api_cells(api())
        if expected != got:
            differ = sorted(set(expected.items()) ^ set(got.items()))[:5]
            raise SystemExit(f"{label}: the API differs from the raw aggregate, e.g. {differ}")
        print(f"{label}: {len(got)} month × touchpoint cells, identical to the raw aggregate")

    score_rollups_fold()
    runs = {
        "raw SQL aggregate": lambda: raw_aggregate(since, until),
        "API series (folded)": api,
        "dashboard page": dashboard,
    }
    for name, run in runs.items():  # warm up and count queries, untimed
        run()
        with CaptureQueriesContext(connection) as captured:
            run()
        print(f"{name}: {len(captured)} queries")
    check("folded")
    times: dict[str, list[float]] = {name: [] for name in [*runs, "API series (5,000 pending)"]}

    def timed(name, run):
        started = time.perf_counter()
        run()
        times[name].append(time.perf_counter() - started)

    for _ in range(rounds):
        for name, run in runs.items():
            timed(name, run)
    add_pending(5000, since)
    print(f"pending answers: {ScoreChange.objects.count():,}")
    check("5,000 pending")
    for _ in range(rounds):
        timed("raw SQL aggregate", lambda: raw_aggregate(since, until))
        timed("API series (5,000 pending)", api)
    started = time.perf_counter()
    folded = score_rollups_fold()
    print(f"fold of {folded:,} pending answers: {(time.perf_counter() - started) * 1000:.0f} ms")
    check("after the fold")
    remove_pending()
    raw = statistics.median(times["raw SQL aggregate"])
    print(f"median of {rounds} rounds (raw: {len(times['raw SQL aggregate'])} runs), in-process, PostgreSQL")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = f"{median / raw:6.3f}x raw" if name.startswith("API") else ""
        print(f"{name:30} {median * 1000:8.1f} ms  {ratio}")
    print("targets: API <= 0.1x the raw aggregate with identical numbers; dashboard <= 1000 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.utils import timezone

    since, until = months_window(timezone.localdate())
    load(args.responses, since, until)
    measure(args.rounds, since, until)


if __name__ == "__main__":
    main()
