"""Defaults and choices the surveys models share: unguessable keys and tokens, the locales."""

import secrets

from django.conf import settings

LOCALE_CHOICES = settings.LANGUAGES


def new_public_key() -> str:
    """Return an unguessable key for a survey's public link (128 random bits)."""
    return secrets.token_urlsafe(16)


def new_invitation_token() -> str:
    """Return an unguessable invitation token (192 random bits; longer than a public key)."""
    return secrets.token_urlsafe(24)


def new_identity_secret() -> str:
    return secrets.token_urlsafe(32)
