"""WSGI entry point for gunicorn: `gunicorn cxplatform.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings")

application = get_wsgi_application()

# The embedded setup (no broker) runs beat's schedule here when CX_IN_PROCESS_SCHEDULER is set.
from cxplatform import scheduler  # noqa: E402  (needs the settings loaded above)

scheduler.start_if_configured()
