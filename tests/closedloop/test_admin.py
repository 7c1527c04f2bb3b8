"""The triage console: CX staff see the queue, work a case through the service, and act on many at once."""

from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from closedloop import paging, selectors, services
from closedloop.models import Case, CaseActivity, RootCause, Team
from tests.closedloop.factories import CaseFactory, CaseTriggerFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
CHANGELIST = "/admin/closedloop/case/"
SCRIPT = "<script>alert(1)</script>"


def change_url(case: Case) -> str:
    return f"{CHANGELIST}{case.pk}/change/"


def form_data(client, case: Case, **changes) -> dict:
    """What a browser posts back from the case page as it is now, with `changes` made."""
    page = client.get(change_url(case))
    data = {field.html_name: field.value() for field in page.context["adminform"].form}
    # the hidden "initial-" inputs the page carries: what each field showed
    data.update(
        {
            field.html_initial_name: field.initial
            for field in page.context["adminform"].form
            if field.field.show_hidden_initial
        }
    )
    for inline in page.context["inline_admin_formsets"]:
        data.update({field.html_name: field.value() for field in inline.formset.management_form})
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None and value is not False}


def shown(client, **params) -> set[Case]:
    page = client.get(CHANGELIST, params)
    assert page.status_code == 200
    return set(page.context["cl"].result_list)


def act(client, action: str, cases, **fields):
    """Run a changelist action on `cases` as the action bar of "All cases" posts it; return the page it leads to."""
    data = {"action": action, "index": "0", "_selected_action": [case.pk for case in cases], **fields}
    return client.post(f"{CHANGELIST}?status__exact=all", data, follow=True)


def said(page, level=None) -> list[str]:
    return [str(message) for message in page.context["messages"] if level is None or message.level == level]


@pytest.fixture
def agent(db, user_with_role):
    return user_with_role("CX staff", "li")


@pytest.fixture
def console(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def cause():
    return RootCause.objects.get(key="data-sync")


# --- The queue -----------------------------------------------------------------------------------


def test_the_queue_shows_the_most_urgent_first_with_its_badges(console):
    now = timezone.now()
    calm = CaseFactory(priority=4, survey_kind="ces", score=2, touchpoint_key="onboarding")
    urgent = CaseFactory(
        priority=1,
        customer_external_id="acme-7",
        customer_name="Acme 华东",
        due_at=now - timedelta(hours=1),
        sla=Case.Sla.OVERDUE,
        escalated_at=now,
    )

    page = console.get(CHANGELIST)

    body = page.content.decode()
    assert list(page.context["cl"].result_list) == [urgent, calm]
    for badge in ("P1", "P4", "Overdue", "On track", "escalated"):
        assert f">{badge}</span>" in body
    assert "acme-7<br>Acme 华东" in body
    assert "NPS 3" in body
    assert "CES 2" in body
    assert "onboarding" in body


def test_the_queue_filters_mine_overdue_touchpoint_and_language(console, agent):
    now = timezone.now()
    mine = CaseFactory(owner=agent, status=Case.Status.ASSIGNED, touchpoint_key="onboarding")
    late = CaseFactory(due_at=now - timedelta(minutes=5))  # before the periodic check marks it overdue
    chinese = CaseFactory(language="zh", comment="退款申请两周了还没处理")
    missed = CaseFactory(status=Case.Status.RESOLVED, due_at=now - timedelta(hours=1), sla=Case.Sla.MISSED)

    assert shown(console, owner="mine") == {mine}
    assert shown(console, owner="nobody") == {late, chinese}  # the open work, by default
    assert shown(console, owner="nobody", status__exact="all") == {late, chinese, missed}
    assert shown(console, sla="overdue") == {late}
    assert shown(console, sla="missed") == {missed}  # the SLA of ended cases: the default gives way
    assert shown(console, touchpoint_key="onboarding") == {mine}
    assert shown(console, language="zh") == {chinese}
    assert shown(console, status="resolved") == {missed}  # links with a plain status lookup keep working
    assert shown(console, status__exact="resolved") == {missed}


def test_the_queue_opens_on_the_open_work_overdue_first_then_priority_then_due(console):
    now = timezone.now()
    ended = CaseFactory(priority=1, status=Case.Status.CLOSED, due_at=now - timedelta(days=150))
    calm_p1 = CaseFactory(priority=1, due_at=now + timedelta(hours=2))
    late_p3 = CaseFactory(priority=3, status=Case.Status.CONTACTED, due_at=now - timedelta(hours=1))
    late_p2 = CaseFactory(priority=2, status=Case.Status.ASSIGNED, due_at=now - timedelta(minutes=5))
    later_p1 = CaseFactory(priority=1, due_at=now + timedelta(hours=9))
    soon_p4 = CaseFactory(priority=4, due_at=now + timedelta(hours=1))

    page = console.get(CHANGELIST)

    assert list(page.context["cl"].result_list) == [late_p2, late_p3, calm_p1, later_p1, soon_p4]
    everything = console.get(CHANGELIST, {"status__exact": "all"}).context["cl"].result_list
    assert list(everything) == [late_p2, late_p3, calm_p1, later_p1, soon_p4, ended]
    assert shown(console, status__exact="closed") == {ended}
    by_due = console.get(CHANGELIST, {"o": "4"}).context["cl"].result_list  # a column's order still wins
    assert list(by_due) == [late_p3, late_p2, soon_p4, calm_p1, later_p1]


def test_the_queue_offers_mine_and_the_other_views_in_one_click(console, agent):
    mine = CaseFactory(owner=agent, status=Case.Status.ASSIGNED)
    CaseFactory()

    body = console.get(CHANGELIST).content.decode()
    views = body.split('class="cx-views"')[1].split("</ul>")[0]
    assert '<a href="?" aria-current="page">Open work</a>' in views
    assert '<a href="?owner=mine">Mine</a>' in views
    assert '<a href="?status__exact=all">All cases</a>' in views
    assert shown(console, owner="mine") == {mine}
    mine_view = console.get(CHANGELIST, {"owner": "mine"}).content.decode()
    assert '<a href="?owner=mine" aria-current="page">Mine</a>' in mine_view


def test_an_unknown_status_in_the_queue_is_refused_not_a_500(console):
    page = console.get(CHANGELIST, {"status__exact": "lost"})
    assert page.status_code == 302
    assert page["Location"].endswith("?e=1")


def test_the_owner_field_offers_no_edit_add_or_delete_user_icons(console):
    case = CaseFactory()
    body = console.get(change_url(case)).content.decode()
    assert 'id="id_owner"' in body
    for link in ("change_id_owner", "add_id_owner", "delete_id_owner", "view_id_owner"):
        assert link not in body


def test_the_queue_finds_a_chinese_comment_and_a_customer(console):
    refund = CaseFactory(comment="退款申请两周了还没处理，客服也不回复", customer_name="华东贸易")
    CaseFactory(comment="Export to Excel is slow.")

    assert shown(console, q="退款") == {refund}
    assert shown(console, q="华东") == {refund}
    assert shown(console, q=refund.customer_email) == {refund}
    assert "退款申请两周了" in console.get(CHANGELIST, {"q": "退款"}).content.decode()


def test_the_queue_does_not_query_per_row(console, agent, user_with_role):
    causes = list(RootCause.objects.all()[:3])
    owners = [agent, user_with_role("CX staff", "wang"), None]
    team = Team.objects.get()

    def open_cases(count):
        for i in range(count):
            CaseFactory(owner=owners[i % 3], root_cause=causes[i % 3], team=team, touchpoint_key=f"tp-{i % 4}")

    open_cases(5)
    with CaptureQueriesContext(connection) as few:
        assert console.get(CHANGELIST).status_code == 200
    open_cases(45)
    with CaptureQueriesContext(connection) as many:
        page = console.get(CHANGELIST)

    assert len(page.context["cl"].result_list) == 50
    assert len(many) == len(few) <= 12, "\n".join(query["sql"] for query in many.captured_queries)


def test_the_touchpoint_filter_lists_the_touchpoints_cases_came_from():
    for key in ("onboarding", "账单", "billing", "onboarding", "", "帳單"):
        CaseFactory(touchpoint_key=key)

    keys = selectors.case_touchpoint_keys()

    assert keys == list(Case.objects.order_by("touchpoint_key").values_list("touchpoint_key", flat=True).distinct())
    assert sorted(keys) == sorted({"onboarding", "账单", "billing", "", "帳單"})


@pytest.mark.postgres
def test_the_last_page_of_an_estimated_queue_counts_exactly(console, monkeypatch):
    CaseFactory.create_batch(120)
    monkeypatch.setattr(paging, "ESTIMATE_FROM", 10)

    monkeypatch.setattr(selectors, "case_count_estimate", lambda: 180)  # too high: dead rows, say
    high = console.get(CHANGELIST, {"p": "3", "status__exact": "all"})
    assert len(high.context["cl"].result_list) == 20
    assert "120 cases" in high.content.decode()
    assert "about" not in high.content.decode().split('class="paginator"')[1]

    monkeypatch.setattr(selectors, "case_count_estimate", lambda: 60)  # too low: rows past it stay reachable
    low = console.get(CHANGELIST, {"p": "3", "status__exact": "all"})
    assert low.status_code == 200
    assert len(low.context["cl"].result_list) == 20


@pytest.mark.postgres
def test_the_whole_queue_past_the_threshold_counts_by_postgresqls_estimate(console, monkeypatch):
    CaseFactory.create_batch(30)
    CaseFactory.create_batch(2, language="zh")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE closedloop_case")
    monkeypatch.setattr(paging, "ESTIMATE_FROM", 20)

    whole = console.get(CHANGELIST, {"status__exact": "all"})  # every case: no filter at all
    assert whole.context["cl"].paginator.estimated
    assert whole.context["cl"].result_count == 32  # ANALYZE read every row of so small a table
    assert "about 32 cases" in whole.content.decode()
    filtered = console.get(CHANGELIST, {"language": "zh"})
    assert not filtered.context["cl"].paginator.estimated
    assert filtered.context["cl"].result_count == 2

    assert not console.get(CHANGELIST).context["cl"].paginator.estimated  # the open work is counted exactly
    monkeypatch.setattr(paging, "ESTIMATE_FROM", 33)
    assert not console.get(CHANGELIST, {"status__exact": "all"}).context["cl"].paginator.estimated


# --- The case page -------------------------------------------------------------------------------


def test_the_case_page_shows_the_snapshot_answers_activity_and_history(console, agent):
    case = CaseFactory(
        customer_id=7,
        customer_external_id="acme-7",
        customer_name="Acme 华东",
        comment="退款申请两周了还没处理",
        keywords=["退款", "客服"],
        polarity=-0.72,
    )
    CaseTriggerFactory(case=case, source_id=999_001, score=1, comment="同步又失败了")
    services.case_note_add(case_id=case.pk, actor=agent, text="Called, no answer yet.")
    earlier = CaseFactory(
        customer_id=7,
        status=Case.Status.CLOSED,
        comment="Invoices were wrong.",
        opened_at=timezone.now() - timedelta(days=60),
    )

    body = console.get(change_url(case)).content.decode()

    for text in ("Acme 华东", "退款申请两周了还没处理", "Negative 86%", "客服", "NPS 3", "billing"):
        assert text in body  # the snapshot
    assert 'name="comment"' not in body  # read-only: what the customer said, as it was
    for field in ("owner", "status", "priority", "root_cause", "resolution", "note", "resurvey_in_days"):
        assert f'name="{field}"' in body
    assert "同步又失败了" in body  # an attached answer
    assert "Called, no answer yet." in body  # the activity log
    assert f'href="/admin/closedloop/case/{earlier.pk}/change/"' in body
    assert "Invoices were wrong." in body
    assert 'href="/admin/feedback/feedbackitem/?q=acme-7"' in body


def test_assigning_through_the_form(console, agent):
    case = CaseFactory()

    res = console.post(change_url(case), form_data(console, case, owner=agent.pk))

    assert res.status_code == 302
    case.refresh_from_db()
    assert (case.owner, case.status) == (agent, Case.Status.ASSIGNED)
    assert list(case.activities.values_list("kind", "actor")) == [("assigned", agent.pk), ("status", agent.pk)]


def test_saving_a_note_does_not_undo_what_a_colleague_changed_meanwhile(console, agent, user_with_role):
    case = CaseFactory(owner=agent, status=Case.Status.ASSIGNED)
    colleague = user_with_role("CX staff", "wang")
    data = form_data(console, case, note="客户说明天再联系。")  # the page as it was when opened
    services.case_change(case_id=case.pk, actor=colleague, change=services.CaseChange(owner_id=colleague.pk))

    res = console.post(change_url(case), data)

    assert res.status_code == 302
    case.refresh_from_db()
    assert case.owner == colleague
    assert list(case.activities.values_list("kind", "actor__username")) == [("assigned", "wang"), ("note", "li")]


def test_the_case_page_takes_the_same_number_of_queries_for_1_or_10_answers_and_entries(console, agent):
    case = CaseFactory(customer_id=7)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert console.get(change_url(case)).status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(9):
        CaseTriggerFactory(case=case, source_id=990_000 + n, comment=f"第{n}次反馈")
        services.case_note_add(case_id=case.pk, actor=agent, text=f"Note {n}")
        CaseFactory(customer_id=7, status=Case.Status.CLOSED)
    many = count_queries()

    assert many == few, "the case page's queries grew with its answers, log and history"


def test_marking_contacted_through_the_form(console, agent):
    case = CaseFactory(owner=agent, status=Case.Status.ASSIGNED)

    res = console.post(change_url(case), form_data(console, case, status="contacted", priority=1))

    assert res.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.priority) == (Case.Status.CONTACTED, 1)
    assert case.first_contact_at is not None
    assert set(case.activities.values_list("kind", flat=True)) == {"status", "priority"}


def test_resolving_with_a_note_tells_the_customer(console, agent, cause, django_capture_on_commit_callbacks):
    case = CaseFactory(owner=agent, status=Case.Status.CONTACTED, customer_name="华东贸易", locale="zh-CN")
    data = form_data(
        console,
        case,
        status="resolved",
        root_cause=cause.pk,
        resolution="订单同步已修复。",
        note="Called the customer, confirmed the fix.",
        notify_customer="on",
        resurvey_in_days=30,
    )

    with django_capture_on_commit_callbacks(execute=True):
        res = console.post(change_url(case), data)

    assert res.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.root_cause, case.resolution) == (Case.Status.RESOLVED, cause, "订单同步已修复。")
    assert case.sla == Case.Sla.MET
    assert case.resolved_at is not None
    assert case.customer_notified_at is not None
    assert case.resurvey_due_at > timezone.now() + timedelta(days=29)
    assert list(case.activities.values_list("kind", flat=True)) == [
        "root_cause",
        "edited",  # the resolution
        "status",
        "edited",  # the re-survey
        "note",
        "notified",
    ]
    assert case.activities.get(kind="note").message == "Called the customer, confirmed the fix."
    [sent] = mail.outbox
    assert sent.to == [case.customer_email]
    assert sent.subject == "关于您的反馈，我们已经处理"
    assert "华东贸易" in sent.body
    assert "订单同步已修复。" in sent.body


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"status": "resolved", "resolution": "Fixed."}, "status", "Choose a root cause before resolving the case."),
        ({"status": "closed"}, "status", "Only a resolved case can be closed; resolve it first."),
        ({"notify_customer": "on"}, "notify_customer", "The customer can be told only about a resolved case."),
        ({"resurvey_in_days": 30}, "resurvey_in_days", "Only a resolved case's customer can be surveyed again."),
    ],
)
def test_a_refused_change_is_a_form_error_and_changes_nothing(console, agent, changes, field, reason):
    case = CaseFactory(owner=agent, status=Case.Status.ASSIGNED)

    res = console.post(change_url(case), form_data(console, case, priority=1, note="Tried.", **changes))

    assert res.status_code == 200
    assert res.context["adminform"].form.errors[field] == [reason]
    case.refresh_from_db()
    assert (case.status, case.priority, case.resolution) == (Case.Status.ASSIGNED, 2, "")
    assert not CaseActivity.objects.exists()
    assert not mail.outbox


def test_cases_cannot_be_added_or_deleted(admin_client):
    case = CaseFactory()

    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}{case.pk}/delete/").status_code == 403
    assert "delete_selected" not in admin_client.get(CHANGELIST).content.decode()


# --- Actions -------------------------------------------------------------------------------------


def test_assign_to_me(console, agent):
    first, second = CaseFactory(), CaseFactory()

    page = act(console, "assign_to_me", [first, second])

    assert said(page, messages.SUCCESS) == ["2 cases assigned to li."]
    assert set(Case.objects.values_list("owner", "status")) == {(agent.pk, "assigned")}


def test_assign_to_someone_asks_whom_then_assigns(console, user_with_role):
    wang = user_with_role("CX staff", "wang")
    user_with_role("CX staff", "gone", is_active=False)
    User.objects.create_user("customer-portal", "portal@example.com", "pw")  # not staff
    first, second = CaseFactory(), CaseFactory()

    asked = act(console, "assign_to", [first, second])

    body = asked.content.decode()
    assert asked.templates[0].name == "admin/closedloop/case/assign.html"
    assert ">wang<" in body
    assert ">gone<" not in body
    assert ">customer-portal<" not in body
    assert not Case.objects.filter(owner__isnull=False).exists()

    data = {"action": "assign_to", "_selected_action": [first.pk, second.pk], "apply": "1", "owner": wang.pk}
    page = console.post(CHANGELIST, data, follow=True)

    assert said(page, messages.SUCCESS) == ["2 cases assigned to wang."]
    assert set(Case.objects.values_list("owner", flat=True)) == {wang.pk}
    assert CaseActivity.objects.filter(kind="assigned").count() == 2


def test_mark_contacted_names_the_cases_it_cannot_move(console, agent):
    fresh = CaseFactory()
    closed = CaseFactory(status=Case.Status.CLOSED, customer_external_id="acme-7")

    page = act(console, "mark_contacted", [fresh, closed])

    assert said(page, messages.SUCCESS) == ["1 case marked contacted."]
    assert said(page, messages.WARNING) == [f"Left unchanged: {closed}: A closed case cannot become contacted."]
    fresh.refresh_from_db()
    closed.refresh_from_db()
    assert (fresh.status, closed.status) == (Case.Status.CONTACTED, Case.Status.CLOSED)
    assert fresh.first_contact_at is not None


def test_resolve_action_uses_the_root_cause_and_resolution_of_the_action_bar(console, agent, cause):
    worked = CaseFactory(owner=agent, status=Case.Status.CONTACTED)
    closed = CaseFactory(status=Case.Status.CLOSED)

    page = act(console, "resolve", [worked, closed], root_cause=cause.pk, resolution="Sync fixed in 4.2.1.")

    assert said(page, messages.SUCCESS) == ["1 case resolved."]
    assert said(page, messages.WARNING) == [f"Left unchanged: {closed}: A closed case cannot become resolved."]
    worked.refresh_from_db()
    assert (worked.status, worked.root_cause, worked.resolution) == ("resolved", cause, "Sync fixed in 4.2.1.")
    assert worked.activities.filter(kind="status", actor=agent).exists()


def test_resolve_action_needs_a_root_cause_and_a_resolution(console, agent, cause):
    case = CaseFactory(owner=agent, status=Case.Status.CONTACTED)

    without_cause = act(console, "resolve", [case], resolution="Sync fixed.")
    without_resolution = act(console, "resolve", [case], root_cause=cause.pk)

    for page in (without_cause, without_resolution):
        assert said(page, messages.ERROR) == [
            "To resolve cases, choose a root cause and describe the resolution next to the action."
        ]
    case.refresh_from_db()
    assert case.status == Case.Status.CONTACTED
    assert not CaseActivity.objects.exists()


# --- Roles ---------------------------------------------------------------------------------------

SETTINGS = ["caserule", "slapolicy", "rootcause", "notetemplate", "team"]


def test_staff_see_and_work_cases(client, user_with_role):
    agent = user_with_role("CX staff", "li")
    case = CaseFactory()
    client.force_login(agent)

    assert client.get(CHANGELIST).status_code == 200
    assert client.get(change_url(case)).status_code == 200
    assert client.post(change_url(case), form_data(client, case, owner=agent.pk)).status_code == 302
    case.refresh_from_db()
    assert case.owner == agent


@pytest.mark.parametrize("model", SETTINGS)
def test_leads_edit_the_settings_staff_only_read_them(client, model, user_with_role):
    client.force_login(user_with_role("CX lead", "zhao"))
    assert client.get(f"/admin/closedloop/{model}/").status_code == 200
    assert client.get(f"/admin/closedloop/{model}/add/").status_code == 200

    client.force_login(user_with_role("CX staff", "li"))
    assert client.get(f"/admin/closedloop/{model}/").status_code == 200
    assert client.get(f"/admin/closedloop/{model}/add/").status_code == 403


def test_a_lead_adds_a_root_cause(client, user_with_role):
    client.force_login(user_with_role("CX lead", "zhao"))

    res = client.post(
        "/admin/closedloop/rootcause/add/",
        {"key": "warehouse", "name_en": "Warehouse", "name_zh": "仓库", "active": "on", "position": 20},
    )

    assert res.status_code == 302
    assert RootCause.objects.get(key="warehouse").name_zh == "仓库"


def test_marketing_does_not_see_cases(client, user_with_role):
    client.force_login(user_with_role("Marketing", "chen"))

    assert client.get(CHANGELIST).status_code == 403


# --- Personal data is shown, never run -----------------------------------------------------------


def test_comments_are_escaped_on_the_queue_and_the_case_page(console):
    case = CaseFactory(customer_id=7, comment=SCRIPT, customer_name=SCRIPT, keywords=[SCRIPT])
    CaseFactory(customer_id=7, status=Case.Status.CLOSED, comment=SCRIPT)

    for url in (CHANGELIST, change_url(case)):
        body = console.get(url).content.decode()
        assert SCRIPT not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_reopening_while_the_customer_has_another_open_case_is_refused(console, agent):
    resolved = CaseFactory(customer_id=7, owner=agent, status=Case.Status.RESOLVED)
    CaseFactory(customer_id=7)  # opened by a later answer

    res = console.post(change_url(resolved), form_data(console, resolved, status="assigned"))

    assert res.status_code == 200
    assert "is open; work that one" in res.context["adminform"].form.errors["status"][0]
    resolved.refresh_from_db()
    assert resolved.status == Case.Status.RESOLVED


def test_a_case_id_that_is_not_a_number_is_the_admin_s_own_answer_not_a_server_error(admin_client):
    # the page looks up the comment's feedback item (to correct its sentiment) before Django reads the case
    response = admin_client.get(f"{CHANGELIST}abc/change/")
    assert response.status_code == 302  # Django's admin: back to the list, saying the case does not exist
