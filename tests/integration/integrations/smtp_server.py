"""A small SMTP server for the tests (RFC 5321 subset + STARTTLS (RFC 3207) + AUTH PLAIN (RFC
4954)): enough for smtplib, with the received messages kept for assertions."""

from __future__ import annotations

import base64
import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes
    tls: bool
    user: str | None

    @property
    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    sessions: int = 0
    _server: Any = None
    _thread: threading.Thread | None = None

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start(ctx: ssl.SSLContext | None, *, require_tls: bool, users: dict[str, str] | None = None,
          implicit_tls: bool = False) -> SmtpServer:
    """``implicit_tls``: TLS from the first byte (port 465 style, smtplib.SMTP_SSL); otherwise
    STARTTLS is offered when ``ctx`` is given."""
    box = SmtpServer("127.0.0.1", 0)

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write((line + "\r\n").encode("utf-8"))
            self.wfile.flush()

        tls_socket: ssl.SSLSocket | None = None

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                if self.tls_socket is not None:
                    self.tls_socket.close()

        def handle(self) -> None:
            box.sessions += 1
            tls, user = False, None
            mail_from, rcpts = "", []
            if implicit_tls and ctx is not None:
                conn = ctx.wrap_socket(self.connection, server_side=True)
                self.tls_socket = conn
                self.connection = conn
                self.rfile = conn.makefile("rb")
                self.wfile = conn.makefile("wb")
                tls = True
            self.reply("220 localhost ESMTP teste")
            while True:
                raw = self.rfile.readline(4096)
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    caps = ["250-localhost", "250-8BITMIME", "250-SMTPUTF8"]
                    if ctx is not None and not tls:
                        caps.append("250-STARTTLS")
                    if users and (tls or not require_tls):
                        caps.append("250-AUTH PLAIN")
                    caps.append("250 SIZE 1048576")
                    for c in caps:
                        self.reply(c)
                elif verb == "STARTTLS" and ctx is not None and not tls:
                    self.reply("220 pronto para TLS")
                    self.wfile.flush()
                    conn = ctx.wrap_socket(self.connection, server_side=True)
                    self.tls_socket = conn
                    self.connection = conn
                    self.rfile = conn.makefile("rb")
                    self.wfile = conn.makefile("wb")
                    tls = True
                elif verb == "AUTH":
                    parts = line.split(" ")
                    try:
                        _, name, pw = base64.b64decode(parts[2]).decode("utf-8").split("\0")
                    except Exception:
                        self.reply("501 sintaxe")
                        continue
                    if users and users.get(name) == pw:
                        user = name
                        self.reply("235 autenticado")
                    else:
                        self.reply("535 credenciais inválidas")
                elif verb == "MAIL":
                    if require_tls and not tls:
                        self.reply("530 use STARTTLS primeiro")
                        continue
                    if users and user is None:
                        self.reply("530 autenticação exigida")
                        continue
                    mail_from, rcpts = line[10:].split(">")[0].lstrip("<"), []
                    self.reply("250 ok")
                elif verb == "RCPT":
                    rcpts.append(line[8:].split(">")[0].lstrip("<"))
                    self.reply("250 ok")
                elif verb == "DATA":
                    self.reply("354 envie")
                    chunks = []
                    while True:
                        d = self.rfile.readline()
                        if d in (b".\r\n", b".\n", b""):
                            break
                        chunks.append(d[1:] if d.startswith(b"..") else d)
                    box.messages.append(Received(mail_from, rcpts, b"".join(chunks), tls, user))
                    self.reply("250 aceito")
                elif verb == "QUIT":
                    self.reply("221 tchau")
                    return
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 ok")
                else:
                    self.reply("502 não implementado")

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            return  # a refused handshake is what some tests provoke; the client side asserts it

    server = Server(("127.0.0.1", 0), Handler)
    box.port = server.server_address[1]
    box._server = server
    box._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    box._thread.start()
    return box
