"""Real Celery worker processes for the tests that need the broker."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

WORKER_TIMEOUT_SECONDS = 60


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(log_path: Path, *, queue: str, env: dict[str, str] | None = None, pool: str = "solo", concurrency=1):
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
