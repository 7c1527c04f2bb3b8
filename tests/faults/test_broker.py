"""The broker stops under load and a worker is killed mid-batch: nothing accepted is lost or done twice.

Each test reconciles what the API accepted against the database (bench/reconcile.py, as the soak does).
"""

import contextlib
import math
import signal
import time

import pytest
from django.db.models import Max

from bench.reconcile import mismatches, reconcile
from feedback import services as feedback_services
from feedback import tasks
from feedback.models import FeedbackItem
from surveys.services.responses import CustomerIdentity, response_submit
from tests.faults.tools import answer_payloads
from tests.surveys.factories import SurveyFactory
from tests.workers import (
    WORKER_TIMEOUT_SECONDS,
    SupervisedWorker,
    celery_worker,
    use_broker,
    wait_until_analysed,
)

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]
URL = "/api/v1/public/responses/"


def post_all(api_client, payloads) -> list[int]:
    accepted = []
    for payload in payloads:
        res = api_client.post(URL, payload, format="json")
        assert res.status_code == 201, res.content
        accepted.append(res.json()["id"])
    return accepted


def assert_reconciled(accepted: list[int]) -> dict[str, int]:
    assert len(set(accepted)) == len(accepted)
    counts = reconcile(accepted)
    assert mismatches(counts) == {}, counts
    return counts


@pytest.fixture
def on_private_broker(private_broker, settings):
    """This process sends through a broker of the test's own."""
    use_broker(private_broker.url)
    yield private_broker
    use_broker(settings.CELERY_BROKER_URL)


def test_the_broker_stopped_under_load_loses_nothing_and_analysis_catches_up(
    api_client, analysis_queue, on_private_broker, tmp_path, settings
):
    broker = on_private_broker
    survey = SurveyFactory(kind="nps")
    env = {"CX_ANALYSIS_QUEUE": analysis_queue, "CELERY_BROKER_URL": broker.url}
    with contextlib.ExitStack() as stack:
        # the worker may exit on the lost connection (kombu's Redis transport does, at some
        # timings): its supervisor starts it again
        worker = SupervisedWorker(stack, tmp_path, queue=analysis_queue, env=env)
        # answers arrive and are analysed as they come
        accepted = post_all(api_client, answer_payloads(survey.public_key, 30))
        wait_until_analysed(30, worker)

        # the broker stops: answers are still taken, each at once
        broker.stop()
        started = time.monotonic()
        accepted += post_all(api_client, answer_payloads(survey.public_key, 30, start=30))
        assert time.monotonic() - started < 20  # a dead broker costs the first answer a short retry, no more
        assert FeedbackItem.objects.filter(status="pending").count() == 30

        # it comes back (empty: whatever it held is gone); beat's sweep sends a run and the worker catches up
        broker.start()
        settings.CX_ANALYSIS_STALE_SECONDS = 0
        deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
        while FeedbackItem.objects.exclude(status="analysed").exists():
            assert time.monotonic() < deadline, "not analysed in time"
            worker.keep_alive()
            tasks.feedback_requeue_pending.apply()  # what beat runs every CX_ANALYSIS_SWEEP_SECONDS, sooner
            time.sleep(2)

    counts = assert_reconciled(accepted)
    assert (counts["accepted"], counts["cases"] > 0, counts["advocates"] > 0) == (60, True, True)
    # each analysed once; claimed again only after a worker died holding its claim
    assert FeedbackItem.objects.aggregate(most=Max("attempts"))["most"] <= 1 + worker.restarts


def test_a_worker_killed_mid_batch_leaves_every_answer_analysed_and_cased_once(analysis_queue, tmp_path, monkeypatch):
    # answers with enough text that analysing them in one batch takes the worker a few seconds;
    # answering sends no run (its window is held open): the test sends the one run itself
    monkeypatch.setattr(feedback_services._kick_window, "closes_at", math.inf)
    survey = SurveyFactory(kind="nps")
    payloads = answer_payloads(survey.public_key, 400)
    accepted = []
    for i, payload in enumerate(payloads):
        long_comment = f"{' '.join([payload['comment'] or '还行吧'] * 60)} #{i}"[:5000]
        customer = payload.get("customer")
        submitted = response_submit(
            survey_key=survey.public_key,
            score=payload["score"],
            comment=long_comment,
            customer=CustomerIdentity(**customer) if customer else None,
            consent_to_contact=payload.get("consent_to_contact", False),
        )
        accepted.append(submitted.id)
    env = {
        "CX_ANALYSIS_QUEUE": analysis_queue,
        "CX_ANALYSIS_BATCH": str(len(payloads)),  # one run claims them all
        "CELERY_VISIBILITY_TIMEOUT": "2",  # Redis hands an unacknowledged message out again after this
    }

    # the first worker claims every item, then is killed before it stores any
    with celery_worker(tmp_path / "first.log", queue=analysis_queue, env=env) as first:
        tasks.feedback_analyse_pending.delay()
        deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
        while not FeedbackItem.objects.exclude(claimed_by="").exists():
            assert time.monotonic() < deadline, "the first worker never claimed the items"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert FeedbackItem.objects.filter(status="analysed").count() < len(payloads)

    # a second worker gets the message again, takes back the same claim and finishes
    with celery_worker(tmp_path / "second.log", queue=analysis_queue, env=env) as second:
        wait_until_analysed(len(payloads), second)
    counts = assert_reconciled(accepted)
    assert (counts["cases"] > 0, counts["advocates"] > 0) == (True, True)
    assert FeedbackItem.objects.aggregate(most=Max("attempts"))["most"] == 2  # claimed twice, stored once


def test_a_killed_workers_claim_is_taken_again_within_a_minute(analysis_queue, tmp_path, monkeypatch, settings):
    # Redis hands the killed run's message out again only after its visibility timeout (an hour by
    # default): the comments come back through beat's sweep once the dead claim goes stale
    monkeypatch.setattr(feedback_services._kick_window, "closes_at", math.inf)
    survey = SurveyFactory(kind="nps")
    accepted = []
    for i, payload in enumerate(answer_payloads(survey.public_key, 300)):
        comment = f"{' '.join([payload['comment'] or '还行吧'] * 60)} #{i}"[:5000]
        accepted.append(response_submit(survey_key=survey.public_key, score=payload["score"], comment=comment).id)
    env = {"CX_ANALYSIS_QUEUE": analysis_queue, "CX_ANALYSIS_BATCH": str(len(accepted))}

    with celery_worker(tmp_path / "first.log", queue=analysis_queue, env=env) as first:
        first_run = tasks.feedback_analyse_pending.delay().id
        deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
        while not FeedbackItem.objects.filter(claimed_by=first_run).exists():
            assert time.monotonic() < deadline, "the first worker never claimed the items"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
    assert FeedbackItem.objects.filter(status="analysed").count() < len(accepted)

    with celery_worker(tmp_path / "second.log", queue=analysis_queue, env=env) as second:
        swept_at = -math.inf
        while FeedbackItem.objects.filter(claimed_by=first_run, status="pending").exists():
            assert time.monotonic() - killed_at < 60, "a dead worker's comments waited over a minute"
            assert second.poll() is None, "the second worker died"
            if time.monotonic() - swept_at >= settings.CX_ANALYSIS_SWEEP_SECONDS:
                tasks.feedback_requeue_pending.apply()  # what beat runs on this schedule
                swept_at = time.monotonic()
            time.sleep(0.2)
        wait_until_analysed(len(accepted), second)
    assert mismatches(reconcile(accepted)) == {}
