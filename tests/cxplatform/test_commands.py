"""createapitoken and ensure_admin."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue().strip()


def test_createapitoken_prints_a_working_token_once(staff_user, api_client):
    key = run("createapitoken", staff_user.username)
    assert key == run("createapitoken", staff_user.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/surveys/").status_code == 200
    rotated = run("createapitoken", staff_user.username, "--rotate")
    assert rotated != key
    assert Token.objects.get(user=staff_user).key == rotated


def test_createapitoken_refuses_unknown_and_non_staff_users(django_user_model):
    django_user_model.objects.create_user(username="shopper", password="pw-for-tests-only")
    with pytest.raises(CommandError, match="No user named"):
        run("createapitoken", "nobody")
    with pytest.raises(CommandError, match="not staff"):
        run("createapitoken", "shopper")


def test_ensure_admin_creates_a_login_once_and_prints_it(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("CX_ADMIN_PASSWORD", raising=False)
    first = run("ensure_admin")
    password = (tmp_path / "admin_password").read_text()
    assert first == f"Admin login: user 'admin', password {password}"
    assert run("ensure_admin") == first
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    assert get_user_model().objects.filter(username="admin").count() == 1
