"""The admin's header: branded cxplatform, with a language switch that keeps the page."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_header_names_cxplatform_and_offers_the_three_languages_in_their_own_scripts(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/closedloop/case/?status=new", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert '<div id="site-name"><a href="/admin/">cxplatform</a></div>' in html
    assert "<title>選擇 工單 來修改 | cxplatform 控制台</title>" in html
    assert "Django" not in html.split("<body", 1)[1].split('id="content"', 1)[0]
    assert '<form id="cx-language" action="/i18n/setlang/" method="post"' in html
    assert '<input type="hidden" name="next" value="/admin/closedloop/case/?status=new">' in html
    buttons = [line.strip() for line in html.splitlines() if 'name="language"' in line]
    assert [b.split('value="')[1].split('"')[0] for b in buttons] == ["en", "zh-hans", "zh-hant"]
    assert 'aria-pressed="true">繁體中文</button>' in html
    assert 'aria-pressed="false">English</button>' in html


def test_switching_keeps_the_page_and_the_choice(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/insights/?interval=day"})
    assert (response.status_code, response["Location"]) == (302, "/admin/insights/?interval=day")
    assert "<h1>洞察</h1>" in client.get("/admin/insights/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
