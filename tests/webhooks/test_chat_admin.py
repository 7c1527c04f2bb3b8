"""Chat channels in the admin: refusals on the field, rules as checkboxes, the test message, the read-only log."""

import pytest
from django.urls import reverse

from tests.webhooks.chat_receivers import DINGTALK_SECRET, ChatReceiver
from webhooks.models import ChatChannel, ChatMessage

pytestmark = pytest.mark.django_db

ADD = reverse("admin:webhooks_chatchannel_add")
CHANGELIST = reverse("admin:webhooks_chatchannel_changelist")


@pytest.fixture
def lead(client, django_user_model, settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = True
    client.force_login(django_user_model.objects.create_superuser("lead", "lead@example.com", "pw-for-tests-only"))
    return client


@pytest.fixture
def dingtalk():
    receiver = ChatReceiver("dingtalk").start()
    yield receiver
    receiver.stop()


def form(**changes) -> dict:
    return {
        "name": "客服群",
        "platform": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": DINGTALK_SECRET,
        "locale": "zh-hans",
        "rules": ["case_p1", "digest"],
        "active": "on",
        **changes,
    }


def test_a_channel_without_its_signing_secret_is_refused_on_that_field(lead):
    page = lead.post(ADD, form(secret=""))
    assert page.status_code == 200
    assert "secret" in page.context["adminform"].form.errors
    assert not ChatChannel.objects.exists()


def test_a_private_address_is_refused_on_the_url(lead, settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = False
    page = lead.post(ADD, form(url="http://127.0.0.1:8000/robot/send?access_token=abc"))
    assert "url" in page.context["adminform"].form.errors


def test_a_channel_is_saved_with_its_rules_and_the_list_hides_the_key(lead):
    page = lead.post(ADD, form(), follow=True)
    assert page.status_code == 200
    channel = ChatChannel.objects.get()
    assert channel.rules == ["case_p1", "digest"]
    assert channel.include_comments is False
    listing = lead.get(CHANGELIST).content.decode()
    assert "oapi.dingtalk.com" in listing
    assert "access_token=abc" not in listing


def test_the_test_message_action_sends_and_reports(lead, dingtalk):
    good = ChatChannel.objects.create(
        name="good", platform="dingtalk", url=dingtalk.url, secret=DINGTALK_SECRET, rules=["case_p1"]
    )
    bad = ChatChannel.objects.create(
        name="bad", platform="dingtalk", url=dingtalk.url, secret="SEC-wrong", rules=["case_p1"]
    )
    page = lead.post(CHANGELIST, {"action": "send_test", "_selected_action": [good.pk, bad.pk]}, follow=True)
    shown = [str(message) for message in page.context["messages"]]
    assert any("good" in text and "sent" in text for text in shown)
    assert any("bad" in text and "310000" in text for text in shown)
    assert sorted(got.accepted for got in dingtalk.received) == [False, True]
    assert set(ChatMessage.objects.values_list("kind", "status")) == {("test", "sent"), ("test", "failed")}


def test_the_message_log_is_read_only(lead):
    channel = ChatChannel.objects.create(name="c", platform="slack", url="https://hooks.slack.com/services/T/B/X")
    ChatMessage.objects.create(channel=channel, kind="test", title="t", text="", give_up_at="2026-12-07T00:00Z")
    assert lead.get(reverse("admin:webhooks_chatmessage_changelist")).status_code == 200
    assert lead.get(reverse("admin:webhooks_chatmessage_add")).status_code == 403
