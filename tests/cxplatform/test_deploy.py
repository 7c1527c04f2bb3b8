"""Django's deployment checklist passes with the production settings docs/deployment.md gives."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "cx.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://cx.example.com",
    "CX_HTTPS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def _check(**overrides) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION, **overrides}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests set it for this process, not for a deployment
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = _check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_https():
    result = _check(CX_HTTPS="false")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr  # SECURE_SSL_REDIRECT
