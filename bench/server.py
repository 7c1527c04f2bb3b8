"""What the benchmarks share: gunicorn serving bench.ingest_app, and the CPU its workers use."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(
    env, *, port: int, workers: int, threads: int, log=None, app: str = "bench.ingest_app:application", root=ROOT
) -> subprocess.Popen:
    """Start gunicorn (gthread) serving `app` of the checkout `root` on 127.0.0.1:port; wait until /healthz answers."""
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"]
    command += ["--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads)]
    command += ["--backlog", "2048", "--timeout", "120", "--log-level", "warning"]
    output = {"stdout": log, "stderr": subprocess.STDOUT} if log is not None else {}
    process = subprocess.Popen(command, cwd=root, env={**env, "PYTHONPATH": str(root)}, **output)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """Return the CPU time (user + system) the gunicorn workers have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks
