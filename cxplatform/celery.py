"""The Celery app: configured from Django settings (CELERY_* names), tasks found in each app."""

import ctypes
import os
import signal
import sys

from celery import Celery
from celery.signals import beat_embedded_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings")

app = Celery("cxplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@beat_embedded_init.connect(dispatch_uid="cxplatform-beat-dies-with-its-worker")
def _beat_dies_with_its_worker(sender=None, **kwargs) -> None:
    """The beat a `celery worker --beat` runs as its child ends when that worker does, however it ends.

    A worker killed with SIGKILL cannot stop its beat, which would live on under init and keep
    sending the scheduled tasks beside the restarted worker's own beat. The kernel sends this
    process SIGTERM when its parent dies; if the parent died before this line ran, it ends now.
    """
    if not sys.platform.startswith("linux"):
        return
    from billiard import current_process

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed: the beat could outlive its worker")
    parent = getattr(current_process(), "_parent_pid", None)
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)
