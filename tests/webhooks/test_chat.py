"""Chat alerts end to end: events through the outbox's pump to local robots that check each platform's signing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.closedloop.factories import CaseFactory
from tests.webhooks.chat_receivers import DINGTALK_SECRET, FEISHU_SECRET, ChatReceiver
from webhooks import catalogue, chat_texts
from webhooks.models import ChatChannel, ChatMessage
from webhooks.services.chat import ChannelRefused, chat_channel_check, chat_channel_test
from webhooks.services.delivery import webhooks_pump
from webhooks.services.events import event_record
from webhooks.tasks import webhook_events_prune

pytestmark = pytest.mark.django_db

SECRETS = {"slack": "", "wecom": "", "dingtalk": DINGTALK_SECRET, "feishu": FEISHU_SECRET}
COMMENT = "The order would not sync and support said it was not their system."


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = True
    settings.CX_PUBLIC_BASE_URL = "https://cx.example.com/"


@pytest.fixture
def robots():
    started = {platform: ChatReceiver(platform).start() for platform in SECRETS}
    yield started
    for receiver in started.values():
        receiver.stop()


def channel_for(receiver: ChatReceiver, **extra) -> ChatChannel:
    fields = {
        "name": f"{receiver.platform} team",
        "platform": receiver.platform,
        "url": receiver.url,
        "secret": SECRETS[receiver.platform],
        "locale": "en",
        "rules": [ChatChannel.CASE_P1, ChatChannel.CASE_ESCALATED, ChatChannel.ACCOUNT_RED],
    }
    return ChatChannel.objects.create(**{**fields, **extra})


def case_data(case, *, priority="P1") -> dict:
    return {
        "id": case.id,
        "source": "response",
        "priority": priority,
        "status": "new",
        "reason": "detractor",
        "response_id": case.source_id,
        "account": "acme",
        "owner": None,
        "due_at": case.due_at.isoformat(),
        "customer": {
            "external_id": case.customer_external_id,
            "email": case.customer_email,
            "name": case.customer_name,
        },
        "comment": COMMENT,
    }


def test_a_p1_case_reaches_every_platform_signed_with_the_admin_link_and_no_comment_or_personal_data(robots):
    # given a channel on each platform, and a new P1 case
    for receiver in robots.values():
        channel_for(receiver)
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)

    # when the pump runs
    totals = webhooks_pump(seconds=10)

    # then each robot accepted one correctly signed message naming the case, with its admin link
    assert totals["chat_sent"] == 4
    for platform, receiver in robots.items():
        assert len(receiver.received) == 1, platform
        assert receiver.received[0].accepted, platform
        (text,) = receiver.texts
        assert f"New P1 case #{case.id}" in text
        assert f"https://cx.example.com/admin/closedloop/case/{case.id}/change/" in text
        assert case.customer_external_id in text
        assert COMMENT not in text
        assert case.customer_email not in text
        assert case.customer_name not in text
    assert set(ChatMessage.objects.values_list("status", flat=True)) == {ChatMessage.Status.SENT}


def test_comment_text_only_where_the_channel_allows_it(robots):
    channel_for(robots["feishu"], include_comments=True)
    channel_for(robots["slack"])
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)

    webhooks_pump(seconds=10)

    assert COMMENT in robots["feishu"].texts[0]
    assert COMMENT not in robots["slack"].texts[0]
    assert case.customer_email not in robots["feishu"].texts[0]


def test_only_the_rules_a_channel_chose_and_never_twice(robots):
    channel_for(robots["wecom"], rules=[ChatChannel.ACCOUNT_RED])
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)
    event_record(catalogue.CASE_OPENED, case_data(CaseFactory(), priority=2), object_id=None)
    event_record(
        catalogue.ACCOUNT_HEALTH_CHANGED,
        {"id": "acme", "name": "Acme", "band_before": "red", "band": "red", "score": 20},
    )
    webhooks_pump(seconds=10)
    assert robots["wecom"].received == []

    # a red band change reaches it; fanning the same event out again queues nothing more
    event = event_record(
        catalogue.ACCOUNT_HEALTH_CHANGED,
        {"id": "acme-01", "name": "Acme Ltd", "band_before": "yellow", "band": "red", "score": 31.4, "scorecard": 1},
    )
    webhooks_pump(seconds=10)
    type(event).objects.filter(id=event.id).update(fanned_out=False)
    webhooks_pump(seconds=10)

    assert len(robots["wecom"].received) == 1
    (text,) = robots["wecom"].texts
    assert "Account Acme Ltd turned red" in text
    assert "https://cx.example.com/admin/accounts/account/?q=acme-01" in text
    assert "Yellow" in text
    assert ChatMessage.objects.count() == 1


def test_an_escalation_in_the_channels_language(robots):
    channel_for(robots["dingtalk"], locale="zh-hans")
    case = CaseFactory(priority=3)
    event_record(catalogue.CASE_ESCALATED, {**case_data(case, priority=3), "status": "assigned"}, object_id=case.id)

    webhooks_pump(seconds=10)

    (text,) = robots["dingtalk"].texts
    assert robots["dingtalk"].received[0].accepted
    assert "客户" in text
    assert "优先级" in text
    assert f"/admin/closedloop/case/{case.id}/change/" in text
    assert "P3" in text


def test_a_5xx_is_retried_and_then_sent(robots):
    robots["slack"].override = lambda n: (503, {"error": "busy"}) if n == 1 else None
    channel_for(robots["slack"])
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)

    webhooks_pump(seconds=10)
    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.PENDING
    assert message.attempts == 1
    assert message.last_error == "HTTP 503"
    assert timezone.now() < message.next_attempt_at < timezone.now() + timedelta(minutes=1)

    ChatMessage.objects.update(next_attempt_at=timezone.now())
    webhooks_pump(seconds=10)
    message.refresh_from_db()
    assert message.status == ChatMessage.Status.SENT
    assert message.attempts == 2
    assert message.sent_at is not None
    assert len(robots["slack"].texts) == 1


def test_a_rate_limit_code_with_http_200_is_retried(robots):
    robots["dingtalk"].override = lambda n: (200, {"errcode": 130101, "errmsg": "send too fast"}) if n == 1 else None
    channel_for(robots["dingtalk"])
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)

    webhooks_pump(seconds=10)

    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.PENDING
    assert "130101" in message.last_error


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_a_wrong_signature_fails_for_good(robots, platform):
    channel_for(robots[platform], secret="SEC-not-the-robots-secret")
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)

    webhooks_pump(seconds=10)

    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.FAILED
    assert message.attempts == 1
    assert ("310000" if platform == "dingtalk" else "19021") in message.last_error
    assert robots[platform].received
    assert not robots[platform].received[0].accepted


def test_a_4xx_fails_for_good(robots):
    channel_for(robots["slack"], url=robots["slack"].base + "/services/T000/B000/revoked")
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)

    webhooks_pump(seconds=10)

    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.FAILED
    assert message.last_error == "HTTP 404"


def test_a_private_address_is_refused_at_send_time(robots, settings):
    channel_for(robots["wecom"])
    case = CaseFactory(priority=1)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = False

    webhooks_pump(seconds=10)

    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.FAILED
    assert "127.0.0.1" in message.last_error
    assert robots["wecom"].received == []


def test_a_test_message_is_sent_at_once(robots):
    channel = channel_for(robots["feishu"], locale="zh-hant")
    message = chat_channel_test(channel)
    assert message.status == ChatMessage.Status.SENT
    assert message.kind == ChatMessage.TEST
    assert robots["feishu"].received[0].accepted


def test_a_channel_that_cannot_work_is_refused_on_its_fields(settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(ChannelRefused) as refused:
        chat_channel_check(platform="dingtalk", url="http://127.0.0.1:9/robot/send?access_token=x", secret="")
    assert set(refused.value.errors) == {"url", "secret"}
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = True
    with pytest.raises(ChannelRefused) as refused:
        chat_channel_check(platform="wecom", url="http://127.0.0.1:9/cgi-bin/webhook/send", secret="s")
    assert set(refused.value.errors) == {"url", "secret"}
    chat_channel_check(platform="slack", url="http://127.0.0.1:9/services/T/B/x", secret="")


def test_settled_messages_are_pruned_with_old_events(robots, settings):
    channel = channel_for(robots["slack"])
    old = timezone.now() - timedelta(days=settings.CX_WEBHOOKS_KEEP_DAYS + 1)
    for status in ("sent", "failed", "pending"):
        ChatMessage.objects.create(channel=channel, kind="test", title=status, text="", status=status, give_up_at=old)
    ChatMessage.objects.update(created_at=old)
    ChatMessage.objects.create(channel=channel, kind="test", title="recent", text="", status="sent", give_up_at=old)

    webhook_events_prune.delay()

    assert set(ChatMessage.objects.values_list("title", flat=True)) == {"pending", "recent"}


@pytest.mark.parametrize(("platform", "code"), [("dingtalk", "310000"), ("feishu", "19021")])
def test_a_signature_more_than_an_hour_old_is_refused(robots, platform, code, monkeypatch):
    from webhooks.services import chat

    channel = channel_for(robots[platform])
    message = ChatMessage.objects.create(
        channel=channel, kind="test", title="t", text="", give_up_at=timezone.now() + timedelta(days=1)
    )
    real_now = timezone.now
    monkeypatch.setattr(chat.timezone, "now", lambda: real_now() - timedelta(minutes=61))

    sent = chat.chat_message_post(message)

    assert code in sent.body
    assert not robots[platform].received[0].accepted


def test_forgetting_the_customer_takes_their_comment_out_of_chat_messages(robots):
    from surveys.services.privacy import customer_forget
    from tests.surveys.factories import CustomerFactory
    from webhooks.models import ChatMessage
    from webhooks.services.delivery import events_fan_out

    channel_for(robots["feishu"], include_comments=True)
    customer = CustomerFactory()
    case = CaseFactory(priority=1, customer_external_id=customer.external_id)
    event_record(catalogue.CASE_OPENED, case_data(case), object_id=case.id)
    events_fan_out()  # queued with the comment, not sent yet
    assert COMMENT in ChatMessage.objects.get().text

    customer_forget(external_id=customer.external_id, via="api")

    assert COMMENT not in ChatMessage.objects.get().text
    webhooks_pump(seconds=10)
    assert COMMENT not in robots["feishu"].texts[0]


@pytest.mark.parametrize(
    ("locale", "words"), [("en", "reason: NPS detractor"), ("zh-hans", "NPS 贬损者"), ("zh-hant", "NPS 貶損者")]
)
def test_a_message_names_the_cases_reason_in_words_in_the_channels_language(locale, words):
    case = CaseFactory(priority=1)
    message = chat_texts.event_message(
        rule=ChatChannel.CASE_P1, data=case_data(case), object_id=case.id, locale=locale, include_comments=False
    )
    assert any(words in line for line in message.lines)
    assert not any(line.endswith(": detractor") for line in message.lines)  # never the bare code
