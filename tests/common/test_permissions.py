"""HasPerm: active staff holding the named permission; another one for writes when given."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from rest_framework.test import APIRequestFactory

from common.api.permissions import HasPerm

pytestmark = pytest.mark.django_db


def _user(django_user_model, *codenames, is_staff=True, is_active=True):
    user = django_user_model.objects.create_user(f"u{django_user_model.objects.count()}", is_staff=is_staff)
    user.is_active = is_active
    user.save()
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return django_user_model.objects.get(pk=user.pk)  # fresh permission cache


def _allowed(permission, user, method="get"):
    request = getattr(APIRequestFactory(), method)("/")
    request.user = user
    return permission().has_permission(request, None)  # DRF calls each entry of permission_classes


def test_staff_with_the_permission_may_read(django_user_model):
    access = HasPerm("closedloop.view_case", write="closedloop.change_case")
    reader = _user(django_user_model, "closedloop.view_case")
    assert _allowed(access, reader)
    assert not _allowed(access, reader, "post")
    writer = _user(django_user_model, "closedloop.view_case", "closedloop.change_case")
    assert _allowed(access, writer, "patch")


def test_without_write_the_read_permission_covers_every_method(django_user_model):
    access = HasPerm("closedloop.add_referral")
    assert _allowed(access, _user(django_user_model, "closedloop.add_referral"), "post")


@pytest.mark.parametrize("kind", ["anonymous", "not staff", "inactive", "staff without it"])
def test_everyone_else_is_refused(django_user_model, kind):
    access = HasPerm("closedloop.view_case")
    user = {
        "anonymous": lambda: AnonymousUser(),
        "not staff": lambda: _user(django_user_model, "closedloop.view_case", is_staff=False),
        "inactive": lambda: _user(django_user_model, "closedloop.view_case", is_active=False),
        "staff without it": lambda: _user(django_user_model),
    }[kind]()
    assert not _allowed(access, user)
