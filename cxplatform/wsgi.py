"""WSGI entry point for gunicorn: `gunicorn cxplatform.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings")

application = get_wsgi_application()
