"""Each chat platform's request (address, body, signing) and what its answer means. Pure: no models, no settings.

- Slack incoming webhook: POST {"text": …} to the secret URL; a 2xx is success.
- WeCom group robot: POST {"msgtype": "markdown", "markdown": {"content": …}} to …/webhook/send?key=KEY (the key
  is the secret); the answer is {"errcode": 0, "errmsg": "ok"}.
- DingTalk custom robot with 加签: `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(secret,
  "{timestamp}\\n{secret}"))) added to the query; body {"msgtype": "markdown", "markdown": {"title", "text"}};
  the answer is {"errcode": 0, …}.
- Feishu custom bot with 签名校验: "timestamp" (seconds, a string) and "sign" = base64(HMAC-SHA256(key=
  "{timestamp}\\n{secret}", empty message)) in the body; the answer is {"code": 0, …} ({"StatusCode": 0} before).
An HTTP 200 carrying a non-zero code is a failure: retried when the code says "too fast", refused otherwise.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus, urlsplit, urlunsplit

from webhooks import retry

SLACK, WECOM, DINGTALK, FEISHU = "slack", "wecom", "dingtalk", "feishu"
PLATFORMS = (SLACK, WECOM, DINGTALK, FEISHU)
SIGNED = frozenset({DINGTALK, FEISHU})  # the platforms whose robots take a signing secret

# Codes in a 200 answer that mean "sending too fast" or "busy": retried like a 429.
RATE_LIMITED = {
    WECOM: frozenset({-1, 45009}),  # system busy; API frequency out of limit
    DINGTALK: frozenset({-1, 130101, 410100}),  # system busy; sending too fast (20 a minute)
    FEISHU: frozenset({9499, 11232, 11233}),  # too many requests; frequency limited
}


@dataclass(frozen=True, slots=True)
class ChatRequest:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Message:
    """What to say: a title, lines of text, and the link back to the admin (may be blank)."""

    title: str
    lines: tuple[str, ...]
    link: str = ""
    link_label: str = ""


def dingtalk_sign(*, secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` query value (already URL-encoded, as its documentation computes it)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(*, secret: str, timestamp: int) -> str:
    """Feishu's `sign` body value: the HMAC keyed with "timestamp\\nsecret" over an empty message, base64."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def request_for(*, platform: str, url: str, secret: str, message: Message, at: datetime) -> ChatRequest:
    """The exact request for one attempt (signed with the attempt's time where the platform signs)."""
    headers = {"content-type": "application/json; charset=utf-8", "user-agent": "cxplatform-chat/1"}
    if platform == SLACK:
        body: dict = {"text": _slack_text(message)}
    elif platform == WECOM:
        body = {"msgtype": "markdown", "markdown": {"content": _markdown(message, breaks="\n")}}
    elif platform == DINGTALK:
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": _markdown(message, breaks="\n\n")}}
        if secret:
            timestamp_ms = int(at.timestamp() * 1000)
            url = _with_query(
                url, f"timestamp={timestamp_ms}&sign={dingtalk_sign(secret=secret, timestamp_ms=timestamp_ms)}"
            )
    elif platform == FEISHU:
        body = {"msg_type": "text", "content": {"text": _plain(message)}}
        if secret:
            timestamp = int(at.timestamp())
            body = {"timestamp": str(timestamp), "sign": feishu_sign(secret=secret, timestamp=timestamp), **body}
    else:
        raise ValueError(f"Unknown chat platform {platform!r}.")
    return ChatRequest(url=url, body=json.dumps(body, ensure_ascii=False).encode(), headers=headers)


def answer_outcome(
    *, platform: str, status: int | None, body: str, retry_after: str | None = None, now: datetime | None = None
) -> tuple[retry.Outcome, str]:
    """What an answer means (as webhooks.retry classifies HTTP), and the error to keep when it failed."""
    verdict = retry.outcome(status=status, retry_after=retry_after, now=now)
    if not verdict.succeeded:
        return verdict, f"HTTP {status}" if status is not None else ""
    if platform == SLACK:
        return verdict, ""
    code, text = _platform_code(body)
    if code is None or code == 0:
        return verdict, ""
    error = f"{platform} code {code}: {text}"[:300]
    return retry.Outcome(succeeded=False, retry=code in RATE_LIMITED.get(platform, frozenset())), error


def _platform_code(body: str) -> tuple[int | None, str]:
    """The code and message of a WeCom/DingTalk (errcode, errmsg) or Feishu (code, msg; StatusCode) answer."""
    try:
        answer = json.loads(body) if body else {}
    except ValueError:
        return None, ""
    if not isinstance(answer, dict):
        return None, ""
    for code_key, text_key in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        if code_key in answer:
            try:
                return int(answer[code_key]), str(answer.get(text_key, ""))
            except (TypeError, ValueError):
                return -1, str(answer.get(text_key, ""))
    return None, ""


def _with_query(url: str, extra: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _slack_text(message: Message) -> str:
    lines = [f"*{message.title}*", *message.lines]
    if message.link:
        lines.append(f"<{message.link}|{message.link_label or message.link}>")
    return "\n".join(lines)


def _markdown(message: Message, *, breaks: str) -> str:
    lines = [f"**{message.title}**", *message.lines]
    if message.link:
        lines.append(f"[{message.link_label or message.link}]({message.link})")
    return breaks.join(lines)


def _plain(message: Message) -> str:
    return "\n".join([message.title, *message.lines, *([message.link] if message.link else [])])
