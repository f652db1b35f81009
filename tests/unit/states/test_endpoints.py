"""Contract of the endpoint registry: every UF x model x environment x core service resolves to an
https URL whose path names the service, production and homologação never share a host, and the
cases where a service is not offered fail with a stable code and a pt-BR message."""

from __future__ import annotations

import itertools
import re
from urllib.parse import urlsplit

import pytest

import states

SIGLAS = [u.sigla for u in states.all_ufs()]
ENVS = ("producao", "homologacao")
CORE_55 = (
    "NFeAutorizacao4",
    "NFeRetAutorizacao4",
    "NFeConsultaProtocolo4",
    "NFeStatusServico4",
    "NFeInutilizacao4",
    "NFeRecepcaoEvento4",
    "CadConsultaCadastro4",
)
CORE_65 = CORE_55[:-1]
# Written out independently of the data: the reference has no CadConsultaCadastro4 address for AM
# (own authorizer) and MA (SVAN); RS's homologação entry repeats the production host (curation.json).
NO_CAD_CONSULTA = {("AM", "producao"), ("AM", "homologacao"), ("MA", "producao"), ("MA", "homologacao"),
                   ("RS", "homologacao")}  # fmt: skip

# A token of the last path segment (lower case) that names each service; the authorizers spell the
# paths differently (NfeConsulta4, nfeconsultaprotocolo4.asmx, NFeConsultaProtocolo4, ...).
PATH_TOKEN = {
    "NFeAutorizacao4": "autorizacao",
    "NFeRetAutorizacao4": "retautorizacao",
    "NFeConsultaProtocolo4": "consulta",
    "NFeStatusServico4": "statusservico",
    "NFeInutilizacao4": "inutilizacao",
    "NFeRecepcaoEvento4": "recepcaoevento",
    "CadConsultaCadastro4": "cadconsultacadastro",
}
# Tokens that must NOT appear (a RetAutorizacao path also contains "autorizacao").
PATH_EXCLUDED = {"NFeAutorizacao4": "ret", "NFeConsultaProtocolo4": "cadastro"}


def _cases() -> list[tuple[str, str, str, str]]:
    out = []
    for sigla, env in itertools.product(SIGLAS, ENVS):
        skip_cad = (sigla, env) in NO_CAD_CONSULTA
        out += [(sigla, "55", env, s) for s in CORE_55 if not (s == "CadConsultaCadastro4" and skip_cad)]
        out += [(sigla, "65", env, s) for s in CORE_65]
    return out


CASES = _cases()


def _assert_names_service(url: str, service: str) -> None:
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lower()
    assert PATH_TOKEN[service] in last, (url, service)
    if service in PATH_EXCLUDED:
        assert PATH_EXCLUDED[service] not in last, (url, service)


def test_core_service_lists() -> None:
    assert states.core_services(55) == CORE_55
    assert states.core_services("65") == CORE_65


@pytest.mark.parametrize(("sigla", "modelo", "env", "service"), CASES)
def test_every_core_service_resolves_to_an_https_url_naming_it(sigla: str, modelo: str, env: str, service: str) -> None:
    ep = states.endpoint(sigla, modelo, env, service)
    parts = urlsplit(ep.url)
    assert parts.scheme == "https"
    assert parts.hostname and "." in parts.hostname
    assert not parts.query  # POST to the address without "?wsdl" (reference divergencias)
    _assert_names_service(ep.url, service)
    assert ep.url == states.url(sigla, int(modelo), env, service)
    assert ep.uf == sigla and ep.modelo == modelo and ep.ambiente == env and ep.service == service
    assert ep.autorizador == states.uf(sigla).autorizador(ep.modelo)
    assert ep.codigo_orgao == states.uf(sigla).codigo
    assert ep.namespace == "http://www.portalfiscal.inf.br/nfe/wsdl/" + ep.soap_operation
    assert ep.soap_action == f"{ep.namespace}/{ep.soap_method}"
    assert ep.versao_dados in {"1.00", "2.00", "4.00"}
    # NF-e/NFC-e 4.00 servers take TLS 1.2 or higher; no server is known to need an override.
    assert ep.tls_min_version == "TLSv1.2"


@pytest.mark.parametrize("sigla", SIGLAS)
@pytest.mark.parametrize("modelo", ["55", "65"])
def test_production_and_homologacao_hosts_differ(sigla: str, modelo: str) -> None:
    services = CORE_55 if modelo == "55" else CORE_65
    checked = 0
    for service in services:
        if (sigla, "homologacao") in NO_CAD_CONSULTA and service == "CadConsultaCadastro4":
            continue
        prod = urlsplit(states.url(sigla, modelo, "producao", service)).netloc
        hom = urlsplit(states.url(sigla, modelo, "homologacao", service)).netloc
        assert prod != hom, (sigla, modelo, service, prod)
        checked += 1
    assert checked >= len(CORE_65)


@pytest.mark.parametrize(("sigla", "env"), sorted(NO_CAD_CONSULTA))
def test_cad_consulta_not_offered_is_a_clear_error(sigla: str, env: str) -> None:
    with pytest.raises(states.ServiceNotOffered) as info:
        states.url(sigla, 55, env, "CadConsultaCadastro4")
    assert info.value.code == "SERVICO_NAO_OFERECIDO"
    assert info.value.mensagem.startswith(f"{sigla}: serviço CadConsultaCadastro4 indisponível")


@pytest.mark.parametrize("sigla", SIGLAS)
def test_nfce_has_no_cad_consulta(sigla: str) -> None:
    with pytest.raises(states.ServiceNotOffered):
        states.url(sigla, 65, "producao", "CadConsultaCadastro4")


# --- contingency (SVC) -------------------------------------------------------------------------

SVC_RS = {"AM", "BA", "GO", "MA", "MS", "MT", "PE", "PR"}  # reference README, "Contingency SVC"
SVC_SERVICES = (
    "NFeAutorizacao4",
    "NFeRetAutorizacao4",
    "NFeConsultaProtocolo4",
    "NFeStatusServico4",
    "NFeRecepcaoEvento4",
)


@pytest.mark.parametrize("sigla", SIGLAS)
@pytest.mark.parametrize("env", ENVS)
def test_nfe_contingency_resolves_at_the_ufs_svc(sigla: str, env: str) -> None:
    u = states.uf(sigla)
    expected = "SVC-RS" if sigla in SVC_RS else "SVC-AN"
    assert u.nfe_contingencia == expected
    for service in SVC_SERVICES:
        ep = states.endpoint(sigla, 55, env, service, contingency=True)
        assert ep.autorizador == expected and ep.contingencia
        assert urlsplit(ep.url).scheme == "https"
        _assert_names_service(ep.url, service)
        host = urlsplit(ep.url).hostname or ""
        # SVC-AN answers on the SVAN host since 2024/2025, SVC-RS on the SVRS host (reference README).
        assert ("sefazvirtual.fazenda.gov.br" in host) == (expected == "SVC-AN")
        assert ("svrs.rs.gov.br" in host) == (expected == "SVC-RS")
    # SVC never takes inutilização or consulta cadastro.
    for service in ("NFeInutilizacao4", "CadConsultaCadastro4"):
        with pytest.raises(states.ServiceNotOffered) as info:
            states.url(sigla, 55, env, service, contingency=True)
        assert "contingência" in info.value.mensagem


@pytest.mark.parametrize("sigla", SIGLAS)
def test_nfce_has_no_svc(sigla: str) -> None:
    with pytest.raises(states.ServiceNotOffered) as info:
        states.url(sigla, 65, "homologacao", "NFeAutorizacao4", contingency=True)
    assert "tpEmis 9" in info.value.mensagem


# --- authorizers -------------------------------------------------------------------------------

NFE_OWN = {"AM", "BA", "GO", "MG", "MS", "MT", "PE", "PR", "RS", "SP"}
NFCE_OWN = {"AM", "GO", "MG", "MS", "MT", "PR", "RS", "SP"}


@pytest.mark.parametrize("sigla", SIGLAS)
def test_authorizer_per_model(sigla: str) -> None:
    u = states.uf(sigla)
    assert u.nfe_autorizador == (sigla if sigla in NFE_OWN else "SVAN" if sigla == "MA" else "SVRS")
    assert u.nfce_autorizador == (sigla if sigla in NFCE_OWN else "SVRS")
    assert u.autorizador("55") == u.nfe_autorizador and u.autorizador("65") == u.nfce_autorizador


def test_models_can_have_different_authorizers() -> None:
    ba_nfe = urlsplit(states.url("BA", 55, "producao", "NFeAutorizacao4")).hostname
    ba_nfce = urlsplit(states.url("BA", 65, "producao", "NFeAutorizacao4")).hostname
    assert ba_nfe == "nfe.sefaz.ba.gov.br"
    assert ba_nfce == "nfce.svrs.rs.gov.br"


# --- national (AN) services ------------------------------------------------------------------


@pytest.mark.parametrize("sigla", SIGLAS)
@pytest.mark.parametrize("env", ENVS)
def test_national_services_resolve_at_the_an_for_every_uf(sigla: str, env: str) -> None:
    dist = states.endpoint(sigla, 55, env, "NFeDistribuicaoDFe")
    assert dist.autorizador == "AN" and dist.codigo_orgao == "91"
    assert dist.soap_method == "nfeDistDFeInteresse" and dist.versao_dados == "1.01"
    _host_is_an(dist.url)
    manif = states.endpoint(sigla, 55, env, "NFeRecepcaoEvento4", nacional=True)
    assert manif.autorizador == "AN" and manif.codigo_orgao == "91"
    _host_is_an(manif.url)
    assert manif.url != states.url(sigla, 55, env, "NFeRecepcaoEvento4")  # the UF's own event service
    epec = states.endpoint(sigla, 55, env, "RecepcaoEvento_EPEC")
    assert epec.autorizador == "AN" and epec.versao_dados == "1.00"
    _host_is_an(epec.url)
    with pytest.raises(states.ServiceNotOffered):
        states.url(sigla, 65, env, "NFeDistribuicaoDFe")


def _host_is_an(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert (parts.hostname or "").endswith("nfe.fazenda.gov.br"), url


def test_national_hosts_differ_between_environments() -> None:
    for service in states.national_services():
        prod = urlsplit(states.url("SP", 55, "producao", service, nacional=True)).netloc
        hom = urlsplit(states.url("SP", 55, "homologacao", service, nacional=True)).netloc
        assert prod != hom, service


# --- per-UF extras and SOAP deviations, driven by named flags ----------------------------------


@pytest.mark.parametrize("sigla", SIGLAS)
def test_flags_agree_with_the_data(sigla: str) -> None:
    u = states.uf(sigla)
    assert u.flags <= set(states.flag_catalogue())

    def offered(*args: object, **kw: bool) -> bool:
        try:
            states.url(*args, **kw)  # type: ignore[arg-type]
        except states.ServiceNotOffered:
            return False
        return True

    assert u.has_flag("cad_consulta_indisponivel_nfe") == (not offered(sigla, 55, "producao", "CadConsultaCadastro4"))
    assert u.has_flag("cad_consulta_somente_producao") == (
        offered(sigla, 55, "producao", "CadConsultaCadastro4")
        and not offered(sigla, 55, "homologacao", "CadConsultaCadastro4")
    )
    assert u.has_flag("nfce_csc_webservice") == offered(sigla, 65, "producao", "CscNFCe")
    assert u.has_flag("nfce_epec") == offered(sigla, 65, "producao", "EPECStatusServico")
    evento = states.endpoint(sigla, 65, "producao", "NFeRecepcaoEvento4")
    assert u.has_flag("nfce_soap_evento_operacao_sem_4") == (evento.soap_operation == "NFeRecepcaoEvento")
    ret = [states.endpoint(sigla, m, "producao", "NFeRetAutorizacao4").soap_method for m in (55, 65)]
    assert u.has_flag("soap_ret_autorizacao_metodo_sem_lote") == ("nfeRetAutorizacao" in ret)
    assert u.has_flag("nfe_nfce_autorizadores_diferentes") == (u.nfe_autorizador != u.nfce_autorizador)
    assert u.has_flag("multiplos_fusos") == (len(u.timezones) > 1)
    assert u.has_flag("qrcode_url_corrigida") == any(states.nfce_qrcode(sigla, env).decisao for env in ENVS)


def test_soap_deviations_are_data_not_code() -> None:
    """PR's RetAutorizacao method and GO/PR NFC-e event operation come from the data (nfephp)."""
    assert states.endpoint("PR", 55, "producao", "NFeRetAutorizacao4").soap_method == "nfeRetAutorizacao"
    assert states.endpoint("PR", 55, "homologacao", "NFeRetAutorizacao4").soap_method == "nfeRetAutorizacao"
    assert states.endpoint("PR", 65, "producao", "NFeRetAutorizacao4").soap_method == "nfeRetAutorizacao"
    assert states.endpoint("PR", 65, "homologacao", "NFeRetAutorizacao4").soap_method == "nfeRetAutorizacaoLote"
    assert states.endpoint("SP", 55, "producao", "NFeRetAutorizacao4").soap_method == "nfeRetAutorizacaoLote"
    go = states.endpoint("GO", 65, "homologacao", "NFeRecepcaoEvento4")
    assert go.namespace == "http://www.portalfiscal.inf.br/nfe/wsdl/NFeRecepcaoEvento"
    assert states.endpoint("GO", 55, "homologacao", "NFeRecepcaoEvento4").namespace.endswith("/NFeRecepcaoEvento4")


# --- input handling and errors -----------------------------------------------------------------


def test_model_and_environment_aliases() -> None:
    ref = states.url("SP", "55", "homologacao", "NFeStatusServico4")
    assert states.url("35", 55, 2, "NFeStatusServico4") == ref
    assert states.url("sp", "nfe", "homologação", "nfestatusservico4") == ref
    assert states.url("SP", "nfce", 1, "NFeStatusServico4") == states.url("SP", 65, "producao", "NFeStatusServico4")


@pytest.mark.parametrize(
    ("args", "error", "code"),
    [
        (("XX", 55, 1, "NFeStatusServico4"), states.UnknownUF, "UF_DESCONHECIDA"),
        (("SP", 57, 1, "NFeStatusServico4"), states.InvalidModel, "MODELO_INVALIDO"),
        (("SP", 55, 3, "NFeStatusServico4"), states.InvalidEnvironment, "AMBIENTE_INVALIDO"),
        (("SP", 55, 1, "NFeFoo4"), states.UnknownService, "SERVICO_DESCONHECIDO"),
        (("SP", 55, 1, "CscNFCe"), states.ServiceNotOffered, "SERVICO_NAO_OFERECIDO"),
    ],
)
def test_errors_have_stable_codes_and_portuguese_messages(
    args: tuple[str, int, int, str], error: type[states.StatesError], code: str
) -> None:
    with pytest.raises(error) as info:
        states.url(*args)
    assert info.value.code == code
    assert info.value.mensagem == str(info.value)
    assert any(word in info.value.mensagem for word in ("desconhecid", "inválido", "indisponível", "não"))


# --- NFC-e QR Code addresses -------------------------------------------------------------------


@pytest.mark.parametrize("sigla", SIGLAS)
@pytest.mark.parametrize("env", ENVS)
def test_nfce_qrcode_addresses_fit_the_layout(sigla: str, env: str) -> None:
    """qrCode is '<base>?p=...' (leiauteNFe_v4.00.xsd patterns, v2 and v3); urlChave is TString 21-85."""
    qrcode, url_chave = states.qrcode_urls(sigla, env)
    # Kept verbatim: several UFs publish http:// addresses, and the XSD accepts http and https.
    assert re.fullmatch(r"https?://[^\s?#]+", qrcode), qrcode
    assert 21 <= len(url_chave) <= 85, url_chave
    assert url_chave == url_chave.strip() and " " not in url_chave
    info = states.nfce_qrcode(sigla, env)
    assert info.versao_referencia in {"200", "300"}
    assert (info.qrcode, info.url_chave) == (qrcode, url_chave)


def test_qrcode_urls_differ_by_environment_where_the_uf_publishes_two() -> None:
    assert states.qrcode_urls("SP", "producao").qrcode == "https://www.nfce.fazenda.sp.gov.br/qrcode"
    assert states.qrcode_urls("SP", "homologacao").qrcode == "https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode"
    assert states.qrcode_urls("35", 1) == states.qrcode_urls("SP", "producao")
