"""The portfolio's pages, on accounts with scores, history, usage and a timeline, read in Chinese only.

The admin crawl (tests/cxplatform/test_admin_translated.py) visits a sample of every model on the
demo data; this crawls the console's pages with every part of them shown, by the same rules.
"""

import opencc
import pytest
from django.test import Client

from tests.cxplatform.test_admin_translated import LANGUAGE_NAMES, Stored, _leftover_english, _Visible
from tests.portfolio.data import portfolio

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_portfolio_and_an_account_page_are_in_chinese(django_user_model, language):
    csm = django_user_model.objects.create_superuser("mei", "mei@example.com", "pw")
    accounts = portfolio(csm=csm)
    client = Client()
    client.force_login(csm)
    client.cookies["django_language"] = language
    stored = Stored()
    to_traditional = opencc.OpenCC("s2tw")
    pages = [
        "/admin/accounts/account/",
        "/admin/accounts/account/?csm=mine",
        "/admin/accounts/account/add/",
        *(f"/admin/accounts/account/{account.pk}/change/" for account in accounts.values()),
    ]
    untranslated, simplified = [], []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = _Visible()
        parser.feed(response.content.decode())
        for text in parser.texts:
            words = _leftover_english(text, stored)
            if words:
                untranslated.append(f"{url}: {text[:120]!r} ({' '.join(words[:6])})")
            interface = stored.without(text)
            for name in LANGUAGE_NAMES:
                interface = interface.replace(name, " ")
            if language == "zh-hant" and to_traditional.convert(interface) != interface:
                simplified.append(f"{url}: {text[:120]!r}")
    assert not untranslated, "\n".join(untranslated)
    assert not simplified, "\n".join(simplified)
