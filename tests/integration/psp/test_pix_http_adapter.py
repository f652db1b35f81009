"""adapters.pix_http: HTTPS only, the server verified against the trust store, mTLS from the PFX in
memory, and a profile that requires mTLS refused without a certificate."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.psp
from adapters.pix_http import PixHttp, http_for
from engine.errors import ConfigurationError
from engine.pix.psp_credentials import PspCredentials
from engine.pix.psp_profiles import profile
from engine.ports import HttpError, HttpRequest

from .conftest import CLIENT_CNPJ


def test_profile_requiring_mtls_without_pfx_is_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        http_for(profile("santander"), PspCredentials("i", "s"), "sandbox")
    assert info.value.code == "PIX_PSP_CERTIFICADO_AUSENTE" and "mTLS" in info.value.mensagem
    # BB's sandbox takes no client certificate (mtls_required_sandbox false); production does.
    http_for(profile("bb"), PspCredentials("i", "s", app_key="k"), "sandbox").close()
    with pytest.raises(ConfigurationError):
        http_for(profile("bb"), PspCredentials("i", "s", app_key="k"), "production")


def test_plain_http_is_refused(psp: simulator.psp.RunningPsp) -> None:
    http = PixHttp(trust_pem_path=psp.ca_pem_path)
    with pytest.raises(ConfigurationError, match="HTTPS"):
        http.send(HttpRequest("GET", psp.url.replace("https://", "http://") + "/cob/x"))


def test_without_client_certificate_the_standin_drops_the_handshake(psp: simulator.psp.RunningPsp) -> None:
    http = PixHttp(trust_pem_path=psp.ca_pem_path)
    with pytest.raises(HttpError) as info:
        http.send(HttpRequest("POST", psp.url + "/oauth/token", body=b"grant_type=client_credentials"))
    assert info.value.kind == "tls" and info.value.delivered is False


def test_untrusted_server_is_a_tls_error_not_delivered(psp: simulator.psp.RunningPsp, tmp_path: Path) -> None:
    pfx, password = psp.client_pfx(CLIENT_CNPJ)
    other_ca = tmp_path / "other.pem"
    import certifi

    other_ca.write_text(Path(certifi.where()).read_text())  # the public web PKI does not know the test root
    http = PixHttp(pfx=pfx, pfx_password=password, trust_pem_path=other_ca)
    with pytest.raises(HttpError) as info:
        http.send(HttpRequest("GET", psp.url + "/pix/v2/cob/x"))
    assert info.value.kind == "tls" and info.value.delivered is False


def test_with_the_pfx_in_memory_the_standin_answers(psp: simulator.psp.RunningPsp) -> None:
    pfx, password = psp.client_pfx(CLIENT_CNPJ)
    http = PixHttp(pfx=pfx, pfx_password=password, trust_pem_path=psp.ca_pem_path)
    answer = http.send(HttpRequest("GET", psp.url + "/pix/v2/cob/OrthoPlusQualquer0000000000001"))
    assert answer.status == 401 and answer.header("Content-Type") is not None
    assert b"AcessoNegado" in answer.body  # problem+json: no token, but the TLS layer let us in
    http.close()


def test_missing_trust_store_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="confiança"):
        PixHttp(trust_pem_path=tmp_path / "nao-existe.pem")
