"""Real Celery worker processes for the tests that need the broker."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

WORKER_TIMEOUT_SECONDS = 60


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(
    log_path: Path,
    *,
    queue: str,
    env: dict[str, str] | None = None,
    pool: str = "solo",
    concurrency=1,
    extra_args: tuple[str, ...] = (),
):
    """Run a real worker process on the test database, consuming `queue`; yield the process."""
    log = log_path.open("w")
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **(env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "cxplatform", "worker", "-Q", queue, f"--pool={pool}"]
    command += ["--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    command += extra_args
    process = subprocess.Popen(command, cwd=Path(settings.BASE_DIR), env=full_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        print(log_path.read_text()[-3000:])


def unique_queue() -> str:
    return f"cxtest-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worker_queue(tmp_path):
    """Start a real Celery worker process on the test database, consuming a queue of its own."""
    queue = unique_queue()
    with celery_worker(tmp_path / "worker.log", queue=queue) as process:
        yield queue, process


def celery_app():
    from feedback import tasks

    return tasks.feedback_analyse_pending.app  # the project's app, as the services send through it


@pytest.fixture
def analysis_queue(settings, monkeypatch):
    """A queue of this test's own, for the hand-over from this process and the worker's own runs."""
    from feedback import services

    monkeypatch.setattr(services, "_kick_window", services.KickWindow())  # no window left open by another test
    queue = unique_queue()
    saved = celery_app().conf.task_routes
    route_tasks(saved, {"feedback.tasks.*": {"queue": queue}})
    settings.CX_ANALYSIS_QUEUE = queue
    yield queue
    route_tasks(saved)


def route_tasks(base, extra=None) -> None:
    """Set this process's task routes; Celery caches its router, so it is rebuilt."""
    app = celery_app()
    app.conf.task_routes = {**(base or {}), **(extra or {})}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker (its connection pools are rebuilt on next use)."""
    app = celery_app()
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
    pools.reset()  # kombu's process-wide pools, keyed by broker
    app._pool = None
    app.amqp._producer_pool = None


class SupervisedWorker:
    """A worker process started again whenever it exits, as systemd's Restart=always or Kubernetes would."""

    def __init__(self, stack: ExitStack, log_dir: Path, **options) -> None:
        self.stack, self.log_dir, self.options = stack, log_dir, options
        self.restarts = 0
        self.process = stack.enter_context(celery_worker(log_dir / "worker.log", **options))

    def keep_alive(self) -> None:
        if self.process.poll() is not None:
            self.restarts += 1
            log = self.log_dir / f"worker-restart-{self.restarts}.log"
            self.process = self.stack.enter_context(celery_worker(log, **self.options))

    def poll(self):
        self.keep_alive()
        return None  # never seen exited: it is restarted instead


def wait_until_analysed(count: int, process: subprocess.Popen | SupervisedWorker | None = None) -> None:
    from feedback.models import FeedbackItem

    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while FeedbackItem.objects.filter(status="analysed").count() < count:
        assert process is None or process.poll() is None, "the worker process exited"
        assert time.monotonic() < deadline, f"not analysed in time: {list(FeedbackItem.objects.values('status'))}"
        time.sleep(0.2)
