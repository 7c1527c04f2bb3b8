"""GET /healthz names what is down."""

import pytest

pytestmark = pytest.mark.django_db


def test_embedded_platform_is_healthy(client, settings):
    settings.CX_EMBEDDED_TASKS = True
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.json() == {"database": "ok", "broker": "embedded"}


@pytest.mark.broker
def test_reachable_broker_is_ok(client):
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.json() == {"database": "ok", "broker": "ok"}


def test_unreachable_broker_is_a_503_naming_it(client, settings):
    settings.CX_EMBEDDED_TASKS = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    res = client.get("/healthz")
    assert res.status_code == 503
    body = res.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("down: ")
