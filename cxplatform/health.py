"""GET /healthz: is the database reachable, and the broker (when one is configured)?"""

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BROKER_TIMEOUT_SECONDS = 2.0


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database is "down", whatever the driver says
        return f"down: {exc.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    if settings.CX_EMBEDDED_TASKS:
        return "embedded"
    try:
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # kombu raises many transport-specific errors
        return f"down: {exc.__class__.__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    body = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value in ("ok", "embedded") for value in body.values())
    return JsonResponse(body, status=200 if healthy else 503)
