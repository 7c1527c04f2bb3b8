"""The monthly churn review (portfolio.admin_review): a CSM's list, the CX lead's completion; the account page's log."""

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from accounts.churn_review import month_before
from accounts.models import Account, ChurnRecord
from tests.accounts.test_churn_review import november

pytestmark = pytest.mark.django_db
URL = "/admin/accounts/churnrecord/review/"


@pytest.fixture
def people(user_with_role):
    return {
        "mei": user_with_role("Customer success", "mei", first_name="Mei", last_name="Lin"),
        "jun": user_with_role("Customer success", "jun", first_name="Jun", last_name="Wang"),
        "li": user_with_role("CX lead", "li"),
    }


@pytest.fixture
def data(people):
    return november(people["mei"], people["jun"])


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _records(html: str, table: str) -> list[int]:
    found = re.search(rf'<table class="cx-review" id="{table}".*?</table>', html, re.S)
    return [int(n) for n in re.findall(r'class="cx-do" href="[^"]+" data-record="(\d+)"', found[0])] if found else []


def test_a_csm_sees_their_months_records_waiting_first_each_linked_to_its_page(people, data):
    html = _as(people["mei"]).get(URL, {"month": "2026-11"}).content.decode()
    assert _records(html, "cx-to-do") == [data["proposal"].pk, data["due"].pk]
    assert _records(html, "cx-done") == [data["two_reasons"].pk, data["dismissed"].pk]
    assert f'href="/admin/accounts/churnrecord/{data["due"].pk}/change/"' in html
    assert f'href="/admin/accounts/account/{data["due"].account_id}/change/"' in html
    assert "Confirm or dismiss" in html
    assert "Give the reasons" in html
    assert "CN¥100.00" in html or "¥100.00" in html
    assert "cx-completion" not in html  # not every CSM's progress
    assert str(data["juns"].pk) not in _records(html, "cx-to-do")
    assert "Waiting for you" in html


def test_a_csm_without_the_lead_permission_sees_only_their_own_list(people, data):
    mei = _as(people["mei"])
    assert mei.get(URL, {"month": "2026-11", "csm": "mine"}).status_code == 200
    assert mei.get(URL, {"month": "2026-11", "csm": str(people["mei"].pk)}).status_code == 200
    assert mei.get(URL, {"month": "2026-11", "csm": str(people["jun"].pk)}).status_code == 403
    assert mei.get(URL, {"month": "2026-11", "csm": "nobody"}).status_code == 403
    assert mei.get(URL, {"month": "2026-11", "csm": "999999"}).status_code == 403


def test_the_lead_sees_each_csms_progress_and_opens_each_list(people, data):
    lead = _as(people["li"])
    html = lead.get(URL, {"month": "2026-11"}).content.decode()
    table = re.search(r'<table class="cx-review" id="cx-completion".*?</table>', html, re.S)[0]
    row = r'<tr data-due="(\d+)" data-percent="(\d*)">\s*<th scope="row"><a href="([^"]+)">([^<]+)</a>'
    rows = re.findall(row, table)
    assert [(due, percent, name) for due, percent, _url, name in rows] == [
        ("1", "100", "Jun Wang"),
        ("4", "50", "Mei Lin"),
        ("1", "0", "No CSM"),
    ]
    assert rows[1][2] == f"{URL}?month=2026-11&amp;csm={people['mei'].pk}"
    assert rows[2][2] == f"{URL}?month=2026-11&amp;csm=nobody"
    total = re.search(r'id="cx-total">(.*?)</ul>', html, re.S)[1]
    assert re.findall(r"<b>([^<]+)</b>", total) == ["6", "3", "2", "50 %"]
    theirs = lead.get(URL, {"month": "2026-11", "csm": str(people["mei"].pk)}).content.decode()
    assert _records(theirs, "cx-to-do") == [data["proposal"].pk, data["due"].pk]
    assert "Waiting for the CSM" in theirs
    nobodys = lead.get(URL, {"month": "2026-11", "csm": "nobody"}).content.decode()
    assert _records(nobodys, "cx-to-do") == [data["nobody"].pk]


def test_the_page_opens_on_last_month(people):
    acme = Account.objects.create(external_id="acme", csm=people["mei"])
    month = month_before(timezone.localdate())
    record = ChurnRecord.objects.create(account=acme, kind="churn", date=month.last, mrr_lost=1)
    html = _as(people["mei"]).get(URL).content.decode()
    assert f'value="{month}"' in html
    assert _records(html, "cx-to-do") == [record.pk]
    assert f"?month={month.preceding}" in html  # the month before, a link away


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"month": "2026-13"}, "2026-13"),
        ({"month": "November"}, "November"),
        ({"month": "2026-11-01"}, "2026-11-01"),
        ({"csm": "someone"}, "someone"),
        ({"csm": "999999"}, "999999"),
    ],
)
def test_a_bad_month_or_csm_is_a_400_naming_it(people, query, named):
    response = _as(people["li"]).get(URL, query)
    assert response.status_code == 400
    problem = re.search(r'id="cx-problem">([^<]+)<', response.content.decode())[1]
    assert named in problem
    assert "YYYY-MM" in problem if "month" in query else "CSM" in problem or "user" in problem


def test_without_the_churn_log_permission_the_page_is_refused(user_with_role, client):
    client.force_login(user_with_role("CX staff"))
    assert client.get(URL).status_code == 403
    client.force_login(user_with_role("Marketing"))
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Monthly review", "records due", "proposals waiting", "Month before")),
        ("zh-hans", ("每月复盘", "应处理记录", "待确认的提议", "上个月")),
        ("zh-hant", ("每月檢討", "應處理紀錄", "待確認的提議", "上個月")),
    ],
)
def test_the_page_speaks_each_language(people, data, language, words):
    lead = _as(people["li"])
    lead.cookies["django_language"] = language
    for query in ({"month": "2026-11"}, {"month": "2026-11", "csm": str(people["mei"].pk)}):
        html = lead.get(URL, query).content.decode()
        assert all(word in html for word in words[:2]), (language, query)
        if language != "en":  # the actions and headings are the language's own
            assert not any(word in html for word in ("Give the reasons", "Confirm or dismiss", "records due")), query
    html = lead.get(URL, {"month": "2026-11"}).content.decode()
    assert all(word in html for word in words), language


def test_the_review_is_linked_from_the_churn_records_and_the_home_page(people):
    mei = _as(people["mei"])
    assert f'href="{URL}"' in mei.get("/admin/accounts/churnrecord/").content.decode()
    home = mei.get("/admin/").content.decode()
    assert f'href="{URL}"' in home
    assert "still need a reason" in home
    assert "each CSM's progress" in _as(people["li"]).get("/admin/").content.decode()


def test_the_account_page_lists_its_churn_records(people, data):
    a1 = data["due"].account
    html = _as(people["li"]).get(f"/admin/accounts/account/{a1.pk}/change/").content.decode()
    section = re.search(r'<table class="cx-table" id="cx-churn">.*?</table>', html, re.S)[0]
    records = re.findall(r'<tr data-record="(\d+)">', section)
    assert len(records) == 4  # November's two, and one either side, newest first
    assert [ChurnRecord.objects.get(pk=pk).date for pk in records] == sorted(
        (r.date for r in ChurnRecord.objects.filter(account=a1)), reverse=True
    )
    assert f'href="/admin/accounts/churnrecord/{data["two_reasons"].pk}/change/"' in section
    assert "Price" in section and "Support" in section  # noqa: PT018
    assert "Confirmed" in section
    assert date(2026, 11, 20).isoformat() in section
    empty = Account.objects.create(external_id="quiet")
    assert 'id="cx-churn-none"' in _as(people["li"]).get(f"/admin/accounts/account/{empty.pk}/change/").content.decode()
