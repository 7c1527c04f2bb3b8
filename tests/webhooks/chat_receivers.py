"""Local stand-ins for the chat platforms on 127.0.0.1, each doing its platform's documented check.

- Slack: the path is /services/T…/B…/TOKEN; another token is 404 "no_service".
- WeCom: the `key` query parameter is the robot's key; another is errcode 93000.
- DingTalk: `timestamp` (ms) and `sign` in the query; sign = urlencode(base64(HMAC-SHA256(secret,
  "timestamp\\nsecret"))) recomputed here, and a timestamp more than an hour off; either wrong is errcode 310000.
- Feishu: "timestamp" (s) and "sign" in the body; sign = base64(HMAC-SHA256(key="timestamp\\nsecret", b""))
  recomputed here, a timestamp more than an hour off; either wrong is code 19021.
Written from the platforms' documentation, not from the code under test.
"""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote_plus, urlsplit

SLACK_TOKEN = "XXXXXXXXXXXXXXXXXXXXXXXX"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "98975521a1b23c02cdd1a9a08c69511d"
DINGTALK_SECRET = "SEC19dd84be8c7f3cf71761974f1ed3ef77c1451906ae8ba18acf56103ee"
FEISHU_SECRET = "feishu-bot-secret-0123"
STALE_AFTER = 3600  # seconds, both DingTalk and Feishu


@dataclass
class Got:
    path: str
    query: dict[str, str]
    body: dict
    accepted: bool


@dataclass
class ChatReceiver:
    platform: str
    received: list[Got] = field(default_factory=list)
    # (number of the request, 1-based) -> (status, body) to answer instead of the platform's own answer; None: no
    override: Callable[[int], tuple[int, dict] | None] = lambda n: None
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The robot's URL as the platform shows it (pointing here)."""
        return {
            "slack": f"{self.base}/services/T000/B000/{SLACK_TOKEN}",
            "wecom": f"{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
            "dingtalk": f"{self.base}/robot/send?access_token={DINGTALK_TOKEN}",
            "feishu": f"{self.base}/open-apis/bot/v2/hook/0f8ab9c2",
        }[self.platform]

    @property
    def texts(self) -> list[str]:
        """The text each accepted message showed, whatever the platform's body shape."""
        return [message_text(self.platform, got.body) for got in self.received if got.accepted]

    def check(self, path: str, query: dict[str, str], body: dict) -> tuple[bool, int, dict]:
        now = time.time()
        if self.platform == "slack":
            ok = path == f"/services/T000/B000/{SLACK_TOKEN}" and isinstance(body.get("text"), str)
            return (True, 200, {}) if ok else (False, 404, {"error": "no_service"})
        if self.platform == "wecom":
            if query.get("key") != WECOM_KEY:
                return False, 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
            return True, 200, {"errcode": 0, "errmsg": "ok"}
        if self.platform == "dingtalk":
            timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
            fresh = timestamp.isdigit() and abs(now * 1000 - int(timestamp)) <= STALE_AFTER * 1000
            digest = hmac.new(
                DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
            ).digest()
            expected = base64.b64encode(digest).decode()
            if query.get("access_token") != DINGTALK_TOKEN or not fresh or not hmac.compare_digest(sign, expected):
                return False, 200, {"errcode": 310000, "errmsg": "sign not match"}
            return True, 200, {"errcode": 0, "errmsg": "ok"}
        timestamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
        fresh = timestamp.isdigit() and abs(now - int(timestamp)) <= STALE_AFTER
        digest = hmac.new(f"{timestamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
        if not fresh or not hmac.compare_digest(sign, base64.b64encode(digest).decode()):
            return False, 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
        return True, 200, {"code": 0, "msg": "success", "data": {}}

    def start(self) -> "ChatReceiver":
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                parts = urlsplit(self.path)
                # parse_qs decodes once: DingTalk's sign arrives URL-encoded and is compared decoded
                query = {name: values[0] for name, values in parse_qs(parts.query).items()}
                body = json.loads(raw or b"{}")
                accepted, status, answer = receiver.check(parts.path, query, body)
                replaced = receiver.override(len(receiver.received) + 1)
                if replaced is not None:
                    accepted = False
                    status, answer = replaced
                receiver.received.append(Got(parts.path, query, body, accepted))
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def message_text(platform: str, body: dict) -> str:
    if platform == "slack":
        return body["text"]
    if platform == "feishu":
        return body["content"]["text"]
    if platform == "wecom":
        return body["markdown"]["content"]
    return body["markdown"]["title"] + "\n" + body["markdown"]["text"]


def dingtalk_sign_encoded(timestamp_ms: int) -> str:
    """The sign as DingTalk's documentation writes it into the URL (for checks of the raw query)."""
    digest = hmac.new(DINGTALK_SECRET.encode(), f"{timestamp_ms}\n{DINGTALK_SECRET}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(digest.digest()))
