"""SEFAZ transport: SOAP 1.2 POST over mutual TLS with the emitter's A1 (http.client + ssl).

* The client identity is the A1 (PFX bytes + password) held in memory and loaded into an
  ``ssl.SSLContext`` from an anonymous memory file (``os.memfd_create``, Linux): no key is ever
  written to a filesystem (requests-pkcs12, used before, went through a NamedTemporaryFile).
* The server is verified against a configurable trust store only (a PEM bundle: the ICP-Brasil roots
  in production, the simulator's test root in tests): never the public web PKI, and no code path turns
  verification or hostname checking off.
* Per-endpoint TLS settings (``tls_min_version`` from the states data) get their own SSL context and
  connection pool for that host only: an override never weakens another host.
* Keep-alive: up to ``pool_size`` idle HTTP/1.1 connections per host are kept and reused, so one TLS
  handshake serves many calls; a connection the server closed while idle is detected before reuse and
  replaced. A new connection to the same host resumes the last TLS session (one round trip and no
  RSA signature with the A1 instead of a full mutual-TLS handshake) when the server allows it.
* HTTPS only, no redirect followed; the connect timeout covers TCP connect + TLS handshake, the read
  timeout every wait for the answer. Failures become ``engine.ports.TransportError`` telling whether
  the request may have been delivered: ``delivered=False`` only when nothing can have reached the
  server's application (no connection, handshake refused, any TLS failure), ``True`` after the body
  may have been sent (read timeout, connection dropped or closed — TLS close/EOF included — or a
  broken answer) — the client then consults by chave before re-sending. A TLS alert after the
  handshake (TLS 1.3: the server refusing our certificate) is ``tls``, not delivered.

It replaced requests + requests-pkcs12 (issue 5 §9): with the session/adapter/urllib3 layers a call
cost 0.60-0.71 ms of CPU against the simulator on loopback, now 0.17-0.19 ms (TLS record work included);
reading the answer's head without the e-mail parser (``_Response``) took a consStatServ POST from
160-169 to 125-133 us of process CPU, and sending the request head and body in one TLS record to
114-122 us. Writing the request head from a template http.client wrote once per service
(``_request_head``) and reading the usual answer (HTTP/1.1, Content-Length) straight from the TLS
socket (``_exchange``; any other answer still goes through http.client's ``HTTPResponse``) took it to
66-67 us of thread CPU, against 110-124 us in the same run (a bare sendall + recv is ~50 us).
"""

from __future__ import annotations

import http.client
import io
import os
import select
import socket
import ssl
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from engine.errors import ConfigurationError
from engine.ports import TransportError, TransportRequest, TransportResponse

_TLS_VERSIONS = {
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


def load_identity(context: ssl.SSLContext, pfx: bytes, password: str | bytes) -> None:
    """Load the A1's key and chain into ``context`` through an anonymous in-memory file."""
    pw = password.encode("utf-8") if isinstance(password, str) else password
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(pfx, pw)
    except ValueError as exc:
        raise ConfigurationError("certificado A1: senha incorreta ou arquivo PKCS#12 inválido") from exc
    if key is None or cert is None:
        raise ConfigurationError("certificado A1 sem chave privada ou sem certificado")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pem += cert.public_bytes(serialization.Encoding.PEM)
    for ca in extra or ():
        pem += ca.public_bytes(serialization.Encoding.PEM)
    fd = os.memfd_create("a1", os.MFD_CLOEXEC)  # RAM only, no name in any directory
    try:
        os.write(fd, pem)
        context.load_cert_chain(f"/proc/self/fd/{fd}")
    finally:
        os.close(fd)


class _Headers(dict[str, str]):
    """Answer header fields by lower-cased name (the first occurrence, as ``HTTPMessage.get`` gives)."""


class _Response(http.client.HTTPResponse):
    """``HTTPResponse`` whose head is read without the e-mail parser.

    http.client hands the header lines to ``email.parser`` (an ``HTTPMessage`` with its policy
    machinery): ~20 us of CPU per answer, the largest Python step of a call (issue 5 §9). Only the
    head is read here; the status line (``_read_status``: BadStatusLine, RemoteDisconnected,
    LineTooLong), the 100-continue skip, the line/field limits (``_read_headers``) and every decision
    ``begin`` takes from the fields (chunked, Content-Length, keep-alive by HTTP version and
    Connection/Keep-Alive/Proxy-Connection, 204/304/1xx without a body) are http.client's, unchanged,
    and so is the reading of the body (Content-Length, chunked, until close).
    """

    def begin(self) -> None:
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            if status != http.client.CONTINUE:
                break
            http.client._read_headers(self.fp)  # the 100 answer's head
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        fields = _Headers()
        last = ""
        for raw in http.client._read_headers(self.fp):
            line = raw.decode("iso-8859-1").rstrip("\r\n")
            if not line:
                continue
            if line[0] in " \t":  # obsolete line folding (RFC 7230 3.2.4): continues the previous field
                if last:
                    fields[last] = f"{fields[last]} {line.strip()}"
                continue
            name, colon, value = line.partition(":")
            if not colon:
                last = ""
                continue  # not a field line; the e-mail parser kept it out of the fields too
            last = name.strip().lower()
            if last not in fields:
                fields[last] = value.strip()
            else:
                last = ""  # a repeated field: the first one counts
        self.headers = self.msg = fields
        tr_enc = fields.get("transfer-encoding")
        self.chunked = tr_enc is not None and tr_enc.lower() == "chunked"
        if self.chunked:
            self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = fields.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED) or 100 <= status < 200 \
                or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True


class _Recorder:
    """Socket stand-in for ``_request_head``: keeps what http.client writes."""

    def __init__(self) -> None:
        self.data = bytearray()

    def sendall(self, data: bytes) -> None:
        self.data += data


_LENGTH_ZERO = b"\r\nContent-Length: 0\r\n"


def _request_head(host: str, port: int, context: ssl.SSLContext, target: str, content_type: str) -> tuple[bytes, bytes]:
    """The head http.client writes for ``POST target`` with this Content-Type, split around the
    Content-Length value: (before, after). Written BY http.client (its Host and Accept-Encoding fields,
    its order, its checks of the path and the field values: an invalid one raises here as it did in
    ``request``) for an empty body; the bytes of a request are ``before + length + after + body``."""
    conn = http.client.HTTPSConnection(host, port, context=context)
    recorder = _Recorder()
    conn.sock = recorder
    conn.request("POST", target, body=b"", headers={"Content-Type": content_type})
    head = bytes(recorder.data)
    if head.count(_LENGTH_ZERO) != 1 or not head.endswith(b"\r\n\r\n"):  # pragma: no cover - http.client changed
        raise ConfigurationError("cabeçalho HTTP inesperado do http.client")
    before, _, after = head.partition(_LENGTH_ZERO)
    return before + b"\r\nContent-Length: ", b"\r\n" + after


class _Replay(io.RawIOBase):
    """The bytes already received, then the socket: what ``sock.makefile("rb")`` would have read."""

    def __init__(self, received: bytes, sock: socket.socket) -> None:
        self._received = received
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._received:
            n = min(len(buffer), len(self._received))
            buffer[:n] = self._received[:n]
            self._received = self._received[n:]
            return n
        return self._sock.recv_into(buffer)


class _ReplaySock:
    def __init__(self, received: bytes, sock: socket.socket) -> None:
        self._reader = io.BufferedReader(_Replay(received, sock))

    def makefile(self, mode: str) -> io.BufferedReader:
        return self._reader  # type: ignore[return-value]


# The answer heads ``_exchange`` reads itself: HTTP/1.1, a final status (not 1xx, 204, 304), ASCII only,
# every line ended by CRLF and a field, a Content-Length of digits and no Transfer-Encoding. Anything else
# goes through http.client (``_Response``). Bounds well below http.client's (65536 per line, 100 fields).
_MAX_HEAD = 16384
_MAX_FIELDS = 100
# The largest answer body read: far above any SEFAZ answer (a NFeDistribuicaoDFe lote of 50 documents is a
# few MB); a larger Content-Length is refused before anything is allocated for it.
MAX_ANSWER_BYTES = 64 * 1024 * 1024


def _exchange(sock: ssl.SSLSocket, data: bytes) -> tuple[int, bytes, bool]:
    """Send one request and read its answer: (status, body, whether the connection must be closed).

    The common answer of a SOAP server (``Content-Length``, keep-alive or ``Connection: close``) is read
    here with the fewest calls: the head from the first records received, then exactly the body's
    length (http.client builds a file object, an ``HTTPResponse`` and reads line by line: ~60 us of CPU
    per call, issue 5 §9). Any other head is handed, with the bytes already received, to http.client's
    own ``HTTPResponse`` (``_Response``): the same decisions and the same errors as before.
    """
    sock.sendall(data)
    received = sock.recv(65536)
    end = received.find(b"\r\n\r\n")
    while end < 0 and 0 < len(received) < _MAX_HEAD:
        more = sock.recv(65536)
        if not more:
            break
        received += more
        end = received.find(b"\r\n\r\n")
    parsed = _simple_head(received[:end]) if 0 <= end < _MAX_HEAD else None
    if parsed is None:
        return _by_http_client(received, sock)
    status, length, close = parsed
    if length > MAX_ANSWER_BYTES:
        raise http.client.HTTPException(f"resposta de {length} bytes: acima do limite de {MAX_ANSWER_BYTES}")
    start = end + 4
    got = len(received) - start
    if got >= length:
        # Bytes beyond the answer (nothing is pipelined): http.client dropped them with its file object; the
        # connection is not reused.
        return status, received[start:start + length], close or got > length
    body = bytearray(length)
    view = memoryview(body)
    view[:got] = received[start:]
    while got < length:
        n = sock.recv_into(view[got:])
        if not n:
            raise http.client.IncompleteRead(bytes(view[:got]), length - got)
        got += n
    return status, bytes(body), close


def _simple_head(head: bytes) -> tuple[int, int, bool] | None:
    """(status, Content-Length, Connection: close) of a head ``_exchange`` reads itself, else None."""
    if not head.isascii() or head[:9] != b"HTTP/1.1 " or not head[9:12].isdigit() or head[12:13] not in (b" ", b"\r"):
        return None
    lines = head.split(b"\r\n")
    if head.count(b"\n") != len(lines) - 1 or len(lines) > _MAX_FIELDS + 1:
        return None  # a bare LF ends a line (or the head) for http.client
    status = int(head[9:12])
    if status < 200 or status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED):
        return None
    length: bytes | None = None
    connection: bytes | None = None
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or line[:1] in (b" ", b"\t"):
            return None
        key = name.strip().lower()
        # The first occurrence of a field counts, as in _Response.
        if key == b"content-length":
            length = value.strip() if length is None else length
        elif key == b"connection":
            connection = value if connection is None else connection
        elif key == b"transfer-encoding":
            return None
    if length is None or not length.isdigit():
        return None
    return status, int(length), connection is not None and b"close" in connection.lower()


def _by_http_client(received: bytes, sock: ssl.SSLSocket) -> tuple[int, bytes, bool]:
    response = _Response(_ReplaySock(received, sock), method="POST")  # type: ignore[arg-type]
    response.begin()
    body = response.read()
    return response.status, body, response.will_close


class _Connection(http.client.HTTPSConnection):
    """One keep-alive connection; ``connect`` resumes ``session`` when given. Requests and answers go through
    ``_exchange`` on its socket (never ``getresponse``)."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext, connect_timeout_s: float,
                 session: ssl.SSLSession | None) -> None:
        super().__init__(host, port, timeout=connect_timeout_s, context=context)
        self._tls = context
        self._resume = session
        # Read the TLS session once, after the first answer (TLS 1.3 tickets arrive after the
        # handshake); ``SSLSocket.session`` costs a fraction of a millisecond per read.
        self.session_pending = True
        self._poller: tuple[socket.socket, select.poll] | None = None

    def connect(self) -> None:
        # TCP connect and TLS handshake both under the connect timeout (as urllib3 did).
        sock = socket.create_connection((self.host, self.port), self.timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host, session=self._resume)
        except BaseException:
            sock.close()
            raise

    def idle_and_open(self) -> bool:
        """Still usable after waiting in the pool: a readable idle socket means the server closed it
        (or sent something unexpected); either way it is not reused."""
        sock = self.sock
        if sock is None:
            return False
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False  # unread TLS data on an idle connection: not ours to reuse
        try:
            if self._poller is None or self._poller[0] is not sock:
                poller = select.poll()  # poll, not select: no FD_SETSIZE limit in a busy server process
                poller.register(sock, select.POLLIN | select.POLLPRI)
                self._poller = (sock, poller)  # registered once per socket, not before every reuse
            return not self._poller[1].poll(0)
        except (OSError, ValueError):
            return False


@dataclass
class _Pool:
    """Idle connections to one host with one TLS floor, and the last TLS session to resume."""

    host: str
    port: int
    context: ssl.SSLContext
    size: int
    idle: list[_Connection] = field(default_factory=list)
    session: ssl.SSLSession | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False
    handshakes: int = 0  # new connections opened (tests and benchmarks check the reuse)
    resumed: int = 0  # of which resumed a TLS session
    # Request heads by (target, SOAP action), see ``_request_head``: bounded by the services of this host.
    heads: dict[tuple[str, str], tuple[bytes, bytes]] = field(default_factory=dict)

    def head(self, target: str, soap_action: str) -> tuple[bytes, bytes]:
        found = self.heads.get((target, soap_action))
        if found is None:
            content_type = f'application/soap+xml; charset=utf-8; action="{soap_action}"'
            found = self.heads[(target, soap_action)] = _request_head(self.host, self.port, self.context, target,
                                                                      content_type)
        return found

    def take(self) -> _Connection | None:
        while True:
            with self.lock:
                if not self.idle:
                    return None
                conn = self.idle.pop()
            if conn.idle_and_open():
                return conn
            conn.close()

    def give_back(self, conn: _Connection) -> None:
        if conn.session_pending:
            conn.session_pending = False
            session = conn.sock.session if isinstance(conn.sock, ssl.SSLSocket) else None
            if session is not None:
                with self.lock:
                    self.session = session
        with self.lock:
            if not self.closed and len(self.idle) < self.size:
                self.idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            idle, self.idle = self.idle, []
        for conn in idle:
            conn.close()


class _Shared:
    """What the transports of one certificate share: the identity, the SSL contexts and the pools."""

    def __init__(self, pfx: bytes, password: str | bytes, trust_path: str, pool_size: int) -> None:
        self.pfx = pfx
        self.password = password
        self.trust_path = trust_path
        self.pool_size = pool_size
        self.pools: dict[tuple[str, str], _Pool] = {}
        self.targets: dict[str, tuple[str, int, str]] = {}  # URL -> (host, port, target), see HttpsTransport._target
        self.lock = threading.Lock()
        # A transport dropped without close() still closes its idle sockets (as urllib3's pools do).
        weakref.finalize(self, _close_pools, self.pools)

    def context(self, min_version: str) -> ssl.SSLContext:
        if min_version not in _TLS_VERSIONS:
            raise ConfigurationError(f"versão mínima de TLS desconhecida nos dados do autorizador: {min_version}")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED by default
        context.minimum_version = _TLS_VERSIONS[min_version]
        context.load_verify_locations(cafile=self.trust_path)
        load_identity(context, self.pfx, self.password)
        return context

    def pool(self, host: str, port: int, min_version: str) -> _Pool:
        key = (f"{host}:{port}", min_version)
        pool = self.pools.get(key)
        if pool is not None:
            return pool
        with self.lock:
            pool = self.pools.get(key)
            if pool is None:
                pool = self.pools[key] = _Pool(host, port, self.context(min_version), self.pool_size)
            return pool

    def close(self) -> None:
        with self.lock:
            pools = list(self.pools.values())
        for pool in pools:
            pool.close()


def _close_pools(pools: dict[tuple[str, str], _Pool]) -> None:
    for pool in list(pools.values()):
        pool.close()


class HttpsTransport:
    """``engine.ports.Transport`` over http.client with the A1; one instance per emitter certificate.

    ``with_timeouts`` gives a view with other timeouts over the same connections (the PDV's online
    client and the background worker of one certificate share one pool per host)."""

    def __init__(
        self,
        *,
        pfx: bytes,
        password: str | bytes,
        trust_pem_path: str | Path,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        pool_size: int = 10,
        _shared: _Shared | None = None,
    ) -> None:
        if _shared is None:
            trust = Path(trust_pem_path)
            if not trust.is_file():
                raise ConfigurationError(f"repositório de confiança (PEM) não encontrado: {trust}")
            _shared = _Shared(pfx, password, str(trust), pool_size)
            _shared.context("TLSv1.2")  # fail early on a bad certificate or trust store
        self._shared = _shared
        self._timeouts = (connect_timeout_s, read_timeout_s)

    def with_timeouts(self, connect_timeout_s: float, read_timeout_s: float) -> HttpsTransport:
        return HttpsTransport(pfx=self._shared.pfx, password=self._shared.password,
                              trust_pem_path=self._shared.trust_path, connect_timeout_s=connect_timeout_s,
                              read_timeout_s=read_timeout_s, _shared=self._shared)

    def pool_stats(self, url: str, tls_min_version: str = "TLSv1.2") -> tuple[int, int]:
        """(connections opened, of which resumed a TLS session) for the host of ``url``."""
        parts = urlsplit(url)
        pool = self._shared.pools.get((f"{parts.hostname}:{parts.port or 443}", tls_min_version))
        return (pool.handshakes, pool.resumed) if pool is not None else (0, 0)

    def _target(self, url: str) -> tuple[str, int, str]:
        """(host, port, request target) of a SEFAZ URL, split once per URL (a fixed set from ``states``)."""
        found = self._shared.targets.get(url)
        if found is not None:
            return found
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ConfigurationError(f"somente HTTPS é aceito para a SEFAZ: {url}")
        found = (parts.hostname, parts.port or 443, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if len(self._shared.targets) >= 1024:  # the services' URLs are far fewer; any other caller's stay bounded
            self._shared.targets.clear()
        self._shared.targets[url] = found
        return found

    def post(self, request: TransportRequest) -> TransportResponse:
        host, port, target = self._target(request.url)
        pool = self._shared.pool(host, port, request.tls_min_version)
        before, after = pool.head(target, request.soap_action)
        data = b"".join((before, str(len(request.body)).encode("ascii"), after, request.body))
        connect_s, read_s = self._timeouts
        started = time.perf_counter()
        conn = pool.take()
        if conn is None:
            conn = self._connect(pool, connect_s, request.url)
        try:
            assert isinstance(conn.sock, ssl.SSLSocket)
            conn.sock.settimeout(read_s)
            # Head and body in ONE write: one TLS record, one system call (http.client sends two).
            status, body, will_close = _exchange(conn.sock, data)
        except TimeoutError as exc:
            conn.close()
            raise TransportError(f"a SEFAZ não respondeu a tempo ({read_s:.0f} s): {request.url}",
                                 kind="timeout", delivered=True) from exc
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError) as exc:  # closed after the request may have been read
            conn.close()
            raise TransportError(f"falha de conexão com {request.url}", kind="protocol", delivered=True) from exc
        except ssl.SSLError as exc:  # a TLS alert (TLS 1.3: our certificate refused after the handshake)
            conn.close()
            raise TransportError(f"falha na negociação TLS com {request.url}: {exc}", kind="tls",
                                 delivered=False) from exc
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise TransportError(f"falha de conexão com {request.url}", kind="protocol", delivered=True) from exc
        if will_close:
            conn.close()
        else:
            pool.give_back(conn)
        return TransportResponse(status, body, time.perf_counter() - started)

    @staticmethod
    def _connect(pool: _Pool, connect_s: float, url: str) -> _Connection:
        with pool.lock:
            session = pool.session
        conn = _Connection(pool.host, pool.port, pool.context, connect_s, session)
        try:
            conn.connect()
        except TimeoutError as exc:
            raise TransportError(f"tempo de conexão esgotado com {url}", kind="connect", delivered=False) from exc
        except ssl.SSLError as exc:  # includes ssl.CertificateError: an untrusted server
            raise TransportError(f"falha na negociação TLS com {url}: {exc}", kind="tls", delivered=False) from exc
        except OSError as exc:  # refused, unreachable, name not resolved: nothing was sent
            raise TransportError(f"falha de conexão com {url}", kind="connect", delivered=False) from exc
        sock = conn.sock
        with pool.lock:
            pool.handshakes += 1
            if isinstance(sock, ssl.SSLSocket) and sock.session_reused:
                pool.resumed += 1
        return conn

    def close(self) -> None:
        self._shared.close()



class SystemClock:
    """The real clock for the composition roots (CLI, bench); the engine only sees ``engine.ports.Clock``."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)
