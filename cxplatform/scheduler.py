"""Scheduled work without a broker: beat's schedule (CELERY_BEAT_SCHEDULE), run in-process on its intervals.

With a broker, `celery beat` (or `celery worker --beat`) sends the scheduled tasks. In the
embedded default there is no broker and no beat, so nothing would send due invitations, check
SLAs or fold the score rollups. `make run` sets CX_IN_PROCESS_SCHEDULER: the web process then
runs the same schedule in a thread of its own, each task eagerly (as every task runs there).

It never runs where a broker is configured, and at most one process on the machine runs it:
the first to take the lock file `var/scheduler.lock` (a second web process does not).
"""

import fcntl
import logging
import threading
import time
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, TextIO

from celery.utils.imports import symbol_by_name
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


class InProcessScheduler:
    """Run each entry's task every `schedule` seconds in one daemon thread, until stopped."""

    def __init__(self, schedule: Mapping[str, Mapping[str, Any]]) -> None:
        self.entries = {name: (entry["task"], _seconds(name, entry["schedule"])) for name, entry in schedule.items()}
        self._tasks = {name: symbol_by_name(task) for name, (task, _interval) in self.entries.items()}
        self.runs: Counter[str] = Counter()  # name → how many times its task ran (and finished)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if not settings.CX_EMBEDDED_TASKS:
            raise ImproperlyConfigured("A broker is configured (CELERY_BROKER_URL): celery beat runs the schedule.")
        self._thread = threading.Thread(target=self._loop, name="cx-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop after the task running now, if any; True once the thread has ended."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _loop(self) -> None:
        started = time.monotonic()
        due = {name: started + interval for name, (_task, interval) in self.entries.items()}
        try:
            while not self._stop.is_set():
                for name in sorted(due, key=due.__getitem__):
                    if self._stop.is_set() or due[name] > time.monotonic():
                        continue
                    self._run(name, self._tasks[name])
                    due[name] = time.monotonic() + self.entries[name][1]
                self._stop.wait(max(0.0, min(due.values(), default=time.monotonic() + 60) - time.monotonic()))
        finally:
            connection.close()

    def _run(self, name: str, task) -> None:
        close_old_connections()
        try:
            task.apply(throw=True)
        except Exception:
            logger.exception("Scheduled task %s (%s) failed; it runs again on its schedule", name, task.name)
        finally:
            close_old_connections()
        self.runs[name] += 1


_lock_file: TextIO | None = None
_running: InProcessScheduler | None = None


def start_if_configured() -> InProcessScheduler | None:
    """Start the schedule here if CX_IN_PROCESS_SCHEDULER asks, there is no broker, and no other process runs it."""
    global _lock_file, _running
    if not settings.CX_IN_PROCESS_SCHEDULER or not settings.CX_EMBEDDED_TASKS or _running is not None:
        return None
    lock = (settings.VAR_DIR / "scheduler.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        logger.info("Another process runs the schedule; this one does not.")
        return None
    _lock_file, _running = lock, InProcessScheduler(settings.CELERY_BEAT_SCHEDULE)
    _running.start()
    logger.info("Running the beat schedule in-process: %s", ", ".join(_running.entries))
    return _running


def _seconds(name: str, schedule: object) -> float:
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float) and schedule > 0:
        return float(schedule)
    raise ImproperlyConfigured(f"Beat entry {name!r}: the in-process scheduler takes intervals in seconds only.")
