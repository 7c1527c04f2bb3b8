"""Shared fixtures, and the rule for tests that need real services.

Tests marked `postgres` or `broker` skip, naming the variable to set, when the service is
not configured. With CX_REQUIRE_SERVICES=1 (as in CI) a skip of any kind fails the run.
"""

import itertools
import os

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

REQUIRE_SERVICES = os.environ.get("CX_REQUIRE_SERVICES") == "1"
# The tests' webhook and chat receivers listen on 127.0.0.1: allowed here (and in the workers the tests start),
# as in the embedded default; tests of the address check turn it off.
os.environ.setdefault("CX_WEBHOOKS_ALLOW_PRIVATE", "1")
pytest_plugins = ["tests.workers"]  # the real-worker fixtures


def _missing_service(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxplatform"
    if item.get_closest_marker("broker") and settings.CX_EMBEDDED_TASKS:
        return "needs a Celery broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_service(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"CX_REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped while CX_REQUIRE_SERVICES=1: {report.longrepr}"


@pytest.fixture(autouse=True)
def _shipped_data(request):
    """Put back what data migrations ship (roles, root causes, SLAs…) for a transactional test.

    Such a test's database is flushed after every transactional test before it, which also
    empties the tables the migrations filled.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from accounts.defaults import churn_reasons_apply
    from closedloop.defaults import defaults_apply
    from common.roles import roles_apply

    defaults_apply(apps)
    churn_reasons_apply(apps)
    roles_apply(apps)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests need not run collectstatic first, so they use the storage without a manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Run tasks in-process, as the embedded setup does, except in tests that need the real broker."""
    if request.node.get_closest_marker("broker"):
        yield
        return
    from celery import current_app

    saved = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _local_receivers(settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture(autouse=True)
def _fresh_lookups():
    from surveys.selectors import lookups_clear

    lookups_clear()
    yield
    lookups_clear()


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Each test starts with an empty in-memory cache (never the CACHE_URL a developer may have set)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (a request leaves its language active in the thread)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_user(db, django_user_model):
    """A staff account as an integration uses: it may read surveys and answers, and send events."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="cx-staff", password="pw-for-tests-only", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="surveys", codename__in=["view_survey", "view_response", "add_touchpointevent"]
        )
    )
    return user


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    from rest_framework.authtoken.models import Token

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=staff_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def user_with_role(db, django_user_model):
    """Make a staff user holding a role of common.roles (None: staff with no role): user_with_role("CX lead", "li").

    The username defaults to one made from the role, unique in the test; the email is
    f"{username}@example.com", the password "pw-for-tests-only". `extra` goes to create_user
    (is_staff=False for a user in the role's group who is not staff).
    """
    from django.contrib.auth.models import Group

    numbers = itertools.count(1)

    def make(role: str | None, username: str | None = None, **extra):
        if username is None:
            stem = (role or "staff-without-role").lower().replace(" ", "-")
            username = f"{stem}-{next(numbers)}"
            while django_user_model.objects.filter(username=username).exists():
                username = f"{stem}-{next(numbers)}"
        extra.setdefault("is_staff", True)
        user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw-for-tests-only", **extra)
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def role_client(user_with_role):
    """An API client with the token of a new user_with_role(role, username): role_client("Marketing", "mei")."""

    def make(role: str | None, username: str | None = None, **extra) -> APIClient:
        from rest_framework.authtoken.models import Token

        user = user_with_role(role, username, **extra)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client

    return make


@pytest.fixture
def superuser_api_client(django_user_model) -> APIClient:
    """An API client authenticated as a superuser, "root"."""
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    return client


@pytest.fixture
def root(superuser_api_client):
    """A superuser's client, with an NPS survey to ask about."""
    from tests.surveys.factories import SurveyFactory

    SurveyFactory(kind="nps")
    return superuser_api_client


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data (`seed_demo`), seeded once for a module's tests that only read it.

    Seeding takes a minute or more, so a module whose tests need the demo seeds it once inside a
    transaction that stays open across the module: each test runs in a savepoint of it (as in any
    non-transactional test), and the whole is rolled back after the module. Only for tests that
    are not transactional (no `transaction=True`: a flush would empty it); tasks run in-process.
    """
    from celery import current_app
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = True
        try:
            with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
                call_command("seed_demo", verbosity=0)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
        finally:
            current_app.conf.task_always_eager = eager
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
