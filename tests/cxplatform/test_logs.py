"""Secrets and tokens never reach the logs: invitation and unsubscribe tokens, referral codes, API tokens."""

import logging

import pytest

from cxplatform.logfilters import RedactSecrets, redact
from tests.surveys.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_tokens_in_paths_queries_and_headers_are_redacted():
    assert redact("Gone: /s/Hb6erQAHrd3I8ahuB4oceIFerIyastpD/") == "Gone: /s/[redacted]/"
    assert redact("Not Found: /u/abcdefgh12/ and /r/22222222") == "Not Found: /u/[redacted]/ and /r/[redacted]"
    assert redact("GET /demo/widget/?key=secret123&x=1") == "GET /demo/widget/?key=[redacted]&x=1"
    assert redact("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b") == "Authorization: Token [redacted]"
    assert redact("no secret here: /admin/insights/") == "no secret here: /admin/insights/"


def test_the_logs_of_a_bad_invitation_link_do_not_hold_its_token(client, caplog):
    invitation = InvitationFactory(survey=SurveyFactory(), status="expired")
    handler_filter = RedactSecrets()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(f"/s/{invitation.token}/")
        client.get("/s/not-a-real-token-at-all-1234567890/")
    records = [record for record in caplog.records if record.name == "django.request"]
    assert records  # the 4xx were logged …
    for record in records:
        handler_filter.filter(record)
        assert invitation.token not in record.getMessage()  # … without the token
        assert "not-a-real-token" not in record.getMessage()


def test_the_console_handler_carries_the_filter():
    from django.conf import settings

    assert "redact_secrets" in settings.LOGGING["handlers"]["console"]["filters"]


def test_a_record_that_cannot_be_formatted_does_not_break_the_caller():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "bad %s %s", (1,), None)
    assert RedactSecrets().filter(record) is True


def test_django_s_own_logger_goes_through_the_redacting_handler():
    from django.conf import settings

    assert settings.LOGGING["loggers"]["django"]["handlers"] == ["console"]
    assert settings.LOGGING["loggers"]["django"]["propagate"] is False
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False


def test_a_customer_s_id_in_the_forget_path_is_redacted():
    assert redact("Not Found: /api/v1/customers/jane@example.com/") == "Not Found: /api/v1/customers/[redacted]/"
