"""Typed, immutable views of the registry data (see ``states/data/``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

Modelo = Literal["55", "65"]
Ambiente = Literal["producao", "homologacao"]

MODELOS: tuple[Modelo, ...] = ("55", "65")
AMBIENTES: tuple[Ambiente, ...] = ("producao", "homologacao")

# SOAP namespace of every SEFAZ 4.00 web service: <WSDL_NS_BASE><soap_operation>
# (MOC 7.0, Anexo I, "Padrão de Comunicação"; the operation names are per authorizer in the data).
WSDL_NS_BASE = "http://www.portalfiscal.inf.br/nfe/wsdl/"


@dataclass(frozen=True, slots=True)
class UF:
    """One federative unit.

    ``codigo`` is the IBGE cUF (2 digits, str); ``timezone`` the IANA name of the default zone for the
    UF's documents (the capital's); ``timezones`` every zone in use in the UF (default first).
    ``nfe_autorizador``/``nfce_autorizador``: the authorizer of model 55/65 (the UF's own sigla,
    ``SVRS`` or ``SVAN``); ``nfe_contingencia``: the NF-e contingency authorizer (``SVC-AN``/``SVC-RS``;
    NFC-e has none). ``flags``: named per-UF deviations (catalogue in ``flag_catalogue()``).
    """

    sigla: str
    nome: str
    codigo: str
    regiao: str
    timezone: str
    timezones: tuple[str, ...]
    nfe_autorizador: str
    nfce_autorizador: str
    nfe_contingencia: str
    flags: frozenset[str]

    @property
    def cuf(self) -> str:
        """Alias of ``codigo``: the layout's name (cUF, MOC field B02)."""
        return self.codigo

    def zoneinfo(self) -> ZoneInfo:
        """The default zone as a ``ZoneInfo`` (zoneinfo caches the instances)."""
        return ZoneInfo(self.timezone)

    def autorizador(self, modelo: Modelo) -> str:
        return self.nfe_autorizador if modelo == "55" else self.nfce_autorizador

    def has_flag(self, flag: str) -> bool:
        return flag in self.flags


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Everything a SOAP client needs to call one service for one UF/model/environment.

    ``autorizador`` is who answers: the UF itself, ``SVRS``, ``SVAN``, ``SVC-AN``, ``SVC-RS`` or ``AN``
    (Ambiente Nacional). ``codigo_orgao`` is the cOrgao/cUF the message carries for this endpoint
    (``91`` at the AN). ``url`` already has any ``base_override`` applied; ``source_url`` is the
    real address from the data. ``tls_min_version``: the lowest TLS version the server takes
    (``TLSv1.2`` for every 4.00 service; per-authorizer overrides live in the data).
    """

    uf: str
    modelo: Modelo
    ambiente: Ambiente
    service: str
    autorizador: str
    contingencia: bool
    url: str
    source_url: str
    soap_operation: str
    soap_method: str
    versao_dados: str
    codigo_orgao: str
    tls_min_version: str = "TLSv1.2"

    @property
    def namespace(self) -> str:
        """SOAP body namespace: ``http://www.portalfiscal.inf.br/nfe/wsdl/<soap_operation>``."""
        return WSDL_NS_BASE + self.soap_operation

    @property
    def soap_action(self) -> str:
        """SOAP 1.2 ``action`` parameter of the Content-Type: ``<namespace>/<soap_method>``."""
        return f"{self.namespace}/{self.soap_method}"


class QrCodeUrls(NamedTuple):
    """NFC-e addresses printed in infNFeSupl: ``qrcode`` (base of qrCode) and ``url_chave`` (urlChave)."""

    qrcode: str
    url_chave: str


@dataclass(frozen=True, slots=True)
class NfceQrCode:
    """The NFC-e QR data of one UF and environment, with provenance.

    ``versao_referencia``: the QR version the primary source marks for this UF/environment
    (``"200"`` = v2, ``"300"`` = v3 of NT 2025.001); it is what the reference records, not a list of
    versions the UF accepts. ``alternativas``: other addresses the secondary sources give;
    ``decisao``: why our value deviates from the primary source (empty when it does not).
    """

    uf: str
    ambiente: Ambiente
    qrcode: str
    url_chave: str
    versao_referencia: str
    alternativas: tuple[str, ...]
    decisao: str = ""  # why we deviate from the primary source, when we do

    @property
    def urls(self) -> QrCodeUrls:
        return QrCodeUrls(self.qrcode, self.url_chave)


@dataclass(frozen=True, slots=True)
class Route:
    """What a request path under a ``base_override`` addresses (for the simulator)."""

    autorizador: str
    modelo: Modelo
    service: str


@dataclass(frozen=True, slots=True)
class RegistryInfo:
    """Provenance of the registry: data version, reference snapshot date and sources."""

    data_version: str
    snapshot_date: str
    sources: tuple[str, ...]
    divergencias: tuple[str, ...]
