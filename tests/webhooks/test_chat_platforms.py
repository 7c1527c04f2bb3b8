"""Each chat platform's request and signing, and what its answers mean (webhooks.chat_platforms), without a network."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from webhooks.chat_platforms import Message, answer_outcome, request_for
from webhooks.chat_texts import event_rule

AT = datetime(2026, 12, 7, 9, 30, 15, 250_000, tzinfo=UTC)
MESSAGE = Message(
    title="New P1 case #7", lines=("reason: detractor",), link="https://cx.example.com/admin/x/", link_label="Open"
)


def test_dingtalk_signs_the_timestamp_in_ms_and_the_secret_in_the_query():
    request = request_for(
        platform="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret="SECxyz",
        message=MESSAGE,
        at=AT,
    )
    parts = urlsplit(request.url)
    query = parse_qs(parts.query)
    assert query["access_token"] == ["abc"]
    assert query["timestamp"] == ["1796635815250"]
    expected = base64.b64encode(hmac.new(b"SECxyz", b"1796635815250\nSECxyz", hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]  # sent URL-encoded: parse_qs gives back the base64 itself
    assert "+" not in parts.query.split("sign=")[1]
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "New P1 case #7"
    assert "[Open](https://cx.example.com/admin/x/)" in body["markdown"]["text"]


def test_feishu_signs_in_the_body_with_the_key_of_timestamp_and_secret():
    request = request_for(
        platform="feishu", url="https://open.feishu.cn/open-apis/bot/v2/hook/x", secret="s3", message=MESSAGE, at=AT
    )
    body = json.loads(request.body)
    assert body["timestamp"] == "1796635815"
    assert body["sign"] == base64.b64encode(hmac.new(b"1796635815\ns3", b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "text"
    assert body["content"]["text"].startswith("New P1 case #7\nreason: detractor")
    assert request.url == "https://open.feishu.cn/open-apis/bot/v2/hook/x"


def test_wecom_and_slack_send_to_the_url_as_given():
    wecom = request_for(
        platform="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
        secret="",
        message=MESSAGE,
        at=AT,
    )
    assert wecom.url.endswith("?key=K")
    assert json.loads(wecom.body)["markdown"]["content"].startswith("**New P1 case #7**\nreason: detractor")
    slack = request_for(
        platform="slack", url="https://hooks.slack.com/services/T/B/X", secret="", message=MESSAGE, at=AT
    )
    assert json.loads(slack.body) == {
        "text": "*New P1 case #7*\nreason: detractor\n<https://cx.example.com/admin/x/|Open>"
    }
    with pytest.raises(ValueError):
        request_for(platform="teams", url="https://x", secret="", message=MESSAGE, at=AT)


@pytest.mark.parametrize(
    ("platform", "status", "body", "succeeded", "retried"),
    [
        ("slack", 200, "ok", True, False),
        ("slack", 404, "no_service", False, False),
        ("slack", 429, "", False, True),
        ("wecom", 200, '{"errcode":0,"errmsg":"ok"}', True, False),
        ("wecom", 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', False, False),
        ("wecom", 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', False, True),
        ("dingtalk", 200, '{"errcode":310000,"errmsg":"sign not match"}', False, False),
        ("dingtalk", 200, '{"errcode":130101,"errmsg":"send too fast"}', False, True),
        ("dingtalk", 502, "", False, True),
        ("feishu", 200, '{"code":0,"msg":"success"}', True, False),
        ("feishu", 200, '{"StatusCode":0,"StatusMessage":"success"}', True, False),
        ("feishu", 200, '{"code":19021,"msg":"sign match fail"}', False, False),
        ("feishu", 200, '{"code":11232,"msg":"frequency limited"}', False, True),
        ("feishu", None, "", False, True),
    ],
)
def test_answers(platform, status, body, succeeded, retried):
    verdict, error = answer_outcome(platform=platform, status=status, body=body)
    assert (verdict.succeeded, verdict.retry) == (succeeded, retried)
    assert bool(error) == (not succeeded and status is not None)


@pytest.mark.parametrize(
    ("event_type", "data", "rule"),
    [
        ("case.opened", {"priority": "P1"}, "case_p1"),
        ("case.opened", {"priority": 1}, "case_p1"),
        ("case.opened", {"priority": "p1"}, "case_p1"),
        ("case.opened", {"priority": 2}, None),
        ("case.opened", {}, None),
        ("case.escalated", {"priority": 4}, "case_escalated"),
        ("case.resolved", {"priority": 1}, None),
        ("account.health_changed", {"band_before": "yellow", "band": "red"}, "account_red"),
        ("account.health_changed", {"band": "red"}, "account_red"),
        ("account.health_changed", {"band_before": "red", "band": "red"}, None),
        ("account.health_changed", {"band_before": "red", "band": "yellow"}, None),
    ],
)
def test_which_events_alert(event_type, data, rule):
    assert event_rule(event_type, data) == rule
