"""The beat that `celery worker --beat` (make run, make worker) starts never outlives its worker."""

import signal
import time
from pathlib import Path

import pytest

from tests.workers import WORKER_TIMEOUT_SECONDS, celery_worker, unique_queue

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (an exited child nobody reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_beat_child_of_a_killed_worker_ends_within_seconds(tmp_path):
    args = ("--beat", "--schedule", str(tmp_path / "celerybeat-schedule"))
    with celery_worker(tmp_path / "worker.log", queue=unique_queue(), extra_args=args) as worker:
        deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
        while not (beats := children_of(worker.pid)):
            assert worker.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "the worker never started its beat"
            time.sleep(0.05)
        while "beat: Starting" not in (tmp_path / "worker.log").read_text():
            assert time.monotonic() < deadline, "the beat never started"
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = time.monotonic()
        while any(running(beat) for beat in beats):
            assert time.monotonic() - killed_at < 5, f"the beat {beats} outlived its killed worker"
            time.sleep(0.05)
