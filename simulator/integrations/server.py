"""The integrations stand-in: a loopback HTTPS server (test PKI from ``simulator.pki``) that speaks
the documented request/response shapes of four providers, authentication included:

* ``/bling/Api/v3``  Bling API v3: OAuth 2.0 token endpoint (authorization_code, refresh_token with
  rotation; HTTP Basic client authentication) and ``/contas/receber`` (GET list/one, POST, PUT);
  errors ``{"error": {"type", "message", "description", "fields"}}``.
* ``/graph/v21.0``   WhatsApp Business Cloud API: ``GET /{phone-number-id}`` and
  ``POST /{phone-number-id}/messages`` (template messages); Graph errors ``{"error": {"message",
  "type", "code", "error_subcode", "error_data", "fbtrace_id"}}``.
* ``/resend``        Resend: ``POST /emails`` (Idempotency-Key honoured), ``GET /domains``; errors
  ``{"statusCode", "message", "name"}``.
* ``/twilio``        Twilio 2010-04-01: ``GET /Accounts/{sid}.json``, ``POST
  /Accounts/{sid}/Messages.json`` (form-encoded, HTTP Basic); errors ``{"code", "message",
  "more_info", "status"}``.

Sources are listed in docs/integrations.md. Nothing here imports engine, adapters or api.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from simulator.integrations.state import IntegrationsState
from simulator.pki import SimulatorPKI
from simulator.serving import BackgroundServer

MAX_BODY = 256 * 1024
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class Answer(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    try:
        user, _, pw = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, pw


def _bearer(header: str | None) -> str | None:
    if header and header.startswith("Bearer "):
        return header[7:].strip()
    return None


# --- Bling -------------------------------------------------------------------------------------
def _bling_error(status: int, kind: str, message: str, description: str = "",
                 fields: list[dict[str, Any]] | None = None) -> Answer:
    err: dict[str, Any] = {"type": kind, "message": message, "description": description or message}
    if fields:
        err["fields"] = fields
    return Answer(status, {"error": err})


def _bling(st: IntegrationsState, method: str, path: str, query: dict[str, str], headers: Any,
           body: bytes) -> Answer:
    if path == "/oauth/token" and method == "POST":
        creds = _basic(headers.get("Authorization"))
        app = st.bling_apps.get(creds[0]) if creds else None
        if creds is None or app is None or not secrets.compare_digest(app.client_secret, creds[1]):
            raise _bling_error(401, "invalid_client", "invalid_client", "Client credentials are invalid")
        form = dict(parse_qsl(body.decode("utf-8")))
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if st.bling_codes.pop(form.get("code", ""), None) != creds[0]:
                raise _bling_error(400, "invalid_grant", "invalid_grant",
                                   "Authorization code doesn't exist or is invalid for the client")
        elif grant == "refresh_token":
            if st.bling_refresh.pop(form.get("refresh_token", ""), None) != creds[0]:
                raise _bling_error(400, "invalid_grant", "invalid_grant", "Invalid refresh token")
        else:
            raise _bling_error(400, "unsupported_grant_type", "unsupported_grant_type", "Grant type not supported")
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        st.bling_access[access], st.bling_refresh[refresh] = creds[0], creds[0]
        return Answer(200, {"access_token": access, "expires_in": 21600, "token_type": "Bearer",
                            "scope": " ".join(sorted(app.scopes)), "refresh_token": refresh})
    token = _bearer(headers.get("Authorization"))
    client = st.bling_access.get(token or "")
    if client is None:
        raise _bling_error(401, "invalid_token", "invalid_token", "The access token provided is invalid")
    if "contas_receber" not in st.bling_apps[client].scopes:
        raise _bling_error(403, "FORBIDDEN", "Acesso negado", "O escopo contas_receber não foi autorizado")
    m = re.fullmatch(r"/contas/receber(?:/(\d+))?", path)
    if not m:
        raise _bling_error(404, "RESOURCE_NOT_FOUND", "Recurso não encontrado", path)
    rid = int(m.group(1)) if m.group(1) else None
    if method == "GET" and rid is None:
        page, limit = max(1, int(query.get("pagina", "1"))), min(100, max(1, int(query.get("limite", "100"))))
        items = [st.bling_receivables[k] for k in sorted(st.bling_receivables)]
        return Answer(200, {"data": items[(page - 1) * limit: page * limit]})
    if rid is not None and rid not in st.bling_receivables:
        raise _bling_error(404, "RESOURCE_NOT_FOUND", "Conta a receber não encontrada", f"id {rid}")
    if method == "GET":
        return Answer(200, {"data": st.bling_receivables[rid]})  # type: ignore[index]
    if method in ("POST", "PUT"):
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _bling_error(400, "VALIDATION_ERROR", "JSON inválido") from None
        fields = []
        if not _DATE.match(str(data.get("vencimento", ""))):
            fields.append({"code": 1, "msg": "A data de vencimento deve ser informada", "element": "vencimento",
                           "namespace": "CONTAS_RECEBER"})
        valor = data.get("valor")
        if not isinstance(valor, int | float) or isinstance(valor, bool) or valor <= 0:
            fields.append({"code": 2, "msg": "O valor deve ser maior que zero", "element": "valor",
                           "namespace": "CONTAS_RECEBER"})
        contato = (data.get("contato") or {}).get("id") if isinstance(data.get("contato"), dict) else None
        if contato not in st.bling_contacts:
            fields.append({"code": 3, "msg": "O contato não foi encontrado", "element": "contato",
                           "namespace": "CONTAS_RECEBER"})
        if fields:
            raise _bling_error(400, "VALIDATION_ERROR", "Não foi possível salvar a conta a receber",
                               "Verifique os campos", fields)
        if rid is None:
            st.bling_next_id += 1
            rid = st.bling_next_id
            status = 201
        else:
            status = 200
        record = {"id": rid, "situacao": 1, "vencimento": data["vencimento"], "valor": valor,
                  "contato": {"id": contato}}
        for name in ("dataEmissao", "historico", "numeroDocumento", "competencia"):
            if data.get(name) is not None:
                record[name] = data[name]
        st.bling_receivables[rid] = record
        return Answer(status, {"data": {"id": rid}})
    raise _bling_error(405, "METHOD_NOT_ALLOWED", "Método não permitido")


# --- WhatsApp Cloud API ------------------------------------------------------------------------
def _graph_error(status: int, code: int, message: str, kind: str = "OAuthException",
                 details: str | None = None, subcode: int | None = None) -> Answer:
    err: dict[str, Any] = {"message": message, "type": kind, "code": code,
                           "fbtrace_id": secrets.token_urlsafe(12)}
    if subcode is not None:
        err["error_subcode"] = subcode
    if details:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return Answer(status, {"error": err})


def _whatsapp(st: IntegrationsState, method: str, path: str, headers: Any, body: bytes) -> Answer:
    if _bearer(headers.get("Authorization")) not in st.wa_tokens:
        raise _graph_error(401, 190, "Error validating access token: Session has expired.", subcode=463)
    m = re.fullmatch(r"/(\d+)(/messages)?", path)
    if not m or m.group(1) not in st.wa_phone_numbers:
        raise _graph_error(400, 100, f"Unsupported request. Object with ID '{path.strip('/')}' does not exist",
                           "GraphMethodException", subcode=33)
    number = st.wa_phone_numbers[m.group(1)]
    if method == "GET" and not m.group(2):
        return Answer(200, {"display_phone_number": number["display"], "verified_name": number["name"],
                            "quality_rating": "GREEN", "id": m.group(1)})
    if method != "POST" or not m.group(2):
        raise _graph_error(400, 100, "Unsupported request", "GraphMethodException")
    try:
        msg = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _graph_error(400, 100, "(#100) Invalid parameter", details="body is not JSON") from None
    if msg.get("messaging_product") != "whatsapp":
        raise _graph_error(400, 100, "(#100) The parameter messaging_product is required.")
    to = str(msg.get("to", ""))
    if not to.isdigit() or not 8 <= len(to) <= 15:
        raise _graph_error(400, 100, "(#100) Invalid parameter", details="Invalid WhatsApp phone number")
    if msg.get("type") != "template" or not isinstance(msg.get("template"), dict):
        raise _graph_error(400, 131008, "(#131008) Required parameter is missing", details="template")
    tpl = msg["template"]
    lang = (tpl.get("language") or {}).get("code", "")
    expected = st.wa_templates.get((str(tpl.get("name")), lang))
    if expected is None:
        raise _graph_error(404, 132001, "(#132001) Template name does not exist in the translation",
                           details=f"template name ({tpl.get('name')}) does not exist in {lang}")
    params = [p for c in tpl.get("components") or [] if c.get("type") == "body" for p in c.get("parameters") or []]
    if len(params) != expected:
        raise _graph_error(400, 132000, "(#132000) Number of parameters does not match the expected number of params",
                           details=f"body: number of localizable_params ({len(params)}) does not match the "
                                   f"expected number of params ({expected})")
    if st.wa_allowed is not None and to not in st.wa_allowed:
        raise _graph_error(400, 131030, "(#131030) Recipient phone number not in allowed list",
                           details="Recipient phone number not in allowed list: Add recipient phone number to "
                                   "recipient list and try again.")
    wamid = "wamid." + base64.b64encode(secrets.token_bytes(24)).decode("ascii")
    st.wa_sent.append({"id": wamid, "phone_number_id": m.group(1), **msg})
    return Answer(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                        "messages": [{"id": wamid, "message_status": "accepted"}]})


# --- Resend -------------------------------------------------------------------------------------
def _resend_error(status: int, name: str, message: str) -> Answer:
    return Answer(status, {"statusCode": status, "message": message, "name": name})


def _resend(st: IntegrationsState, method: str, path: str, headers: Any, body: bytes) -> Answer:
    key = _bearer(headers.get("Authorization"))
    if not key:
        raise _resend_error(401, "missing_api_key", "Missing API key in the authorization header")
    access = st.resend_keys.get(key)
    if access is None:
        raise _resend_error(403, "invalid_api_key", "API key is invalid")
    if path == "/domains" and method == "GET":
        if access != "full_access":
            raise _resend_error(401, "restricted_api_key", "This API key is restricted to only send emails")
        return Answer(200, {"object": "list", "data": [
            {"id": str(uuid.uuid5(uuid.NAMESPACE_DNS, n)), "name": n, "status": s, "region": "sa-east-1",
             "created_at": "2026-01-01 00:00:00.000000+00"} for n, s in sorted(st.resend_domains.items())]})
    if path != "/emails" or method != "POST":
        raise _resend_error(404, "not_found", "The requested endpoint does not exist")
    try:
        mail = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _resend_error(400, "validation_error", "Invalid JSON body") from None
    missing = [f for f in ("from", "to", "subject") if not mail.get(f)]
    if missing:
        raise _resend_error(422, "missing_required_field", f"Missing `{missing[0]}` field.")
    to = mail["to"] if isinstance(mail["to"], list) else [mail["to"]]
    if not all(isinstance(t, str) and _EMAIL.match(t) for t in to):
        raise _resend_error(422, "validation_error", "Invalid `to` field. The email address needs to follow the "
                                                     "`email@example.com` or `Name <email@example.com>` format.")
    domain = str(mail["from"]).rstrip(">").rpartition("@")[2]
    if st.resend_domains.get(domain) != "verified":
        raise _resend_error(403, "validation_error", f"The {domain} domain is not verified. Please, add and "
                                                     "verify your domain on https://resend.com/domains")
    idem = headers.get("Idempotency-Key")
    digest = hashlib.sha256(body).hexdigest()
    if idem:
        if not 1 <= len(idem) <= 256:
            raise _resend_error(400, "invalid_idempotency_key", "The key must be between 1-256 chars.")
        seen = st.resend_idem.get(idem)
        if seen is not None:
            if seen[0] != digest:
                raise _resend_error(409, "invalid_idempotent_request",
                                    "Same idempotency key used with a different request payload.")
            return Answer(200, {"id": seen[1]})
    mid = str(uuid.uuid4())
    st.resend_sent.append({"id": mid, **mail, "to": to})
    if idem:
        st.resend_idem[idem] = (digest, mid)
    return Answer(200, {"id": mid})


# --- Twilio -------------------------------------------------------------------------------------
def _twilio_error(status: int, code: int, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message,
                           "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status})


def _twilio(st: IntegrationsState, method: str, path: str, headers: Any, body: bytes) -> Answer:
    m = re.fullmatch(r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})(/Messages)?\.json", path)
    creds = _basic(headers.get("Authorization"))
    account = st.twilio_accounts.get(m.group(1)) if m else None
    if (m is None or creds is None or account is None or creds[0] != m.group(1)
            or not secrets.compare_digest(account["token"], creds[1])):
        raise _twilio_error(401, 20003, "Authenticate")
    assert m is not None
    sid = m.group(1)
    if not m.group(2):
        if method != "GET":
            raise _twilio_error(405, 20004, "Method not allowed")
        return Answer(200, {"sid": sid, "friendly_name": account["name"], "status": account["status"],
                            "type": "Full", "uri": f"/2010-04-01/Accounts/{sid}.json"})
    if method != "POST":
        raise _twilio_error(405, 20004, "Method not allowed")
    if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        raise _twilio_error(400, 20001, "Request must be form-encoded")
    form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()}
    to, sender, text = form.get("To", ""), form.get("From", ""), form.get("Body", "")
    if not to:
        raise _twilio_error(400, 21604, "A 'To' phone number is required.")
    if not _E164.match(to):
        raise _twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
    if not form.get("MessagingServiceSid") and sender not in st.twilio_numbers:
        raise _twilio_error(400, 21606, f"The 'From' phone number provided ({sender}) is not a valid message-capable "
                                        "Twilio phone number for this destination.")
    if not text:
        raise _twilio_error(400, 21602, "Message body is required.")
    if to in st.twilio_stopped:
        raise _twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
    msid = "SM" + secrets.token_hex(16)
    now = format_datetime(datetime.now(UTC), usegmt=False)
    message = {"sid": msid, "account_sid": sid, "to": to, "from": sender or None, "body": text, "status": "queued",
               "num_segments": "1", "direction": "outbound-api", "date_created": now, "date_updated": now,
               "messaging_service_sid": form.get("MessagingServiceSid"), "error_code": None, "error_message": None,
               "uri": f"/2010-04-01/Accounts/{sid}/Messages/{msid}.json"}
    st.twilio_sent.append(message)
    return Answer(201, message)


_PREFIXES = (("/bling/Api/v3", "bling"), ("/graph/v21.0", "whatsapp"), ("/resend", "resend"), ("/twilio", "twilio"))


@dataclass
class IntegrationsApp:
    state: IntegrationsState = field(default_factory=IntegrationsState)
    errors: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)  # set by RunningIntegrations.stop()

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> Answer:
        parts = urlsplit(raw_path)
        for prefix, provider in _PREFIXES:  # noqa: B007 (used after the break)
            if parts.path.startswith(prefix + "/") or parts.path == prefix:
                path = parts.path[len(prefix):] or "/"
                break
        else:
            return Answer(404, {"error": "unknown provider prefix"})
        st = self.state
        with st.lock:
            st.requests.append((provider, method, path))
            outage = st.outage.get(provider)
            try:
                if outage:
                    raise Answer(outage, {"error": {"message": "Service temporarily unavailable", "code": 2}}
                                 if provider == "whatsapp" else {"message": "Service Unavailable"},
                                 {"Retry-After": "1"})
                if provider == "bling":
                    return _bling(st, method, path, dict(parse_qsl(parts.query)), headers, body)
                if provider == "whatsapp":
                    return _whatsapp(st, method, path, headers, body)
                if provider == "resend":
                    return _resend(st, method, path, headers, body)
                return _twilio(st, method, path, headers, body)
            except Answer as answer:
                return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    app: IntegrationsApp


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms
    # to every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            answer = Answer(413, {"message": "payload too large"})
        else:
            body = self.rfile.read(length) if length else b""
            try:
                answer = self.server.app.handle(self.command, self.path, self.headers, body)
            except Exception as exc:  # a bug in the stand-in must be visible to the tests
                self.server.app.errors.append(repr(exc))
                answer = Answer(500, {"message": "stand-in error"})
        data = json.dumps(answer.body, ensure_ascii=False).encode("utf-8") if answer.body is not None else b""
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in answer.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


@dataclass
class RunningIntegrations(BackgroundServer):
    url: str
    ca_pem_path: Path
    app: IntegrationsApp = field(repr=False)
    _server: _Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def state(self) -> IntegrationsState:
        return self.app.state

    def base_url(self, provider: str) -> str:
        return self.url + {"bling": "/bling/Api/v3", "whatsapp": "/graph/v21.0", "resend": "/resend",
                           "twilio": "/twilio"}[provider]


def start(host: str = "127.0.0.1", port: int = 0, *, pki_dir: Path) -> RunningIntegrations:
    """Start the stand-in on ``host:port`` (0 = a free port) with the TLS certificate of the test PKI
    in ``pki_dir``; clients trust ``ca_pem_path``."""
    pki = SimulatorPKI.load_or_create(pki_dir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(pki.server_cert_path), str(pki.server_key_path))
    server = _Server((host, port), _Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.app = IntegrationsApp()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return RunningIntegrations(f"https://{host}:{server.server_address[1]}", pki.ca_pem_path, server.app, server,
                               thread)
