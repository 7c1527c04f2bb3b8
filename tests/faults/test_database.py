"""The database connection drops under a real server and comes back: 503 with a retry hint, no partial writes.

gunicorn serves the platform on the test database through a TCP proxy the test cuts, as a
network fault or a failover does; what the server accepted is then reconciled.
"""

import http.client
import json
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from bench.reconcile import mismatches, reconcile
from bench.server import start_gunicorn
from feedback import services as feedback_services
from surveys.models import Invitation, Response
from tests.faults.tools import TcpProxy, answer_payloads, free_port
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory
from tests.workers import database_url

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]
URL = "/api/v1/public/responses/"


class Server:
    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, body: dict | None = None, headers=None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
            conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
            res = conn.getresponse()
            return res.status, dict(res.getheaders()), res.read()
        finally:
            conn.close()

    def answer(self, payload: dict, headers=None) -> tuple[int, dict, bytes]:
        return self.request("POST", URL, payload, headers)


@pytest.fixture
def proxy():
    proxy = TcpProxy(int(connection.settings_dict["PORT"] or 5432), connection.settings_dict["HOST"] or "127.0.0.1")
    proxy.start()
    yield proxy
    proxy.cut()


@pytest.fixture
def server(proxy, analysis_queue, settings, tmp_path):
    """gunicorn on the test database, reaching it only through the proxy."""
    parts = urlsplit(database_url())
    through_proxy = urlunsplit(parts._replace(netloc=f"{parts.netloc.rsplit('@', 1)[0]}@127.0.0.1:{proxy.port}"))
    env = {
        "DATABASE_URL": through_proxy,
        "DATABASE_CONN_MAX_AGE": "600",  # connections persist, as in production: the cut breaks live ones
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CX_ANALYSIS_QUEUE": analysis_queue,  # no worker runs: the test analyses what waits, as one would
        "CX_THROTTLE_PUBLIC_RESPONSES": "100000/min",
        "CX_THROTTLE_PUBLIC_PAGES": "100000/min",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    full_env = {**os.environ, **env}
    full_env.pop("DATABASE_TEST_NAME", None)
    log = (tmp_path / "gunicorn.log").open("w")
    port = free_port()
    process = start_gunicorn(full_env, port=port, workers=1, threads=2, log=log, app="cxplatform.wsgi:application")
    yield Server(port)
    process.terminate()
    process.wait(timeout=30)
    log.close()
    print((tmp_path / "gunicorn.log").read_text()[-3000:])


def assert_unavailable(status: int, headers: dict) -> None:
    assert status == 503
    assert int(headers["Retry-After"]) > 0


def test_the_database_dropped_and_restored_answers_503_with_a_retry_hint_and_writes_nothing_partial(server, proxy):
    survey = SurveyFactory(kind="nps", name="NPS 2026")
    invitation = InvitationFactory(
        survey=survey, customer=CustomerFactory(external_id="inv-1"), status=Invitation.Status.SENT
    )
    accepted = []

    def accept(payload):
        status, _, body = server.answer(payload)
        assert status == 201, body
        accepted.append(json.loads(body)["id"])

    for payload in answer_payloads(survey.public_key, 20):
        accept(payload)
    stored = Response.objects.count()

    # the connection drops as an answer's statement is on its way: 503, the answer is not stored
    proxy.cut_at(before=b'INSERT INTO "surveys_response"')
    status, headers, body = server.answer(answer_payloads(survey.public_key, 1, start=100)[0])
    assert_unavailable(status, headers)
    assert json.loads(body)["error"]["code"] == "database_unavailable"
    assert proxy.cuts == 1
    assert Response.objects.count() == stored

    # while it is down, every endpoint says so, the API as JSON, the pages as a page, health too
    status, headers, body = server.answer(answer_payloads(survey.public_key, 1, start=101)[0])
    assert_unavailable(status, headers)
    status, headers, body = server.request("GET", f"/api/v1/public/surveys/{survey.public_key}/")
    assert_unavailable(status, headers)
    status, headers, body = server.request("GET", f"/s/{invitation.token}/?score=3")
    assert_unavailable(status, headers)
    assert b"try again" in body
    status, _, body = server.request("GET", "/healthz")
    assert (status, json.loads(body)["database"].startswith("down")) == (503, True)

    # back: an invitation's answer, a transaction of several statements, loses the connection
    # between them and its COMMIT; nothing of it stays, and the invitation is still open
    proxy.restore()
    proxy.cut_at(after=b'INSERT INTO "surveys_response"', before=b"COMMIT")
    status, headers, _ = server.request("GET", f"/s/{invitation.token}/?score=3")
    assert_unavailable(status, headers)
    assert proxy.cuts == 2
    invitation.refresh_from_db()
    assert (invitation.status, Response.objects.filter(invitation=invitation).exists()) == ("sent", False)

    # and back for good: the first request after it is served, the retried answer is taken once
    proxy.restore()
    status, _, _ = server.request("GET", f"/s/{invitation.token}/?score=3")
    assert status == 200
    accepted.append(Response.objects.get(invitation=invitation).id)
    for payload in answer_payloads(survey.public_key, 20, start=100):
        accept(payload)

    # the connection drops after an answer's COMMIT reached the database, before its reply:
    # it is stored, yet the client hears 503; its retry with the same Idempotency-Key is that
    # answer again, not a second one
    payload, key = answer_payloads(survey.public_key, 1, start=200)[0], {"Idempotency-Key": str(uuid.uuid4())}
    before = Response.objects.count()
    proxy.cut_reply_to(b"COMMIT")  # a keyed answer's statement runs in a transaction of its own
    status, headers, _ = server.answer(payload, key)
    assert_unavailable(status, headers)
    assert (proxy.cuts, Response.objects.count()) == (3, before + 1)  # committed, unheard
    proxy.restore()
    status, headers, body = server.answer(payload, key)
    assert (status, headers.get("Idempotent-Replayed")) == (201, "true"), body
    accepted.append(json.loads(body)["id"])
    assert Response.objects.count() == before + 1

    feedback_services.feedback_analyse_all_pending()  # what the workers do
    counts = reconcile(accepted)
    assert mismatches(counts) == {}, counts
    assert counts["accepted"] == 42
