"""The embedded setup runs beat's schedule in-process: due work is done without a broker, and never beside one."""

import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cxplatform import scheduler
from surveys.models import Invitation
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the scheduler's thread has its own connection


def wait_for(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_the_scheduler_sends_a_due_invitation_on_the_schedule_and_stops_cleanly(settings):
    settings.CX_EMBEDDED_TASKS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invitation = InvitationFactory(
        survey=SurveyFactory(kind="nps"),
        customer=CustomerFactory(email="lin@shop.example"),
        send_at=timezone.now(),
        status=Invitation.Status.SCHEDULED,
    )
    # beat's own entry, on a shorter interval
    schedule = {"invitations-send-due": {**settings.CELERY_BEAT_SCHEDULE["invitations-send-due"], "schedule": 0.1}}
    running = scheduler.InProcessScheduler(schedule)
    running.start()
    try:
        # Only the counter is watched while the thread runs: the test database is SQLite's shared
        # in-memory cache, where a read from this thread can make the scheduler's write fail
        # ("table is locked") instead of waiting, as a file database does.
        wait_for(lambda: running.runs["invitations-send-due"] >= 2, "a second run on the interval")
    finally:
        assert running.stop(timeout=10), "the scheduler's thread did not stop"
    assert Invitation.objects.get(id=invitation.id).status == Invitation.Status.SENT
    assert [message.to for message in mail.outbox] == [["lin@shop.example"]]  # sent once, however many runs
    assert running._thread is not None
    assert not running._thread.is_alive()  # stopped: nothing runs any more


def test_every_beat_entry_has_an_interval_the_scheduler_takes(settings):
    entries = scheduler.InProcessScheduler(settings.CELERY_BEAT_SCHEDULE).entries
    assert set(entries) == set(settings.CELERY_BEAT_SCHEDULE)
    assert all(interval > 0 for _task, interval in entries.values())


def test_it_never_runs_where_a_broker_is_configured(settings):
    settings.CX_EMBEDDED_TASKS = False  # CELERY_BROKER_URL is set
    settings.CX_IN_PROCESS_SCHEDULER = True
    assert scheduler.start_if_configured() is None
    with pytest.raises(ImproperlyConfigured, match="celery beat"):
        scheduler.InProcessScheduler(settings.CELERY_BEAT_SCHEDULE).start()


def test_only_one_process_runs_it(settings, tmp_path, monkeypatch):
    settings.CX_EMBEDDED_TASKS = settings.CX_IN_PROCESS_SCHEDULER = True
    settings.VAR_DIR = tmp_path
    settings.CELERY_BEAT_SCHEDULE = {}
    monkeypatch.setattr(scheduler, "_running", None)
    monkeypatch.setattr(scheduler, "_lock_file", None)
    held = (tmp_path / "scheduler.lock").open("w")  # another process holds the lock
    try:
        scheduler.fcntl.flock(held, scheduler.fcntl.LOCK_EX | scheduler.fcntl.LOCK_NB)
        assert scheduler.start_if_configured() is None
    finally:
        held.close()
    started = scheduler.start_if_configured()
    try:
        assert started is not None
        assert scheduler.start_if_configured() is None  # already running here
    finally:
        assert started is not None
        assert started.stop(timeout=10)
        scheduler._lock_file.close()


def test_it_is_off_unless_asked(settings):
    settings.CX_EMBEDDED_TASKS = True
    settings.CX_IN_PROCESS_SCHEDULER = False
    assert scheduler.start_if_configured() is None
