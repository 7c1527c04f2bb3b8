"""Analysis through the real broker and real worker processes: nothing lost, nothing done twice."""

import pytest
import redis
from django.db.models import Max

from feedback.models import FeedbackItem
from tests.surveys.factories import SurveyFactory
from tests.workers import celery_worker, wait_until_analysed

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
