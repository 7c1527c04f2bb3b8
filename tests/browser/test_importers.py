"""The admin's import in headless chromium, 320 px wide, in Traditional Chinese, by keyboard: preview, confirm."""

import pytest

from surveys.models import Response
from tests.browser.test_portfolio import _console, _fits, _serious
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)
CSV = (
    "id,person,score,comment,created_at\n"
    "r1,p1,9,客服很快,2025-03-01T10:00:00+00:00\n"
    "r2,p2,12,,2025-03-02T10:00:00+00:00\n"
    "r3,p3,4,退款太慢了，等了兩個星期,2025-03-03T10:00:00+00:00\n"
)


def test_preview_then_import_at_320_px(live_server, browser, artifacts, django_user_model, tmp_path):
    SurveyFactory(name="NPS 2025")
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    export = tmp_path / "delighted.csv"
    export.write_text(CSV, encoding="utf-8")
    context = _console(browser, live_server, admin, "zh-TW", {"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/importers/columnmapping/import/")
    page.locator("#id_file").set_input_files(str(export))
    page.locator("#id_survey").select_option("NPS 2025")
    page.locator("#id_mapping").select_option("delighted")
    page.locator("#id_cutoff").focus()
    page.keyboard.press("Tab")  # to the preview button, then Enter
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#cx-import-rows tbody tr").count() == 2
    refused = page.locator("#cx-import-refusals tbody tr")
    assert refused.count() == 1
    assert refused.first.inner_text().startswith("3")  # the spreadsheet's row number of r2
    assert "匯入" in page.locator("#cx-import-confirm").get_attribute("value")
    page.screenshot(path=str(artifacts / "importers-preview-zh-hant-320.png"), full_page=True)
    _fits(page)
    assert _serious(page) == []
    assert not Response.objects.exists()

    page.locator("#cx-import-confirm").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Response.objects.count() == 2
    assert page.locator(".messagelist .success").count() == 1
    page.screenshot(path=str(artifacts / "importers-done-zh-hant-320.png"), full_page=True)
    context.close()
