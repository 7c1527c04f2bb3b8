"""Every request example in the OpenAPI schema is valid as it stands: posted as the API docs' "Try it out" would.

The records an example names (its survey's key, an advocate's code, a case) are made first, as
the reader's own data would hold them; then no example may be refused for its own content.
"""

import pytest

from accounts.models import Account
from closedloop.api.examples import EXAMPLE_REFERRAL_CODE
from portfolio.api.examples import EXAMPLE_ACCOUNT
from surveys.api.examples import EXAMPLE_IDENTITY_SECRET, EXAMPLE_SURVEY_KEY
from tests.closedloop.factories import AdvocateFactory, CaseFactory
from tests.surveys.factories import ContactRuleFactory, SurveyFactory, TouchpointFactory
from tests.webhooks.factories import endpoint_make

pytestmark = pytest.mark.django_db


def request_examples(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for media_type, body in operation.get("requestBody", {}).get("content", {}).items():
                for name, example in body.get("examples", {}).items():
                    yield method, path, media_type, name, example["value"]


def test_every_request_body_has_an_example(superuser_api_client):
    schema = superuser_api_client.get("/api/schema/", {"format": "json"}).json()
    bodies = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    with_examples = {(method, path) for method, path, *_rest in request_examples(schema)}
    assert bodies
    assert set(bodies) == with_examples


def test_each_documented_request_example_is_accepted(superuser_api_client):
    survey = SurveyFactory(kind="nps")
    survey.public_key = EXAMPLE_SURVEY_KEY
    survey.identity_secret = EXAMPLE_IDENTITY_SECRET
    survey.save()
    for key in ("support-ticket", "delivery"):
        ContactRuleFactory(survey=survey, touchpoint=TouchpointFactory(key=key), channel="email")
    AdvocateFactory(code=EXAMPLE_REFERRAL_CODE)
    case = CaseFactory()
    Account.objects.create(external_id=EXAMPLE_ACCOUNT)
    endpoint = endpoint_make()
    schema = superuser_api_client.get("/api/schema/", {"format": "json"}).json()

    examples = list(request_examples(schema))
    assert len(examples) >= 6
    for method, path, media_type, name, value in examples:
        the_id = endpoint.pk if path.startswith("/api/v1/webhooks/") else case.pk
        url = path.replace("{id}", str(the_id)).replace("{external_id}", EXAMPLE_ACCOUNT)
        res = getattr(superuser_api_client, method)(url, value, format="json")
        assert media_type == "application/json"
        assert 200 <= res.status_code < 300, f"{method} {path} example {name!r}: {res.status_code} {res.content}"
