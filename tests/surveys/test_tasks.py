"""Survey statistics: the service, and the task through a real broker to a real worker process."""

import time

import pytest
from django.conf import settings
from django.core import mail

from surveys import tasks
from surveys.models import Invitation, SurveyStats
from surveys.services import survey_stats_refresh
from tests.surveys.factories import InvitationFactory, ResponseFactory, SurveyFactory
from tests.workers import WORKER_TIMEOUT_SECONDS


@pytest.mark.django_db
def test_stats_refresh_computes_score_margin_and_counts_and_is_idempotent():
    survey = SurveyFactory(kind="csat")
    for score in (5, 5, 4, 3, 1):
        ResponseFactory(survey=survey, score=score)

    first = survey_stats_refresh(survey_id=survey.id)
    second = survey_stats_refresh(survey_id=survey.id)

    assert SurveyStats.objects.filter(survey=survey).count() == 1
    assert first.responses == second.responses == 5
    assert second.score == pytest.approx(60.0)
    assert second.margin == pytest.approx(32.6, abs=0.1)  # Wilson 95% for 3 of 5: 23.1 % .. 88.2 %
    assert second.class_counts == {"satisfied": 3, "neutral": 1, "dissatisfied": 1}


@pytest.mark.django_db
def test_stats_of_a_survey_without_answers_have_no_score():
    survey = SurveyFactory(kind="nps")
    stats = survey_stats_refresh(survey_id=survey.id)
    assert (stats.responses, stats.score, stats.margin, stats.last_response_at) == (0, None, None, None)


@pytest.mark.postgres
@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_task_travels_through_the_broker_to_a_worker_process_and_writes_to_postgres(worker_queue):
    # given committed answers and a worker in another process
    queue, process = worker_queue
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    survey = SurveyFactory(kind="nps")
    for score in (10, 9, 8, 3):
        ResponseFactory(survey=survey, score=score)

    # when the task is sent through the broker
    tasks.survey_stats_refresh.apply_async(args=[survey.id], queue=queue)

    # then the worker's write shows up in PostgreSQL
    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while not SurveyStats.objects.filter(survey=survey).exists():
        assert process.poll() is None, "the worker process exited"
        assert time.monotonic() < deadline, "the worker did not process the task in time"
        time.sleep(0.2)
    stats = SurveyStats.objects.get(survey=survey)
    assert stats.responses == 4
    assert stats.score == pytest.approx(25.0)
    assert stats.class_counts == {"promoter": 2, "passive": 1, "detractor": 1}


@pytest.mark.django_db
def test_an_error_that_will_not_mend_marks_the_invitation_failed(monkeypatch):
    invitation = InvitationFactory(status=Invitation.Status.SCHEDULED)

    def broken(message, fail_silently=False):
        raise ValueError("Header values can't contain newlines")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", broken)
    tasks.invitation_send.apply(args=[invitation.id])
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.FAILED
    assert "newlines" in invitation.last_error
