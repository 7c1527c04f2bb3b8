"""The queue's rows, built a column at a time, are the admin's own rows, and its result list the admin's own."""

import pytest
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone

from closedloop import queue_rows
from closedloop.models import Case, RootCause
from tests.closedloop.factories import CaseFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
CHANGELIST = "/admin/closedloop/case/"


@pytest.fixture
def agent(user_with_role):
    return user_with_role("CX staff", "li")


@pytest.fixture
def console(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def cases(agent):
    CaseFactory(
        owner=agent,
        status=Case.Status.ASSIGNED,
        comment='<b>bold</b> 退款 "quoted" 😡 ' + "很长的评论" * 20,
        customer_name="華東 & Co",
        touchpoint_key="账单",
    )
    CaseFactory(priority=1, escalated_at=timezone.now(), root_cause=RootCause.objects.first(), polarity=None)
    CaseFactory(language="", touchpoint_key="", customer_external_id="", score=None, customer_id=None)


@pytest.mark.parametrize("params", [{}, {"status": "assigned", "o": "-3"}, {"q": "華東"}, {"o": "2.-5"}])
def test_the_rows_and_the_result_list_are_the_admins_own(console, cases, params):
    page = console.get(CHANGELIST, params)
    cl = page.context["cl"]
    assert cl.result_list

    rows = [list(row) for row in admin_list.results(cl)]
    assert queue_rows.result_rows(cl) == rows  # cell by cell
    template = "admin/change_list_results.html"
    assert render_to_string(template, queue_rows.case_result_list(cl)) == render_to_string(
        template, admin_list.result_list(cl)
    )
    for row in rows:  # each row reaches the page whole, as the admin's template would write it
        assert "<tr>" + "".join(row) + "</tr>" in page.content.decode()


def test_columns_the_rows_cannot_build_are_left_to_the_admin(console, monkeypatch):
    from closedloop.admin.cases import CaseAdmin

    case = CaseFactory(customer_external_id="acme-7")
    monkeypatch.setattr(CaseAdmin, "list_display", ("number", "__str__", "priority_badge"))

    page = console.get(CHANGELIST)

    assert page.status_code == 200
    assert not queue_rows.rows_supported(page.context["cl"])
    assert str(case) in page.content.decode()
