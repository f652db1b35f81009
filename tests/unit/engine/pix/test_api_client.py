"""PspClient over a fake HttpPort: what goes on the wire for each profile's flags, token caching,
scopes, 401 handling; credentials sealed at rest with the certificate store's envelope encryption."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from certificates.store import MasterKeyring
from engine.errors import ConfigurationError
from engine.pix.api import CobRequest, PspApiError
from engine.pix.psp_client import PspClient
from engine.pix.psp_credentials import PspCredentials, open_credentials, seal_credentials
from engine.pix.psp_profiles import PspProfile, profile
from engine.ports import HttpError, HttpRequest, HttpResponse

TXID = "OrthoPlusUnit00000000000000001"
COB = {"txid": TXID, "revisao": 0, "calendario": {"criacao": "2026-12-04T12:00:00Z", "expiracao": 3600},
       "status": "ATIVA", "valor": {"original": "10.00"}, "chave": "k"}


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> datetime:
        return datetime(2026, 12, 4, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


class FakePsp:
    """Answers like a PSP and records every request (a fake, not a mock: it keeps state)."""

    def __init__(self, *, expires_in: int = 3600, scope: str | None = None) -> None:
        self.requests: list[HttpRequest] = []
        self.expires_in = expires_in
        self.scope = scope
        self.tokens = 0
        self.reject_next_with_401 = False
        self.fail: HttpError | None = None

    def send(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        if self.fail is not None:
            raise self.fail
        if request.url.endswith("/token"):
            self.tokens += 1
            body = {"access_token": f"tok{self.tokens}", "token_type": "Bearer", "expires_in": self.expires_in}
            if self.scope is not None:
                body["scope"] = self.scope
            return HttpResponse(200, json.dumps(body).encode())
        if self.reject_next_with_401:
            self.reject_next_with_401 = False
            return HttpResponse(401, b"")
        if request.method == "DELETE":
            return HttpResponse(204, b"")
        return HttpResponse(201, json.dumps(COB).encode())

    def token_requests(self) -> list[HttpRequest]:
        return [r for r in self.requests if r.url.endswith("/token")]


def _profile(pid: str) -> PspProfile:
    p = profile(pid)
    return p.with_base_url("sandbox", "https://psp.test" + p.base_path(), "https://psp.test/oauth/token")


def _client(pid: str, http: FakePsp, clock: Clock | None = None, **kw: object) -> PspClient:
    creds = PspCredentials("id:com/espaço", "s3cr+t=", app_key="APPKEY")
    return PspClient(_profile(pid), creds, http, clock or Clock(), environment="sandbox", **kw)  # type: ignore[arg-type]


def _cob() -> CobRequest:
    return CobRequest(chave="k", valor=Decimal("10.00"))


def test_basic_auth_form_encodes_id_and_secret_per_rfc6749() -> None:
    http = FakePsp()
    _client("bradesco", http).create_cob(_cob(), TXID)
    (tok,) = http.token_requests()
    auth = dict(tok.headers)["authorization"]
    assert base64.b64decode(auth[6:]).decode() == "id%3Acom%2Fespa%C3%A7o:s3cr%2Bt%3D"
    assert parse_qs(tok.body.decode()) == {"grant_type": ["client_credentials"]}  # type: ignore[union-attr]


def test_body_credentials_and_grant_type_in_query_for_santander() -> None:
    http = FakePsp()
    _client("santander", http).create_cob(_cob(), TXID)
    (tok,) = http.token_requests()
    assert tok.query == (("grant_type", "client_credentials"),)
    form = parse_qs(tok.body.decode())  # type: ignore[union-attr]
    assert form == {"client_id": ["id:com/espaço"], "client_secret": ["s3cr+t="]}
    assert "authorization" not in dict(tok.headers)


def test_bb_sends_scope_and_the_app_key_on_every_api_call() -> None:
    http = FakePsp()
    client = _client("bb", http)
    client.create_cob(_cob(), TXID)
    client.get_cob(TXID)
    tok = http.token_requests()[0]
    assert "cob.write" in parse_qs(tok.body.decode())["scope"][0]  # type: ignore[union-attr]
    api_calls = [r for r in http.requests if not r.url.endswith("/token")]
    assert [r.url for r in api_calls] == [f"https://psp.test/pix/v2/cob/{TXID}"] * 2
    assert all(("gw-dev-app-key", "APPKEY") in r.query for r in api_calls)
    assert [r.method for r in api_calls] == ["PUT", "GET"]
    assert json.loads(api_calls[0].body or b"") == {"calendario": {"expiracao": 86400}, "valor": {"original": "10.00"},
                                                    "chave": "k"}


def test_app_key_is_required_where_the_profile_needs_it() -> None:
    with pytest.raises(ConfigurationError) as info:
        PspClient(_profile("bb"), PspCredentials("i", "s"), FakePsp(), Clock(), environment="sandbox")
    assert info.value.code == "PIX_APP_KEY_AUSENTE" and "gw-dev-app-key" in info.value.mensagem


def test_token_cached_until_expiry_minus_skew_and_short_tokens_at_half_life() -> None:
    http, clock = FakePsp(expires_in=300), Clock()
    client = _client("itau", http, clock)
    client.get_cob(TXID)
    clock.t = 239
    client.get_cob(TXID)
    assert http.tokens == 1
    clock.t = 240  # 300 s token, skew 60
    client.get_cob(TXID)
    assert http.tokens == 2
    http2, clock2 = FakePsp(expires_in=60), Clock()
    client2 = _client("itau", http2, clock2)
    client2.get_cob(TXID)
    clock2.t = 30  # a 60 s token is renewed at half its life, never used past it
    client2.get_cob(TXID)
    assert http2.tokens == 2


def test_scope_not_granted_is_refused_before_the_call() -> None:
    http = FakePsp(scope="cob.read")
    client = _client("itau", http)
    client.get_cob(TXID)
    with pytest.raises(PspApiError) as info:
        client.create_cob(_cob(), TXID)
    assert "não concedeu o escopo 'cob.write'" in info.value.mensagem
    assert [r.method for r in http.requests if not r.url.endswith("/token")] == ["GET"]


def test_unconfigured_scope_is_a_configuration_error() -> None:
    client = _client("itau", FakePsp(), scopes=("cob.read",))
    with pytest.raises(ConfigurationError, match=r"webhook\.write"):
        client.delete_webhook("k")


def test_401_drops_the_token_and_retries_once() -> None:
    http = FakePsp()
    client = _client("itau", http)
    client.get_cob(TXID)
    http.reject_next_with_401 = True
    assert client.get_cob(TXID).txid == TXID
    assert http.tokens == 2


def test_transport_failure_propagates_with_delivery_flag() -> None:
    http = FakePsp()
    http.fail = HttpError("o PSP não respondeu a tempo", kind="timeout", delivered=True)
    with pytest.raises(HttpError) as info:
        _client("itau", http).get_cob(TXID)
    assert info.value.delivered


def test_psp_without_configured_urls_refuses_to_start() -> None:
    with pytest.raises(ConfigurationError) as info:
        PspClient(profile("nubank"), PspCredentials("i", "s"), FakePsp(), Clock(), environment="production")
    assert info.value.code == "PIX_PSP_URL_AUSENTE"


def test_http_urls_are_refused() -> None:
    p = profile("itau").with_base_url("sandbox", "http://psp.test/v2", "https://psp.test/oauth/token")
    with pytest.raises(ConfigurationError, match="HTTPS"):
        PspClient(p, PspCredentials("i", "s"), FakePsp(), Clock(), environment="sandbox")


def test_chave_in_webhook_path_is_percent_encoded() -> None:
    http = FakePsp()
    _client("itau", http).delete_webhook("+5561999998888")
    assert http.requests[-1].url.endswith("/webhook/%2B5561999998888")


# -- credentials at rest ------------------------------------------------------------------------

KEYRING = MasterKeyring({"k1": b"\x01" * 32}, "k1")


def test_credentials_round_trip_and_nothing_secret_in_clear() -> None:
    creds = PspCredentials("client-123456", "segredo", app_key="app", pfx=b"\x30\x82PFX", pfx_password="senha")
    sealed = seal_credentials(KEYRING, creds, record_id="r1", emitter_id="e1", psp_id="bb")
    flat = b"".join(sealed.ciphertexts.values()) + sealed.wrapped_key
    for secret in (b"segredo", b"app", b"\x30\x82PFX", b"senha", b"client-123456"):
        assert secret not in flat
    assert sealed.client_id_hint == "…3456" and "segredo" not in repr(sealed) + repr(creds)
    assert open_credentials(KEYRING, sealed) == creds


def test_credentials_moved_to_another_record_do_not_decrypt() -> None:
    sealed = seal_credentials(KEYRING, PspCredentials("i", "s"), record_id="r1", emitter_id="e1", psp_id="bb")
    moved = replace(sealed, emitter_id="e2")
    with pytest.raises(ConfigurationError) as info:
        open_credentials(KEYRING, moved)
    assert info.value.code == "PIX_CREDENCIAIS_CORROMPIDAS"


def test_credentials_survive_master_key_rotation_keyring() -> None:
    sealed = seal_credentials(KEYRING, PspCredentials("i", "s"), record_id="r1", emitter_id="e1", psp_id="itau")
    rotated = MasterKeyring({"k1": b"\x01" * 32, "k2": b"\x02" * 32}, "k2")
    assert open_credentials(rotated, sealed).client_secret == "s"
