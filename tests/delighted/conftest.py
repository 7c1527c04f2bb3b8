"""Delighted's own Python client (delighted==4.2.0) pointed at a live test server."""

import importlib
import sys
import sysconfig
import warnings

import pytest


def _load_client():
    """Import Delighted's client, whose top-level name is this app's too, and give the name back to the app.

    A user's script imports the client in its own process; here it shares one with the server.
    The client's modules keep references to each other once imported (nothing of it imports
    later), so it works after `delighted` in sys.modules is the app again.
    """
    app = {name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] == "delighted"}
    site_packages = sysconfig.get_paths()["purelib"]
    sys.path.insert(0, site_packages)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "Delighted is being sunset": why this API exists
            client = importlib.import_module("delighted")
        assert client.__version__ == "4.2.0", client.__file__
    finally:
        sys.path.remove(site_packages)
        for name in [name for name in sys.modules if name.partition(".")[0] == "delighted"]:
            del sys.modules[name]
        sys.modules.update(app)
    return client


delighted = _load_client()

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
