"""The marketing admin: advocates with what their referrals brought, the actions on them, referrals and exports."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from closedloop import exports, selectors
from closedloop.models import Advocate, AdvocateExport, AdvocateOptOut, Referral
from tests.closedloop.factories import AdvocateFactory, ReferralFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
ADVOCATES = "/admin/closedloop/advocate/"
REFERRALS = "/admin/closedloop/referral/"
EXPORTS = "/admin/closedloop/advocateexport/"
CASES = "/admin/closedloop/case/"
EXPORT_ACTIONS = {"export_csv", "export_xlsx"}


def change_url(advocate: Advocate) -> str:
    return f"{ADVOCATES}{advocate.pk}/change/"


def act(client, action: str, advocates, follow=True):
    """Run a changelist action on `advocates` as the action bar posts it."""
    data = {"action": action, "index": "0", "_selected_action": [advocate.pk for advocate in advocates]}
    return client.post(ADVOCATES, data, follow=follow)


def said(page, level: int) -> list[str]:
    return [str(message) for message in page.context["messages"] if message.level == level]


def statuses(*advocates) -> list[str]:
    found = dict(Advocate.objects.values_list("pk", "status"))
    return [found[advocate.pk] for advocate in advocates]


def action_names(page) -> set[str]:
    return {name for name, _label in page.context["action_form"].fields["action"].choices if name}


@pytest.fixture
def mei(db, user_with_role):
    return user_with_role("Marketing", "mei")


@pytest.fixture
def marketing(client, mei):
    client.force_login(mei)
    return client


# --- Who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(("group", "status"), [("Marketing", 200), ("CX lead", 200), ("CX staff", 403)])
@pytest.mark.parametrize("url", [ADVOCATES, REFERRALS, EXPORTS])
def test_marketing_and_leads_see_advocates_referrals_and_exports_cx_staff_do_not(
    client, group, status, url, user_with_role
):
    ReferralFactory()
    AdvocateExport.objects.create(format="csv", filters={}, row_count=1)
    client.force_login(user_with_role(group, "user"))

    assert client.get(url).status_code == status


def test_marketing_does_not_see_cases(marketing):
    assert marketing.get(CASES).status_code == 403


def test_cx_staff_do_not_see_an_advocate_page(client, user_with_role):
    advocate = AdvocateFactory()
    client.force_login(user_with_role("CX staff", "li"))

    assert client.get(change_url(advocate)).status_code == 403
    assert act(client, "mark_active", [advocate], follow=False).status_code == 403
    assert statuses(advocate) == ["candidate"]


def test_advocates_are_neither_added_deleted_nor_edited_by_hand(marketing):
    advocate = AdvocateFactory(last_score=9, last_comment="Great product")

    assert marketing.get(f"{ADVOCATES}add/").status_code == 403
    assert marketing.get(f"{ADVOCATES}{advocate.pk}/delete/").status_code == 403
    page = marketing.get(change_url(advocate))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields  # every field shown read-only
    assert 'name="_save"' not in page.content.decode()
    posted = marketing.post(change_url(advocate), {"last_score": 0, "status": "active", "last_comment": "edited"})
    assert posted.status_code == 403
    advocate.refresh_from_db()
    assert (advocate.last_score, advocate.status, advocate.last_comment) == (9, "candidate", "Great product")


def test_referrals_and_the_export_log_are_read_only(marketing, mei):
    referral = ReferralFactory(kind=Referral.Kind.CONVERSION, revenue=Decimal("120.50"))
    export = AdvocateExport.objects.create(actor=mei, format="xlsx", filters={"admin_selection": 3}, row_count=2)

    for base, obj in ((REFERRALS, referral), (EXPORTS, export)):
        assert marketing.get(f"{base}add/").status_code == 403
        assert marketing.get(f"{base}{obj.pk}/delete/").status_code == 403
        assert marketing.get(f"{base}{obj.pk}/change/").status_code == 200
        assert marketing.post(f"{base}{obj.pk}/change/", {"row_count": 0, "revenue": "0"}).status_code == 403
    referral.refresh_from_db()
    export.refresh_from_db()
    assert (referral.revenue, export.row_count) == (Decimal("120.50"), 2)


# --- The advocate list ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_list_shows_chinese_names_and_what_referrals_brought(marketing, language):
    wang = AdvocateFactory(
        customer_external_id="王小明",
        customer_name="王小明",
        customer_plan="专业版",
        touchpoint_key="账单",
        last_comment="上手很顺利，客服很专业 👍",
        language="zh",
    )
    chan = AdvocateFactory(
        customer_external_id="陳大文", customer_name="陳大文 😀", last_comment="續約很簡單，推薦給朋友"
    )
    ReferralFactory(advocate=wang, kind=Referral.Kind.SIGNUP)
    ReferralFactory(advocate=wang, kind=Referral.Kind.CONVERSION, revenue=Decimal("120.50"))
    ReferralFactory(advocate=wang, kind=Referral.Kind.CONVERSION, revenue=Decimal("80"))

    page = marketing.get(ADVOCATES, HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 200
    body = page.content.decode()
    for text in ("王小明", "陳大文 😀", "专业版", "账单", wang.code, chan.code):
        assert text in body
    rows = {advocate.pk: advocate for advocate in page.context["cl"].result_list}
    assert (rows[wang.pk].signups, rows[wang.pk].conversions, rows[wang.pk].referral_revenue) == (
        1,
        2,
        Decimal("200.50"),
    )
    assert (rows[chan.pk].signups, rows[chan.pk].conversions, rows[chan.pk].referral_revenue) == (0, 0, None)


def test_the_list_filters_and_finds_advocates(marketing):
    wang = AdvocateFactory(customer_name="王小明", customer_plan="专业版", touchpoint_key="账单", language="zh")
    chan = AdvocateFactory(customer_name="陳大文", status=Advocate.Status.INVITED, locale="zh-hant")
    other = AdvocateFactory(customer_email="someone@example.org")

    def shown(**params):
        page = marketing.get(ADVOCATES, params)
        assert page.status_code == 200
        return set(page.context["cl"].result_list)

    assert shown(q="王小明") == {wang}
    assert shown(q="陳大") == {chan}
    assert shown(q="someone@example") == {other}
    assert shown(q=chan.code) == {chan}
    assert shown(status="invited") == {chan}
    assert shown(touchpoint_key="账单") == {wang}
    assert shown(customer_plan="专业版") == {wang}
    assert shown(language="zh") == {wang}
    assert shown(locale="zh-hant") == {chan}


def test_the_list_does_not_query_per_advocate(marketing):
    def advocates_with_referrals(count):
        for _ in range(count):
            advocate = AdvocateFactory()
            ReferralFactory(advocate=advocate, kind=Referral.Kind.SIGNUP)
            ReferralFactory(advocate=advocate, kind=Referral.Kind.CONVERSION, revenue=Decimal("10"))

    advocates_with_referrals(3)
    with CaptureQueriesContext(connection) as few:
        assert marketing.get(ADVOCATES).status_code == 200
    advocates_with_referrals(27)
    with CaptureQueriesContext(connection) as many:
        page = marketing.get(ADVOCATES)

    assert len(page.context["cl"].result_list) == 30
    assert len(many) == len(few) <= 16, "\n".join(query["sql"] for query in many.captured_queries)


def test_the_advocate_page_shows_the_answer_the_referrals_and_the_link(marketing):
    advocate = AdvocateFactory(customer_name="陳大文", last_comment="續約很簡單，推薦給朋友 👍", visits=4)
    ReferralFactory(advocate=advocate, external_id="order-华东-1", kind=Referral.Kind.CONVERSION, revenue=Decimal("99"))

    page = marketing.get(change_url(advocate))

    body = page.content.decode()
    assert "續約很簡單，推薦給朋友 👍" in body
    assert "order-华东-1" in body
    assert f"/r/{advocate.code}</code>" in body
    assert f'href="/r/{advocate.code}"' not in body  # following it from the admin would count a visit
    assert f"{REFERRALS}?q={advocate.code}" in body
    assert not page.context["inline_admin_formsets"][0].has_add_permission


def test_a_comment_is_shown_never_run(marketing):
    script = "<script>alert(1)</script>"
    advocate = AdvocateFactory(customer_name=script, last_comment=script)

    for url in (ADVOCATES, change_url(advocate)):
        body = marketing.get(url).content.decode()
        assert script not in body
        assert "&lt;script&gt;" in body


# --- The summary ---------------------------------------------------------------------------------


def test_the_summary_counts_statuses_and_the_last_90_days(marketing, settings):
    settings.CX_REFERRAL_REWARD_COST = Decimal(0)
    now = timezone.now()
    first, second = AdvocateFactory(), AdvocateFactory(status=Advocate.Status.ACTIVE)
    AdvocateFactory(status=Advocate.Status.OPTED_OUT)
    ReferralFactory(advocate=first, kind=Referral.Kind.SIGNUP, occurred_at=now - timedelta(days=3))
    ReferralFactory(advocate=first, kind=Referral.Kind.CONVERSION, revenue=Decimal("150"), occurred_at=now)
    ReferralFactory(
        advocate=second, kind=Referral.Kind.CONVERSION, revenue=Decimal("999"), occurred_at=now - timedelta(days=91)
    )

    page = marketing.get(ADVOCATES)

    summary = page.context["advocate_summary"]
    assert dict(summary["statuses"])["Candidate"] == 1
    assert dict(summary["statuses"])["Active"] == 1
    assert dict(summary["statuses"])["Opted out"] == 1
    assert (summary["signups"], summary["conversions"], summary["revenue"]) == (1, 1, Decimal("150"))
    body = page.content.decode()
    assert "Referrals in the last 90 days" in body
    assert "ROI" not in body


def test_the_summary_shows_roi_with_a_reward_cost(marketing, settings):
    settings.CX_REFERRAL_REWARD_COST = Decimal("50")
    ReferralFactory(kind=Referral.Kind.CONVERSION, revenue=Decimal("150"))

    body = marketing.get(ADVOCATES).content.decode()

    assert "ROI (a reward of 50.00 per conversion)" in body
    assert "<strong>200&nbsp;%</strong>" in body  # (150 − 50) / 50


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_summary_renders_in_chinese(marketing, settings, language):
    settings.CX_REFERRAL_REWARD_COST = Decimal("25")
    ReferralFactory(kind=Referral.Kind.CONVERSION, revenue=Decimal("10"))

    page = marketing.get(ADVOCATES, HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 200
    assert 'id="advocate-summary"' in page.content.decode()


# --- Moving advocates along ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "target", "movable"),
    [
        ("mark_invited", "invited", ["candidate"]),
        ("mark_active", "active", ["candidate", "invited"]),
        ("mark_declined", "declined", ["candidate", "invited", "active"]),
    ],
)
def test_marking_moves_those_the_rules_allow_and_warns_about_the_rest(marketing, mei, action, target, movable):
    moving = [AdvocateFactory(status=status) for status in movable]
    gone, retired = AdvocateFactory(status="opted_out"), AdvocateFactory(status="inactive")

    page = act(marketing, action, [*moving, gone, retired])

    assert statuses(*moving, gone, retired) == [target] * len(moving) + ["opted_out", "inactive"]
    noun = "advocate" if len(moving) == 1 else "advocates"
    assert said(page, messages.SUCCESS) == [f"{len(moving)} {noun} marked {target}."]
    assert sorted(said(page, messages.WARNING)) == [
        f"1 advocate left as they were: An advocate who is inactive cannot become {target}.",
        f"1 advocate left as they were: An advocate who is opted_out cannot become {target}.",
    ]
    moved = Advocate.objects.get(pk=moving[0].pk)
    assert moved.status_changed_by == mei
    assert moved.status_changed_at is not None


def test_marking_the_status_they_have_changes_nothing(marketing):
    invited = AdvocateFactory(status="invited")

    page = act(marketing, "mark_invited", [invited])

    assert statuses(invited) == ["invited"]
    assert said(page, messages.INFO) == ["0 advocates marked invited."]
    assert said(page, messages.WARNING) == []


def test_opting_out_withdraws_consent_for_good(marketing, mei):
    candidate, active, already = (
        AdvocateFactory(),
        AdvocateFactory(status="active"),
        AdvocateFactory(status="opted_out"),
    )
    untouched = AdvocateFactory()

    page = act(marketing, "opt_out", [candidate, active, already])

    assert statuses(candidate, active, already, untouched) == ["opted_out", "opted_out", "opted_out", "candidate"]
    assert set(AdvocateOptOut.objects.values_list("customer_id", flat=True)) == {
        candidate.customer_id,
        active.customer_id,
        already.customer_id,
    }
    assert said(page, messages.SUCCESS) == ["2 advocates opted out."]
    assert said(page, messages.INFO) == ["1 advocate had opted out already."]
    candidate.refresh_from_db()
    assert candidate.status_changed_by == mei
    assert candidate.opted_out_at is not None


# --- Exports -------------------------------------------------------------------------------------


@pytest.fixture
def selection():
    """Two advocates marketing may contact and one who opted out, selected; one more, not selected."""
    wang = AdvocateFactory(customer_external_id="王小明", last_comment="上手很顺利，客服很专业 👍")
    chan = AdvocateFactory(customer_external_id="陳大文", status="active", last_comment="續約很簡單 😀")
    gone = AdvocateFactory(customer_external_id="gone", status="opted_out")
    AdvocateFactory(customer_external_id="not-selected")
    return [wang, chan, gone]


def test_the_csv_export_holds_only_the_selected_advocates_marketing_may_contact(marketing, mei, selection):
    res = act(marketing, "export_csv", selection, follow=False)

    assert res.status_code == 200
    assert res["Content-Type"] == exports.CONTENT_TYPES["csv"]
    assert res["Content-Disposition"].endswith('.csv"')
    text = b"".join(res.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == selectors.EXPORT_COLUMNS
    by_customer = {row[0]: dict(zip(selectors.EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_customer) == {"王小明", "陳大文"}
    assert by_customer["王小明"]["last_comment"] == "上手很顺利，客服很专业 👍"
    log = AdvocateExport.objects.get()
    assert (log.actor, log.format, log.row_count, log.filters) == (mei, "csv", 2, {"admin_selection": 3})


def test_the_xlsx_export_holds_only_the_selected_advocates_marketing_may_contact(marketing, mei, selection):
    res = act(marketing, "export_xlsx", selection, follow=False)

    assert res.status_code == 200
    assert res["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    sheet = load_workbook(io.BytesIO(b"".join(res.streaming_content)), read_only=True)[exports.XLSX_SHEET]
    rows = list(sheet.values)
    assert rows[0] == selectors.EXPORT_COLUMNS
    by_customer = {row[0]: dict(zip(selectors.EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_customer) == {"王小明", "陳大文"}
    assert by_customer["陳大文"]["last_comment"] == "續約很簡單 😀"
    log = AdvocateExport.objects.get()
    assert (log.actor, log.format, log.row_count, log.filters) == (mei, "xlsx", 2, {"admin_selection": 3})


def test_the_export_says_how_many_were_left_out_and_why_and_holds_the_referral_figures(marketing, settings):
    settings.CX_PUBLIC_BASE_URL = "https://cx.example.com/"
    kept = AdvocateFactory(customer_external_id="kept", status="active")
    ReferralFactory(advocate=kept, kind="signup", revenue=Decimal(0))
    ReferralFactory(advocate=kept, kind="signup", revenue=Decimal(0))
    ReferralFactory(advocate=kept, kind="conversion", revenue=Decimal("1200.50"))
    quiet = AdvocateFactory(customer_external_id="quiet")
    left = [
        AdvocateFactory(status="opted_out"),
        AdvocateFactory(status="opted_out"),
        AdvocateFactory(status="declined"),
        AdvocateFactory(status="inactive"),
    ]
    raced = AdvocateFactory(status="active")
    AdvocateOptOut.objects.create(customer_id=raced.customer_id)

    res = act(marketing, "export_csv", [kept, quiet, *left, raced], follow=False)

    text = b"".join(res.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    by_customer = {row[0]: dict(zip(selectors.EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_customer) == {"kept", "quiet"}
    assert by_customer["kept"]["referral_link"] == f"https://cx.example.com/r/{kept.code}"
    assert (by_customer["kept"]["signups"], by_customer["kept"]["conversions"]) == ("2", "1")
    assert by_customer["kept"]["referral_revenue"] == "1200.50"
    assert (by_customer["quiet"]["signups"], by_customer["quiet"]["referral_revenue"]) == ("0", "0.00")
    shown = marketing.get(ADVOCATES)
    assert said(shown, messages.WARNING) == [
        "5 of the 7 advocates selected were not exported (3 opted out, unsubscribed or forgotten: no consent to be"
        " contacted; 1 declined to be an advocate; 1 later gave a detractor answer)."
    ]


def test_the_export_log_lists_exports(marketing, mei, selection):
    b"".join(act(marketing, "export_csv", selection, follow=False).streaming_content)

    page = marketing.get(EXPORTS)

    assert list(page.context["cl"].result_list) == [AdvocateExport.objects.get()]
    assert "admin_selection=3" in page.content.decode()


def test_who_may_not_export_sees_no_export_action_and_cannot_run_one(client, selection, user_with_role):
    group = Group.objects.create(name="Advocate helpers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="closedloop", codename__in=["view_advocate", "change_advocate"]
        )
    )
    client.force_login(user_with_role(group.name, "helper"))

    page = client.get(ADVOCATES)

    assert page.status_code == 200
    names = action_names(page)
    assert {"mark_invited", "mark_active", "mark_declined", "opt_out"} <= names
    assert not names & EXPORT_ACTIONS
    res = act(client, "export_csv", selection)
    assert not res.has_header("Content-Disposition")
    assert not AdvocateExport.objects.exists()


@pytest.mark.parametrize("group", ["Marketing", "CX lead"])
def test_marketing_and_leads_have_the_export_actions(client, group, user_with_role):
    AdvocateFactory()
    client.force_login(user_with_role(group, "user"))

    assert action_names(client.get(ADVOCATES)) >= EXPORT_ACTIONS


# --- Referrals -----------------------------------------------------------------------------------


def test_the_referral_list_shows_and_finds_referrals_in_a_bounded_number_of_queries(marketing):
    advocate = AdvocateFactory()
    mine = ReferralFactory(advocate=advocate, external_id="order-华东-1", kind=Referral.Kind.CONVERSION)
    others = ReferralFactory.create_batch(5)

    with CaptureQueriesContext(connection) as queries:
        page = marketing.get(REFERRALS)

    assert set(page.context["cl"].result_list) == {mine, *others}
    assert len(queries) <= 12, "\n".join(query["sql"] for query in queries.captured_queries)
    assert "order-华东-1" in page.content.decode()
    assert set(marketing.get(REFERRALS, {"q": advocate.code}).context["cl"].result_list) == {mine}
    assert set(marketing.get(REFERRALS, {"q": "华东"}).context["cl"].result_list) == {mine}
    assert set(marketing.get(REFERRALS, {"kind": "conversion"}).context["cl"].result_list) == {mine}
