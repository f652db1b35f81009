"""The 27 Brazilian states (UFs) as data: IBGE codes, time zones, SEFAZ authorizers and endpoints.

A leaf package: it imports nothing from ``engine``, ``certificates`` or ``schemas``. Facts live in
``states/data/*.json`` with their sources and the date of the reference snapshot (``registry_info()``);
``python -m states.build_data`` regenerates the endpoint files from ``../shared/reference`` (see
docs/states.md). The data are parsed once per process and every result is immutable.

Public API::

    uf(code_or_sigla) -> UF                 # "SP", "sp", "35" or 35; raises UnknownUF
    all_ufs() -> tuple[UF, ...]             # the 27, by sigla
    url(uf, model, env, service, contingency=False, *, nacional=False, base_override=None) -> str
    endpoint(uf, model, env, service, *, contingency=False, nacional=False, base_override=None) -> Endpoint
    qrcode_urls(uf, env) -> QrCodeUrls      # (qrcode, url_chave) for NFC-e infNFeSupl
    nfce_qrcode(uf, env) -> NfceQrCode      # the same plus versao_referencia and alternatives
    registry_info() -> RegistryInfo         # data_version, snapshot_date, sources, divergencias
    route(path) -> Route                    # reverse of base_override: (autorizador, modelo, service)
    offered_services(uf, model, env) -> tuple[str, ...]   # what the UF's authorizer offers
    core_services(model), national_services(), flag_catalogue(), modelo(x), ambiente(x)

``UF`` fields: ``sigla``, ``nome``, ``codigo`` (cUF, 2 digits, str; alias ``cuf``), ``regiao``,
``timezone`` (IANA name of the default zone for the UF's documents), ``timezones`` (every zone in
the UF, default first), ``nfe_autorizador`` / ``nfce_autorizador`` (own sigla, ``SVRS`` or
``SVAN``), ``nfe_contingencia`` (``SVC-AN``/``SVC-RS``), ``flags`` (named deviations); methods
``zoneinfo()``, ``autorizador(model)``, ``has_flag(name)``.

Arguments: ``model`` is ``55``/``65`` (int or str, or ``"nfe"``/``"nfce"``); ``env`` is
``"producao"``/``"homologacao"`` or tpAmb ``1``/``2``; ``service`` one of the core names
(NFeAutorizacao4, NFeRetAutorizacao4, NFeConsultaProtocolo4, NFeStatusServico4, NFeInutilizacao4,
NFeRecepcaoEvento4, CadConsultaCadastro4 where offered), the national ones (NFeDistribuicaoDFe,
RecepcaoEvento_EPEC, NfeConsultaDest, NfeDownloadNF; ``nacional=True`` for the AN's
NFeRecepcaoEvento4, i.e. manifestação do destinatário) or a UF extra (CscNFCe, SP's NFC-e EPEC).

``Endpoint`` carries the SOAP details a client needs: ``url``, ``soap_operation``, ``soap_method``,
``namespace`` (``http://www.portalfiscal.inf.br/nfe/wsdl/<soap_operation>``), ``soap_action``,
``versao_dados`` (the ``versao`` of the message), ``autorizador``, ``codigo_orgao`` and
``tls_min_version`` (per-authorizer TLS overrides live in the data, never a global setting).

Errors (``states.errors``, each with a stable ``code`` and a pt-BR ``mensagem``): ``UnknownUF``
(UF_DESCONHECIDA), ``InvalidModel`` (MODELO_INVALIDO), ``InvalidEnvironment`` (AMBIENTE_INVALIDO),
``UnknownService`` (SERVICO_DESCONHECIDO), ``ServiceNotOffered`` (SERVICO_NAO_OFERECIDO),
``InvalidBaseOverride`` (BASE_OVERRIDE_INVALIDA).

Simulator override: ``url("SP", 55, "homologacao", "NFeAutorizacao4", base_override="https://127.0.0.1:8443")``
gives ``https://127.0.0.1:8443/SP/55/ws/nfeautorizacao4.asmx``: the host is replaced, the real path
(which names the service) is kept behind ``/<autorizador>/<modelo>``, and ``route()`` maps it back.

Per-UF deviations are named flags in the data (``UF.flags``, ``flag_catalogue()``), never
``if uf == ...`` in code.
"""

from states.errors import (
    InvalidEnvironment,
    InvalidModel,
    ServiceNotOffered,
    StatesError,
    UnknownService,
    UnknownUF,
)
from states.model import AMBIENTES, MODELOS, UF, Ambiente, Endpoint, Modelo, NfceQrCode, QrCodeUrls, RegistryInfo, Route
from states.registry import (
    InvalidBaseOverride,
    all_ufs,
    ambiente,
    core_services,
    endpoint,
    flag_catalogue,
    modelo,
    national_services,
    nfce_qrcode,
    offered_services,
    qrcode_urls,
    registry_info,
    route,
    uf,
    url,
)

__all__ = [
    "AMBIENTES",
    "MODELOS",
    "UF",
    "Ambiente",
    "Endpoint",
    "InvalidBaseOverride",
    "InvalidEnvironment",
    "InvalidModel",
    "Modelo",
    "NfceQrCode",
    "QrCodeUrls",
    "RegistryInfo",
    "Route",
    "ServiceNotOffered",
    "StatesError",
    "UnknownService",
    "UnknownUF",
    "all_ufs",
    "ambiente",
    "core_services",
    "endpoint",
    "flag_catalogue",
    "modelo",
    "national_services",
    "nfce_qrcode",
    "offered_services",
    "qrcode_urls",
    "registry_info",
    "route",
    "uf",
    "url",
]
