"""Every admin page and the insights dashboard, crawled as a superuser in zh-Hans and zh-Hant, is in Chinese.

The crawl visits the index, every app's index, every registered model's list, its add page where
one may add, a change page of a sample object (on the demo data), the dashboard and the custom
admin views. On each page it reads the text a person sees (text nodes, and the title, placeholder,
aria-label and alt attributes, and button labels; not scripts, styles or form values) and drops
what is data, not interface: every text stored in the database (names, comments, keys, ids),
numbers, dates, e-mail addresses and URLs, and the brand and acronym allowlist. A word of English
left over is an untranslated interface string, reported with its page. In zh-Hant, interface text
must also be free of simplified characters: OpenCC's s2tw leaves it unchanged.
"""

import bisect
import json
import re
from html.parser import HTMLParser

import opencc
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.models import ChurnRecord, Scorecard
from portfolio import selectors
from tests.webhooks.factories import attempt_make, delivery_make, endpoint_make
from webhooks.models import Endpoint

pytestmark = pytest.mark.django_db

# Names, acronyms and units a Chinese page writes as they are.
ALLOWED = {
    "cxplatform",
    "nps",
    "ces",
    "csat",
    "api",
    "csv",
    "xlsx",
    "sla",
    "id",
    "ids",
    "url",
    "urls",
    "json",
    "html",
    "p1",
    "p2",
    "p3",
    "p4",
    "utc",
    "cn",
    "en",
    "zh",
    "hans",
    "hant",
    "english",
    "app",
    "email",
    "e-mail",
    "k-factor",
    "k",
    "webhook",
    "webhooks",
    "slack",  # the chat platform's name, written so in Chinese too
    "delighted",  # the closed survey service's name (the Delighted-compatible API), written so in Chinese too
    "sec",  # the prefix of a DingTalk robot's signing secret, quoted
    "smtp",
    "iso",  # ISO 8601, a standard's name
    "unix",  # Unix seconds
    "strptime",  # the date format's name (importers)
    "ip",
    "n",
    "h",
    "d",
    "ok",
    "cny",
    "usd",
    "mrr",
    "arr",
    "auc",  # the area under the ROC curve (the health back-test): written so in Chinese too
    "grr",  # gross and net revenue retention: written so in Chinese too
    "nrr",
    "erp",
    "crm",
    "oa",
    "ios",
    "ldap",
    "command",
    "mac",
    "control",
    "yyyy-mm",  # how a month is written in the churn review's month picker, in every language
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
_ADDRESSES = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+"  # e-mail addresses
    r"|https?://[^\s\"']+|\b[\w-]+(\.[a-z]{2,})+\b"  # URLs and host names
)
_NOISE = re.compile(
    r"\bp\d+\b"  # percentiles: p90
    r"|\{\w+\}"  # placeholders a template may use: {name}
    r"|(?<![\w-])((?=[\w-]*\d)[\w-]{16,}|[\w-]{20,})"  # generated keys and tokens (base64)
    r"|[\w.+-]+@[\w-]+(\.[\w-]+)+"  # e-mail addresses
    r"|https?://\S+|/[\w/.-]*/|\b[\w-]+(\.[a-z]{2,})+\b"  # URLs, paths and host names
    r"|\b\d[\d:.,/-]*(T[\d:.]+)?(Z|[+-]\d\d:?\d\d)?\b"  # numbers, dates, times
    r"|\b[a-z]+(_[a-z0-9]+)+\b"  # code names: snake_case keys
)
_SETTING_NAMES = re.compile(r"\b[A-Z]+(_[A-Z0-9]+)+\b")  # CX_REPLY_TO_EMAIL, before stored words are taken out
_PIECES = re.compile(r"\s+[-·:|]\s+|,\s+|、|…|\.\.\.|\n")
LANGUAGE_NAMES = {name for _code, name in settings.LANGUAGES}  # the language switch names each in its own script
_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Django's boolean icons say "True" / "False" / "None" in their alt text whatever the language (admin/utils.py).
_BOOLEAN_ICONS = ("icon-yes", "icon-no", "icon-unknown")


class _Visible(HTMLParser):
    """The text a person sees: text nodes and labelling attributes, not scripts, styles or what forms hold."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag in ("script", "style", "textarea", "template"):
            self._skipping += 1
        if tag == "img" and any(icon in attrs.get("src", "") for icon in _BOOLEAN_ICONS):
            return
        self.texts.extend(attrs[name] for name in _ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea", "template") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data.strip())


class Stored:
    """Every text the database holds (what people and customers wrote, keys, names), to tell data from interface."""

    def __init__(self):
        found: set[str] = set()
        for model in apps.get_models():
            if model._meta.app_label in ("contenttypes", "sessions", "admin"):
                continue  # Django's own records of model names (permission names stay: Django stores them in English)
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField | models.JSONField):
                    for value in model._base_manager.values_list(field.attname, flat=True).distinct()[:20_000]:
                        found.update(_texts_of(value))
        self.values = sorted((t.lower() for t in found if len(t) > 1 or not t.isascii()), key=len, reverse=True)
        self._all = "\n".join(self.values)

    @property
    def values(self) -> list[str]:
        """The stored texts, lower-cased, longest first."""
        return self._values

    @values.setter
    def values(self, values: list[str]) -> None:
        self._values = sorted(values, key=len, reverse=True)  # the longest taken out first
        self._negative_lengths = [-len(value) for value in self._values]  # ascending, for bisect

    def without(self, text: str) -> str:
        """The text with stored values taken out, and pieces of them (a comment cut short with "…")."""
        lowered = _ADDRESSES.sub(" ", text.lower())
        pieces = [piece.strip() for piece in _PIECES.split(lowered)]
        lowered = " ".join(piece for piece in pieces if len(piece) < 8 or piece not in self._all)
        # values longer than the text cannot be in it: start at the first that fits (most texts are short)
        for value in self.values[bisect.bisect_left(self._negative_lengths, -len(lowered)) :]:
            start = lowered.find(value)
            while start >= 0:
                end = start + len(value)
                if not (_letter(lowered, start - 1) and _letter(lowered, start)) and not (
                    _letter(lowered, end - 1) and _letter(lowered, end)
                ):  # whole words only: "en" is not taken out of "english"
                    lowered = f"{lowered[:start]} {lowered[end:]}"
                start = lowered.find(value, start + 1)
        return lowered


def _letter(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isascii() and text[index].isalnum()


def _texts_of(value) -> list[str]:
    if isinstance(value, dict):
        return [json.dumps(value, ensure_ascii=False), *(t for v in value.values() for t in _texts_of(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts_of(v)]
    return [str(value).strip()] if value not in (None, "") else []


def _leftover_english(text: str, stored: Stored) -> list[str]:
    """The English words of a text once data, numbers, addresses and allowed names are taken out."""
    if not re.search("[A-Za-z]", text):
        return []
    text = _NOISE.sub(" ", stored.without(_SETTING_NAMES.sub(" ", text)))
    return [word for word in _WORD.findall(text) if word.lower() not in ALLOWED]


def _pages(client: Client) -> list[str]:
    """The admin's pages: index, app indexes, lists, add and change pages, the dashboard, custom views."""
    review = reverse("admin:accounts_churnrecord_review")
    latest = ChurnRecord.objects.order_by("-date").values_list("date", flat=True).first()
    month = f"month={latest:%Y-%m}&" if latest else ""  # a month with records, whatever last month holds
    csms = [*selectors.account_csms().values_list("pk", flat=True)[:2], "nobody"]
    urls = [reverse("admin:index"), reverse("insights"), reverse("admin:surveys_invitation_response_rate"), review]
    urls += [reverse("insights-churn-reasons"), reverse("insights-requests"), reverse("insights-answers")]
    urls += [f"{review}?{month}", *(f"{review}?{month}csm={csm}" for csm in csms)]
    health = Scorecard.objects.filter(kind="health", stage="").first()
    if health is not None:
        urls.append(reverse("admin:accounts_scorecard_suggestion", args=[health.pk]))
    endpoint = Endpoint.objects.order_by("pk").first()
    if endpoint is not None:
        for page in ("rotate", "resend_failed", "replay"):
            urls.append(reverse(f"admin:webhooks_endpoint_{page}", args=[endpoint.pk]))
    request = client.get(reverse("admin:index")).wsgi_request
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        sample = model._base_manager.order_by("pk").first()
        if sample is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[sample.pk]))
    return list(dict.fromkeys(urls))


def _crawl(client: Client, language: str, stored: Stored) -> tuple[list[str], list[str], int]:
    client.cookies["django_language"] = language
    untranslated, simplified, pages = [], [], _pages(client)
    to_traditional = opencc.OpenCC("s2tw")  # traditional characters as Taiwan writes them
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
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
    return sorted(set(untranslated)), sorted(set(simplified)), len(pages)


def test_every_admin_page_and_the_dashboard_is_translated(django_user_model):
    call_command("seed_demo")
    if not Endpoint.objects.exists():  # a webhook endpoint with a delivery and its attempt: their pages crawled too
        attempt_make(delivery_make(endpoint_make(), status="retrying"), error="ConnectTimeout")
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("crawler", "crawler@example.com", "pw"))
    stored = Stored()
    for language in ("zh-hans", "zh-hant"):
        untranslated, simplified, crawled = _crawl(client, language, stored)
        assert crawled > 40
        assert not untranslated, f"{language}: English left on {len(untranslated)} texts:\n" + "\n".join(untranslated)
        assert not simplified, f"{language}: simplified characters in:\n" + "\n".join(simplified)


def test_the_crawl_catches_english_left_in_an_interface_string(db):
    stored = Stored()
    stored.values, stored._all = (
        ["acme 集团", "cust-00012", "the order would not sync at all"],
        "the order would not sync at all",
    )
    assert _leftover_english("Acme 集团 · cust-00012 · 2026-03-04 05:06 · 14,779 · a@b.cn", stored) == []
    assert _leftover_english("NPS 工单 P1 · CSAT · cxplatform", stored) == []
    assert _leftover_english("工单 Add another answer", stored) == ["add", "another", "answer"]
    assert _leftover_english("Opened: 一般 Acme 集团", stored) == ["opened"]
    assert _leftover_english("选择此对象执行操作 - The order would not…", stored) == []  # a comment cut short
    assert (
        _leftover_english(
            "p90 4.2 天 · K 因子 · app.example.com · MdaJE6GIgR-isUGAxq6O-w · 4ESO4gjSMzJg3u0alWoziA", stored
        )
        == []
    )
