"""A case's log in the reader's language: entries stored as code + parameters, rendered with gettext when shown."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from closedloop import services
from closedloop.models import CaseActivity, RootCause
from closedloop.services import CaseChange
from tests.closedloop.factories import CaseFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
backfill = importlib.import_module("closedloop.migrations.0015_activity_codes_from_messages")


def _texts(case, language):
    with translation.override(language):
        return [a.text for a in CaseActivity.objects.filter(case=case).order_by("id")]


def test_an_entry_reads_in_each_language_and_keeps_its_english_message():
    agent = User.objects.create_user("li", is_staff=True)
    cause = RootCause.objects.get(key="data-sync")
    case = CaseFactory(opened_at=timezone.now() - timedelta(hours=1), status="assigned", owner=agent)
    change = CaseChange(status="resolved", root_cause_id=cause.pk, resolution="Resynced.", resurvey_in_days=1)
    services.case_change(case_id=case.pk, actor=agent, change=change)
    services.case_change(case_id=case.pk, actor=agent, change=CaseChange(status="assigned"))

    assert _texts(case, "en") == [
        "Root cause: Data sync / integration.",
        "Resolution updated.",
        "Assigned → Resolved.",
        "Re-survey in 1 day.",
        "Reopened: Resolved → Assigned.",
    ]
    assert _texts(case, "zh-hans") == [
        f"根本原因：{cause.name_zh}。",
        "已更新解决方案。",
        "已分配 → 已解决。",
        "1 天后回访调查。",
        "已重新开启：已解决 → 已分配。",
    ]
    hant = _texts(case, "zh-hant")
    assert hant[0] == "根本原因：資料同步 / 整合。"  # the stored simplified name, in traditional forms (s2twp)
    assert hant[1:] == ["已更新解決方案。", "已指派 → 已解決。", "1 天後回訪調查。", "已重新開啟：已解決 → 已指派。"]
    stored = CaseActivity.objects.filter(case=case, code="root_cause").get()
    assert stored.message == "Root cause: Data sync / integration."  # English, as the API's `message`
    assert stored.params == {"cause": {"key": "data-sync", "en": cause.name_en, "zh": cause.name_zh}}


def test_the_api_gives_the_text_in_the_request_s_language(superuser_api_client):
    case = CaseFactory()
    services.cases_check_sla(now=case.due_at + timedelta(hours=1))  # overdue: escalated
    url = f"/api/v1/cases/{case.pk}/"
    english = superuser_api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["activities"]
    chinese = superuser_api_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-TW").json()["activities"]
    escalated = [(a["code"], a["params"], a["message"], a["text"]) for a in english if a["kind"] == "escalated"]
    assert escalated == [
        ("escalated", {"before": 2, "after": 1}, "Overdue: escalated P2 → P1.", "Overdue: escalated P2 → P1.")
    ]
    assert [a["text"] for a in chinese if a["kind"] == "escalated"] == ["已逾期：升級 P2 → P1。"]
    assert [a["message"] for a in chinese] == [a["message"] for a in english]  # the stored English stays put


def test_a_note_and_an_unknown_entry_read_as_they_were_written():
    case = CaseFactory()
    note = services.case_note_add(case_id=case.pk, actor=None, text="打過電話，沒人接")
    odd = CaseActivity.objects.create(case=case, kind="edited", message="Imported from the old desk.")
    broken = CaseActivity.objects.create(case=case, kind="edited", message="Was.", code="opened", params={"x": 1})
    with translation.override("zh-hant"):
        assert (note.text, odd.text, broken.text) == ("打過電話，沒人接", "Imported from the old desk.", "Was.")


@pytest.mark.parametrize(
    ("message", "code", "params"),
    [
        ("Opened: NPS detractor, P2.", "opened", {"reason": "detractor", "priority": 2}),
        ("Assigned to li (round robin, Support).", "assigned_round_robin", {"owner": "li", "team": "Support"}),
        ("Assigned to li.", "assigned", {"owner": "li"}),
        ("Unassigned.", "unassigned", {}),
        ("Another answer attached: CSAT 1.", "attached", {"kind": "CSAT", "score": 1}),
        (
            "Another answer attached: NPS 0. Priority P3 → P1.",
            "attached_raised",
            {"kind": "NPS", "score": 0, "before": 3, "after": 1},
        ),
        (
            "Priority P2 → P1, due 2026-03-04 05:06.",
            "priority",
            {"before": 2, "after": 1, "due": "2026-03-04T05:06:00+00:00"},
        ),
        ("Root cause cleared.", "root_cause_cleared", {}),
        ("new → assigned.", "status", {"before": "new", "after": "assigned"}),
        ("Reopened: closed → assigned.", "reopened", {"before": "closed", "after": "assigned"}),
        ("Re-survey in 14 days.", "resurvey_in", {"days": 14}),
        ("Re-survey answered: 9 (was None).", "resurvey_answered", {"score": 9, "was": None}),
        ("Overdue: escalated P2 → P1, lead emailed.", "escalated_emailed", {"before": 2, "after": 1, "lead": "lead"}),
        ("Overdue: escalated P1 → P1.", "escalated", {"before": 1, "after": 1}),
        ("Note sent to a@example.com: Re: 你好", "note_sent", {"email": "a@example.com", "subject": "Re: 你好"}),
        ("Escalation email to the team lead not sent: 550", "escalation_not_sent", {"error": "550"}),
    ],
)
def test_an_old_english_message_gets_its_code(message, code, params):
    assert backfill.parse(message, {}) == (code, params)


def test_the_backfill_codes_old_rows_and_leaves_what_it_cannot_read():
    case = CaseFactory()
    cause = RootCause.objects.get(key="pricing-billing")
    rows = {
        "escalated": CaseActivity.objects.create(case=case, kind="escalated", message="Overdue: escalated P2 → P1."),
        "cause": CaseActivity.objects.create(
            case=case, kind="root_cause", message=f"Root cause: {cause.name_en} / {cause.name_zh}."
        ),
        "odd": CaseActivity.objects.create(case=case, kind="status", message="new → lost."),
        "note": CaseActivity.objects.create(case=case, kind="note", message="Unassigned."),  # a note is a note
    }
    backfill.codes_from_messages(apps, None)
    for row in rows.values():
        row.refresh_from_db()
    assert (rows["escalated"].code, rows["escalated"].params) == ("escalated", {"before": 2, "after": 1})
    assert rows["cause"].params == {"cause": {"key": "pricing-billing", "en": cause.name_en, "zh": cause.name_zh}}
    assert (rows["odd"].code, rows["note"].code) == ("", "")
    with translation.override("zh-hans"):
        assert rows["escalated"].text == "已逾期：升级 P2 → P1。"
        assert rows["odd"].text == "new → lost."
