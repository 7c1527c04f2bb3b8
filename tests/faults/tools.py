"""What the fault tests break: a Redis of their own, a path to PostgreSQL to cut, a mail server that refuses."""

import contextlib
import socket
import subprocess
import threading
import time
from collections import deque
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server process of the test's own (a broker to stop without touching anyone else's)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.workdir, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class TcpProxy:
    """A TCP path to a real server that a test can cut and restore, as a network or failover fault does.

    `cut()` closes every connection through it and refuses new ones; `restore()` accepts again.
    `cut_at(before=…)` cuts once a connection is about to send `before`, which never arrives;
    with `after=…`, only a connection that has sent `after` first (PostgreSQL then sees the
    client vanish mid-transaction, between its statements and its COMMIT).
    `cut_reply_to(statement)` lets `statement` through and cuts before its reply comes back:
    the server did the work, the client never hears so.
    """

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._trigger: tuple[bytes, bytes] | None = None
        self._reply_trigger: bytes | None = None
        self.cuts = 0

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    start = restore

    def cut(self) -> None:
        with self._lock:
            self.cuts += 1  # before the client can notice
            listener, self._listener = self._listener, None
            if listener is not None:
                _close(listener)
            for sock in self._sockets:
                _close(sock)
            self._sockets.clear()
        if listener is not None:
            self._acceptor.join(timeout=5)  # the port is free once its accept() has returned

    def cut_at(self, *, before: bytes, after: bytes = b"") -> None:
        self._trigger = (after, before)

    def cut_reply_to(self, statement: bytes) -> None:
        self._reply_trigger = statement

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            with self._lock:
                self._sockets |= {client, server}
            seen = threading.Event()  # this connection has sent the trigger's first part
            awaited = threading.Event()  # this connection has sent the statement whose reply is to be cut
            threading.Thread(target=self._pump, args=(client, server, seen, awaited), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, None, awaited), daemon=True).start()

    def _pump(self, source, target, seen: threading.Event | None, awaited: threading.Event) -> None:
        try:
            while data := source.recv(65536):
                if seen is None and awaited.is_set():  # the reply to the awaited statement
                    self._reply_trigger = None
                    self.cut()
                    return
                if seen is not None and self._reply_trigger and self._reply_trigger in data:
                    awaited.set()
                trigger = self._trigger
                if seen is not None and trigger is not None:
                    if trigger[0] and trigger[0] in data:
                        seen.set()
                    elif (seen.is_set() or not trigger[0]) and trigger[1] in data:
                        self._trigger = None
                        self.cut()
                        return
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                _close(sock)
            with self._lock:
                self._sockets -= {source, target}


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked reading it
    sock.close()


class RefusingHandler:
    """An SMTP server's answers: `replies` are given to DATA in turn (then 250), each message it takes is kept."""

    def __init__(self) -> None:
        self.replies: deque[str] = deque()
        self.always: str | None = None  # a reply for every DATA, while set
        self.refuse_recipients: str | None = None  # a reply for every RCPT TO, while set
        self.attempts = 0
        self.accepted: list[tuple[list[str], str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.refuse_recipients:
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        reply = self.always or (self.replies.popleft() if self.replies else None)
        if reply:
            return reply
        self.accepted.append((list(envelope.rcpt_tos), envelope.content.decode("utf8", "replace")))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), whose answers a test sets."""

    def __init__(self) -> None:
        self.handler = RefusingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


COMMENTS = (
    "退款申请两周了还没处理，客服也不回复 😡",
    "客服態度很差，帳單一直錯",
    "The app crashes at checkout every time",
    "good product but 客服 took a week to answer",
    "很好用，推荐给朋友了 👍",
    "Great onboarding, the training helped a lot",
    "",
)


def answer_payloads(survey_key: str, count: int, *, start: int = 0) -> list[dict]:
    """`count` answers as the public API takes them: every score, most with a comment in Chinese,
    English or both, most from identified customers, promoters agreeing to be contacted."""
    payloads = []
    for i in range(start, start + count):
        score = i % 11
        payload = {"survey": survey_key, "score": score, "comment": COMMENTS[i % len(COMMENTS)]}
        if i % 4:
            payload["customer"] = {"external_id": f"fault-{i:05d}", "email": f"fault-{i}@example.com"}
            payload["consent_to_contact"] = score >= 9
        payloads.append(payload)
    return payloads
