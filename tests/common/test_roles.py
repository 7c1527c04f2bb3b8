"""The roles as declared in common.roles are what a migrated database holds."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from common.roles import LEAD, MARKETING, ROLES, STAFF, roles_apply

pytestmark = pytest.mark.django_db


def _held(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize("name", [STAFF, LEAD, MARKETING])
def test_each_role_holds_exactly_what_it_declares(name):
    assert _held(name) == ROLES[name]


def test_a_lead_can_do_all_staff_can_and_marketing_reads_no_comments():
    assert ROLES[STAFF] < ROLES[LEAD]
    assert not {"surveys.view_response", "feedback.view_feedbackitem", "closedloop.view_case"} & ROLES[MARKETING]


def test_applying_again_keeps_what_an_administrator_added():
    extra = Permission.objects.get(content_type__app_label="surveys", codename="add_survey")
    Group.objects.get(name=MARKETING).permissions.add(extra)
    roles_apply(apps)
    assert _held(MARKETING) == ROLES[MARKETING] | {"surveys.add_survey"}


def test_a_permission_no_app_declares_is_an_error():
    with pytest.raises(RuntimeError, match=r"closedloop\.fly_case"):
        roles_apply(apps, {STAFF: {"closedloop.fly_case"}})
