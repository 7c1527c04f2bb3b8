"""Analysis through the real broker and real worker processes: nothing lost, nothing done twice."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.db.models import Max
from django.utils import timezone
from kombu import pools

from feedback import services, tasks
from feedback.models import FeedbackItem
from tests.surveys.factories import SurveyFactory
from tests.workers import WORKER_TIMEOUT_SECONDS, celery_worker, unique_queue

celery_app = tasks.feedback_analyse_pending.app  # the project's app, as the services send through it

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]
URL = "/api/v1/public/responses/"
COMMENTS = [
    "退款太慢了，客服也不回复 😡",
    "客服態度很好，問題當天就解決了",
    "The billing page crashes at checkout",
    "Great onboarding, the team was very helpful 👍",
    "good product but 客服 took a week to answer",
    "还行吧",
]


@pytest.fixture
def analysis_queue(settings, monkeypatch):
    """A queue of this test's own, for the hand-over from this process and the worker's own runs."""
    monkeypatch.setattr(services, "_kick_window", services.KickWindow())  # no window left open by another test
    queue = unique_queue()
    saved = celery_app.conf.task_routes
    _route(saved, {"feedback.tasks.*": {"queue": queue}})
    settings.CX_ANALYSIS_QUEUE = queue
    yield queue
    _route(saved)


def _route(base, extra=None) -> None:
    """Set this process's task routes; Celery caches its router, so it is rebuilt."""
    celery_app.conf.task_routes = {**(base or {}), **(extra or {})}
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


def wait_until_analysed(count: int, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while FeedbackItem.objects.filter(status="analysed").count() < count:
        assert process is None or process.poll() is None, "the worker process exited"
        assert time.monotonic() < deadline, f"not analysed in time: {list(FeedbackItem.objects.values('status'))}"
        time.sleep(0.2)


def submit(api_client, survey, comments) -> None:
    for i, comment in enumerate(comments):
        res = api_client.post(URL, {"survey": survey.public_key, "score": i % 11, "comment": comment}, format="json")
        assert res.status_code == 201, res.content


def test_comments_are_analysed_once_by_worker_processes_through_the_broker(api_client, analysis_queue, tmp_path):
    survey = SurveyFactory(kind="nps")
    with celery_worker(
        tmp_path / "worker.log",
        queue=analysis_queue,
        pool="prefork",
        concurrency=2,
        env={"CX_ANALYSIS_QUEUE": analysis_queue, "CX_ANALYSIS_BATCH": "4"},
    ) as process:
        submit(api_client, survey, COMMENTS * 4)
        wait_until_analysed(len(COMMENTS) * 4, process)

    items = FeedbackItem.objects.all()
    assert items.count() == len(COMMENTS) * 4
    assert items.aggregate(most=Max("attempts"))["most"] == 1  # each claimed and analysed once
    assert {item.language for item in items} == {"zh", "en", "mixed"}


def test_a_burst_of_comments_sends_one_message_per_window(api_client, analysis_queue, settings):
    settings.CX_ANALYSIS_KICK_SECONDS = 60  # the whole burst falls in one window
    survey = SurveyFactory(kind="nps")
    submit(api_client, survey, COMMENTS * 3)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        messages = broker.lrange(analysis_queue, 0, -1)
    finally:
        broker.delete(analysis_queue)
        broker.close()
    assert len(messages) == 1  # the run it sends after the window takes all of them
    assert FeedbackItem.objects.filter(status="pending").count() == len(COMMENTS) * 3


def test_with_the_broker_down_answers_are_still_taken_and_analysed_once_it_is_back(
    api_client, analysis_queue, tmp_path, settings
):
    # given a broker of our own, which then stops
    port = 6390 + os.getpid() % 100
    broker = f"redis://127.0.0.1:{port}/0"
    server = _start_redis(port, tmp_path)
    _use_broker(broker)
    try:
        server.terminate()
        server.wait(timeout=10)

        # when answers with comments arrive while it is down, they are all taken
        survey = SurveyFactory(kind="nps")
        started = time.monotonic()
        submit(api_client, survey, COMMENTS)
        assert time.monotonic() - started < 10  # a dead broker costs the first answer a short retry, no more
        assert FeedbackItem.objects.filter(status="pending").count() == len(COMMENTS)

        # and once it is back, beat's sweep sends a run and a worker analyses every one, once
        server = _start_redis(port, tmp_path)
        settings.CX_ANALYSIS_STALE_MINUTES = 0
        with celery_worker(
            tmp_path / "worker.log",
            queue=analysis_queue,
            env={"CX_ANALYSIS_QUEUE": analysis_queue, "CELERY_BROKER_URL": broker},
        ) as process:
            tasks.feedback_requeue_pending.apply()  # what beat runs every minute
            wait_until_analysed(len(COMMENTS), process)
        assert FeedbackItem.objects.aggregate(most=Max("attempts"))["most"] == 1
    finally:
        _use_broker(settings.CELERY_BROKER_URL)
        server.terminate()
        server.wait(timeout=10)


def test_a_worker_killed_mid_batch_leaves_every_item_analysed_exactly_once(analysis_queue, tmp_path):
    # enough text that analysing the one batch takes the worker a few seconds
    texts = [f"{' '.join(COMMENTS[i % 6 :] + COMMENTS[: i % 6])} #{i}" for i in range(3000)]
    env = {
        "CX_ANALYSIS_QUEUE": analysis_queue,
        "CX_ANALYSIS_BATCH": str(len(texts)),  # one run claims them all
        "CELERY_VISIBILITY_TIMEOUT": "2",  # Redis hands an unacknowledged message out again after this
    }
    now = timezone.now()
    FeedbackItem.objects.bulk_create(
        FeedbackItem(source="response", source_id=i, text=text, given_at=now) for i, text in enumerate(texts)
    )

    # the first worker claims every item, then is killed before it stores any
    with celery_worker(tmp_path / "first.log", queue=analysis_queue, env=env) as first:
        tasks.feedback_analyse_pending.delay()
        deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
        while not FeedbackItem.objects.exclude(claimed_by="").exists():
            assert time.monotonic() < deadline, "the first worker never claimed the items"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert FeedbackItem.objects.filter(status="analysed").count() < len(texts)

    # a second worker gets the message again, takes back the same claim and finishes
    with celery_worker(tmp_path / "second.log", queue=analysis_queue, env=env) as second:
        wait_until_analysed(len(texts), second)
    assert FeedbackItem.objects.filter(status="analysed").count() == len(texts)
    assert FeedbackItem.objects.aggregate(most=Max("attempts"))["most"] == 2  # claimed twice, stored once


def _start_redis(port: int, tmp_path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    return process


def _use_broker(url: str) -> None:
    """Point this process's Celery app at another broker (its connection pools are rebuilt on next use)."""
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = celery_app.conf.broker_read_url = url
    pools.reset()  # kombu's process-wide pools, keyed by broker
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
