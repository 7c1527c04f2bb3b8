"""Delighted's own Python client (delighted==4.2.0) pointed at a live test server."""

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # "Delighted is being sunset": why this API exists
    import delighted  # Delighted's own client (delighted==4.2.0); this app is delighted_api

assert delighted.__version__ == "4.2.0", delighted.__file__


PERMISSIONS = (
    "view_customer",
    "change_customer",
    "delete_customer",
    "add_touchpointevent",
    "view_response",
    "add_response",
    "change_response",
)


@pytest.fixture
def token(django_user_model):
    """The API token of an integration account holding what the Delighted API asks."""
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    user = django_user_model.objects.create_user(username="delighted-client", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="surveys", codename__in=PERMISSIONS))
    return Token.objects.create(user=user).key


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url + "/delighted/v1/"


@pytest.fixture
def dl(token, base_url):
    """The delighted module, its api_key and api_base_url set as a former user's script would."""
    saved = delighted.api_key, delighted.api_base_url, delighted.shared_client
    delighted.api_key, delighted.api_base_url, delighted.shared_client = token, base_url, None
    yield delighted
    delighted.api_key, delighted.api_base_url, delighted.shared_client = saved


@pytest.fixture
def nps_at_touchpoint():
    """The touchpoint the Delighted API stands for, asking an NPS survey by email at once."""
    from tests.surveys.factories import ContactRuleFactory, SurveyFactory, TouchpointFactory

    rule = ContactRuleFactory(survey=SurveyFactory(kind="nps"), touchpoint=TouchpointFactory(key="delighted"))
    return rule
