"""Take the screenshots in docs/img/ from a running platform with the demo data.

    mkdir -p var && .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py ensure_admin          # the password is kept in var/admin_password
    .venv/bin/python manage.py runserver --noreload 127.0.0.1:8765 &
    .venv/bin/python docs/screenshots.py [--base-url http://127.0.0.1:8765] [--chromium /usr/bin/chromium]

It drives Debian's chromium with Playwright for Python (apt-get install chromium fonts-wqy-microhei
fonts-noto-color-emoji; never `playwright install`): logs into the admin, then takes the triage
queue and the Insights dashboard at 1366x768, and a survey's public page (its shared anonymous
link) at a phone's width. Each image is clipped to the part that matters, and must stay under 200 KB.
"""

import argparse
import datetime
import os
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
ADMIN_VIEWPORT = {"width": 1366, "height": 768}
PHONE_VIEWPORT = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
LIMIT_BYTES = 200_000


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    # the navigation sidebar closed, as the admin remembers it, so that the lists get the width
    page.evaluate("localStorage.setItem('django.admin.navSidebarIsOpen', 'false')")


def nps_survey_key(page: Page, base_url: str) -> str:
    """The public key of the first active NPS survey, read through the staff API with the admin's session."""
    surveys = page.request.get(f"{base_url}/api/v1/surveys/", headers={"Accept": "application/json"}).json()
    for survey in surveys:
        if survey["kind"] == "nps" and survey["active"]:
            return survey["public_key"]
    raise SystemExit("no active NPS survey: run manage.py seed_demo first")


def shoot(page: Page, name: str, clip_height: int, top: int = 0) -> Path:
    """Save the page from `top` down, `clip_height` pixels of it, at the viewport's width."""
    path = OUT / name
    width = page.viewport_size["width"]
    clip = {"x": 0, "y": top, "width": width, "height": clip_height}
    page.screenshot(path=str(path), clip=clip, full_page=True)
    size = path.stat().st_size
    print(f"{path.relative_to(ROOT)}: {size / 1000:.0f} KB")
    if size > LIMIT_BYTES:
        raise SystemExit(f"{path.name} is over {LIMIT_BYTES // 1000} KB: clip it smaller")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    parser.add_argument("--chromium", default=os.environ.get("CX_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--username", default=os.environ.get("CX_ADMIN_USERNAME", "admin"))
    parser.add_argument("--password", default=os.environ.get("CX_ADMIN_PASSWORD", ""))
    args = parser.parse_args()
    password = args.password or (ROOT / "var" / "admin_password").read_text(encoding="utf-8").strip()
    base_url = args.base_url.rstrip("/")
    OUT.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        admin = browser.new_context(viewport=ADMIN_VIEWPORT, locale="en-US")
        page = admin.new_page()
        log_in(page, base_url, args.username, password)

        # the queue as it opens: the open work, overdue first; every column fits 1366 px
        page.goto(f"{base_url}/admin/closedloop/case/")
        shoot(page, "triage-queue.png", ADMIN_VIEWPORT["height"])

        # the last 25 weeks, week by week: the demo data's answers cover them
        since = (datetime.date.today() - datetime.timedelta(weeks=25)).isoformat()
        page.goto(f"{base_url}/admin/insights/?interval=week&since={since}")
        page.wait_for_load_state("networkidle")
        # from the filters down to the end of the trend chart: the headline figures and the trend
        top = int(page.locator("#content form").first.bounding_box()["y"]) - 12
        chart = page.locator("#content svg").first.bounding_box()
        shoot(page, "insights-dashboard.png", int(chart["y"] + chart["height"]) + 16 - top, top=top)

        key = nps_survey_key(page, base_url)
        admin.close()

        phone = browser.new_context(viewport=PHONE_VIEWPORT, locale="en-US", device_scale_factor=1, is_mobile=True)
        page = phone.new_page()
        page.goto(f"{base_url}/s/{key}/")
        page.locator("label", has_text="9").first.click()  # a score chosen, as a respondent would
        bottom = page.locator("form").first.bounding_box()
        shoot(page, "survey-page.png", int(bottom["y"] + bottom["height"]) + 40)
        phone.close()
        browser.close()


if __name__ == "__main__":
    main()
