"""Loader and resolver over ``states/data/*.json``.

The data are parsed once per process (``functools.cache`` on ``_registry``) into frozen dataclasses
and read-only mappings, so every caller shares the same immutable objects. No UF is special-cased
here: per-UF behaviour comes from the data (authorizer tables, ``nao_oferecidos``, flags).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, cast
from urllib.parse import urlsplit

from states.errors import InvalidEnvironment, InvalidModel, ServiceNotOffered, StatesError, UnknownService, UnknownUF
from states.model import (
    AMBIENTES,
    MODELOS,
    UF,
    Ambiente,
    Endpoint,
    Modelo,
    NfceQrCode,
    QrCodeUrls,
    RegistryInfo,
    Route,
)

NOME_MODELO: Mapping[str, str] = MappingProxyType({"55": "NF-e (modelo 55)", "65": "NFC-e (modelo 65)"})
NOME_AMBIENTE: Mapping[str, str] = MappingProxyType({"producao": "produção", "homologacao": "homologação"})
NACIONAL = "AN"


@dataclass(frozen=True, slots=True)
class _Soap:
    url: str
    soap_operation: str
    soap_method: str
    versao_dados: str


# modelo -> autorizador -> ambiente -> service -> _Soap
_ServiceTable = Mapping[str, Mapping[str, Mapping[str, Mapping[str, _Soap]]]]


@dataclass(frozen=True, slots=True)
class _Registry:
    ufs: tuple[UF, ...]
    by_key: Mapping[str, UF]
    services: _ServiceTable
    not_offered: Mapping[str, Mapping[str, Mapping[str, Mapping[str, str]]]]  # modelo, autorizador, ambiente
    core_services: Mapping[str, tuple[str, ...]]
    nacional: Mapping[str, Mapping[str, _Soap]]
    nacional_codigo_orgao: str
    nacional_modelos: frozenset[str]
    qrcode: Mapping[str, Mapping[str, NfceQrCode]]
    flag_catalogue: Mapping[str, str]
    tls: Mapping[str, Mapping[str, str]]  # autorizador -> settings; "" = default
    known_services: Mapping[str, str]  # lower-case name -> canonical name
    info: RegistryInfo


def _read(name: str) -> Any:
    text = resources.files("states").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def _freeze(value: Any) -> Any:
    """Read-only deep copy of parsed JSON: dicts become mappingproxies, lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _soap(raw: Mapping[str, str]) -> _Soap:
    return _Soap(raw["url"], raw["soap_operation"], raw["soap_method"], raw["versao_dados"])


def _freeze_services(raw: Mapping[str, Any]) -> Mapping[str, Mapping[str, Mapping[str, _Soap]]]:
    return MappingProxyType(
        {
            autorizador: MappingProxyType(
                {
                    ambiente: MappingProxyType({svc: _soap(info) for svc, info in services.items()})
                    for ambiente, services in envs.items()
                }
            )
            for autorizador, envs in raw.items()
        }
    )


def _build_ufs(ufs_doc: Any, ws: Any, curation: Any) -> tuple[UF, ...]:
    m55, m65 = ws["models"]["55"], ws["models"]["65"]
    flags_by_uf: Mapping[str, list[str]] = curation["flags"]
    catalogue = curation["flag_catalogue"]
    ufs: list[UF] = []
    for row in ufs_doc["ufs"]:
        sigla = row["sigla"]
        flags = frozenset(flags_by_uf.get(sigla, ()))
        unknown = sorted(f for f in flags if f not in catalogue)
        if unknown:
            raise StatesError(f"dados inconsistentes: {sigla} usa particularidades fora do catálogo: {unknown}")
        ufs.append(
            UF(
                sigla=sigla,
                nome=row["nome"],
                codigo=row["cUF"],
                regiao=row["regiao"],
                timezone=row["timezones"][0],
                timezones=tuple(row["timezones"]),
                nfe_autorizador=m55["ufs"][sigla]["autorizador"],
                nfce_autorizador=m65["ufs"][sigla]["autorizador"],
                nfe_contingencia=m55["ufs"][sigla]["contingencia"],
                flags=flags,
            )
        )
    return tuple(ufs)


def _build_qrcode(qr: Any) -> Mapping[str, Mapping[str, NfceQrCode]]:
    return MappingProxyType(
        {
            sigla: MappingProxyType(
                {
                    amb: NfceQrCode(
                        uf=sigla,
                        ambiente=cast(Ambiente, amb),
                        qrcode=row["qrcode"],
                        url_chave=row["url_chave"],
                        versao_referencia=row["versao_referencia"],
                        alternativas=tuple(row["alternativas"]),
                        decisao=row.get("decisao", ""),
                    )
                    for amb, row in envs.items()
                }
            )
            for sigla, envs in qr["ufs"].items()
        }
    )


@functools.cache
def _registry() -> _Registry:
    ufs_doc = _read("ufs.json")
    ws = _read("webservices.json")
    curation = _read("curation.json")
    ufs = _build_ufs(ufs_doc, ws, curation)
    by_key = {key: u for u in ufs for key in (u.sigla, u.codigo)}
    services: _ServiceTable = MappingProxyType(
        {str(m): _freeze_services(ws["models"][m]["autorizadores"]) for m in MODELOS}
    )
    nacional: Mapping[str, Mapping[str, _Soap]] = MappingProxyType(
        {
            str(amb): MappingProxyType({svc: _soap(info) for svc, info in ws["nacional"][amb].items()})
            for amb in AMBIENTES
        }
    )
    not_offered = cast(
        Mapping[str, Mapping[str, Mapping[str, Mapping[str, str]]]],
        _freeze({m: ws["models"][m]["nao_oferecidos"] for m in MODELOS}),
    )
    known = {svc for m in MODELOS for envs in services[m].values() for table in envs.values() for svc in table}
    known |= {svc for m in MODELOS for by_env in not_offered[m].values() for t in by_env.values() for svc in t}
    known |= {svc for table in nacional.values() for svc in table}
    known |= {svc for m in MODELOS for svc in ws["models"][m]["core_services"]}
    meta = ws["_meta"]
    qr = _read("nfce_qrcode.json")
    return _Registry(
        ufs=ufs,
        by_key=MappingProxyType(by_key),
        services=services,
        not_offered=not_offered,
        core_services=MappingProxyType({m: tuple(ws["models"][m]["core_services"]) for m in MODELOS}),
        nacional=nacional,
        nacional_codigo_orgao=ws["nacional"]["codigo_orgao"],
        nacional_modelos=frozenset(ws["nacional"]["modelos"]),
        qrcode=_build_qrcode(qr),
        flag_catalogue=MappingProxyType({k: v for k, v in curation["flag_catalogue"].items() if not k.startswith("_")}),
        known_services=MappingProxyType({svc.lower(): svc for svc in known}),
        tls=cast(Mapping[str, Mapping[str, str]], _freeze({"": ws["tls"]["default"], **ws["tls"]["overrides"]})),
        info=RegistryInfo(
            data_version=meta["data_version"],
            snapshot_date=meta["snapshot_date"],
            sources=tuple(meta["sources"]),
            divergencias=tuple([*ws["divergencias"], *qr["divergencias"]]),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Input normalisation (the CLI and the engine pass what they have: "SP", "35", 35, tpAmb 1/2, ...)


def uf(code_or_sigla: str | int | UF) -> UF:
    """The UF for a sigla (``"SP"``, case-insensitive) or IBGE code (``"35"``/``35``)."""
    if isinstance(code_or_sigla, UF):
        return code_or_sigla
    key = str(code_or_sigla).strip().upper()
    found = _registry().by_key.get(key)
    if found is None:
        raise UnknownUF(
            f"UF desconhecida: {code_or_sigla!r}; informe a sigla (ex.: SP) ou o código IBGE de 2 dígitos (ex.: 35)"
        )
    return found


def all_ufs() -> tuple[UF, ...]:
    """The 27 UFs, in alphabetical order of sigla."""
    return _registry().ufs


def modelo(value: str | int) -> Modelo:
    """Normalise a model: ``55``/``"55"``/``"nfe"`` or ``65``/``"65"``/``"nfce"``."""
    key = str(value).strip().lower().replace("-", "")
    if key in ("55", "nfe"):
        return "55"
    if key in ("65", "nfce"):
        return "65"
    raise InvalidModel(f"modelo inválido: {value!r}; use 55 (NF-e) ou 65 (NFC-e)")


def ambiente(value: str | int) -> Ambiente:
    """Normalise an environment: ``producao``/tpAmb ``1`` or ``homologacao``/tpAmb ``2``."""
    key = str(value).strip().lower()
    if key in ("producao", "produção", "1"):
        return "producao"
    if key in ("homologacao", "homologação", "2"):
        return "homologacao"
    raise InvalidEnvironment(f"ambiente inválido: {value!r}; use producao (tpAmb 1) ou homologacao (tpAmb 2)")


def _service_name(name: str) -> str:
    known = _registry().known_services
    found = known.get(name.strip().lower())
    if found is None:
        options = ", ".join(sorted(known.values()))
        raise UnknownService(f"serviço desconhecido: {name!r}; serviços conhecidos: {options}")
    return found


def core_services(modelo_: str | int) -> tuple[str, ...]:
    """The services every UF offers for a model (7 for NF-e, 6 for NFC-e, in the reference's order)."""
    return _registry().core_services[modelo(modelo_)]


def offered_services(uf_: str | int | UF, modelo_: str | int, ambiente_: str | int) -> tuple[str, ...]:
    """Every service the UF's normal authorizer offers for the model and environment: the core ones
    it offers, in the reference's order, then its extras (e.g. CscNFCe, SP's NFC-e EPEC)."""
    reg = _registry()
    the_uf, mod, amb = uf(uf_), modelo(modelo_), ambiente(ambiente_)
    table = _uf_table(reg, the_uf, mod, amb)
    core = [s for s in reg.core_services[mod] if s in table]
    return (*core, *sorted(s for s in table if s not in core))


def national_services() -> tuple[str, ...]:
    """Services of the Ambiente Nacional (AN), for NF-e only."""
    return tuple(sorted(_registry().nacional["producao"]))


def flag_catalogue() -> Mapping[str, str]:
    """Every named per-UF flag with its pt-BR description (shown by ``ortho-fiscal states --uf``)."""
    return _registry().flag_catalogue


# ---------------------------------------------------------------------------------------------
# Resolution


def endpoint(
    uf_: str | int | UF,
    modelo_: str | int,
    ambiente_: str | int,
    service: str,
    *,
    contingency: bool = False,
    nacional: bool = False,
    base_override: str | None = None,
) -> Endpoint:
    """Everything needed to call ``service`` for this UF, model and environment.

    ``contingency=True`` resolves at the UF's SVC (NF-e only). ``nacional=True`` resolves at the
    Ambiente Nacional; services only the AN offers (NFeDistribuicaoDFe, RecepcaoEvento_EPEC for
    NF-e, ...) resolve there without it. ``base_override`` (``https://host:port[/prefix]``) replaces
    scheme and host of the real URL and puts ``/<autorizador>/<modelo>`` before the real path, so
    every UF can point at the SEFAZ simulator on loopback; ``route()`` reverses that path.
    Raises ``UnknownUF``, ``InvalidModel``, ``InvalidEnvironment``, ``UnknownService`` or
    ``ServiceNotOffered`` (each with a stable ``code`` and a pt-BR ``mensagem``).
    """
    reg = _registry()
    the_uf = uf(uf_)
    mod = modelo(modelo_)
    amb = ambiente(ambiente_)
    svc = _service_name(service)
    nome = NOME_MODELO[mod]

    if nacional or (not contingency and svc in reg.nacional[amb] and svc not in _uf_table(reg, the_uf, mod, amb)):
        return _national(reg, the_uf, mod, amb, svc, base_override)

    if contingency:
        if mod != "55":
            raise ServiceNotOffered(
                f"{the_uf.sigla}: {nome} não tem contingência SVC; use a emissão offline (tpEmis 9) "
                "e transmita depois ao autorizador normal"
            )
        autorizador = the_uf.nfe_contingencia
    else:
        autorizador = the_uf.autorizador(mod)

    soap = reg.services[mod].get(autorizador, {}).get(amb, {}).get(svc)
    if soap is None:
        motivo = reg.not_offered[mod].get(autorizador, {}).get(amb, {}).get(svc)
        if motivo is None:
            motivo = f"o autorizador {autorizador} não oferece {svc} para {nome}"
        onde = f"em {NOME_AMBIENTE[amb]}" + (f" na contingência {autorizador}" if contingency else "")
        raise ServiceNotOffered(f"{the_uf.sigla}: serviço {svc} indisponível {onde} para {nome}: {motivo}")
    return _endpoint(the_uf, mod, amb, svc, autorizador, contingency, soap, the_uf.codigo, base_override)


def url(
    uf_: str | int | UF,
    modelo_: str | int,
    ambiente_: str | int,
    service: str,
    contingency: bool = False,
    *,
    nacional: bool = False,
    base_override: str | None = None,
) -> str:
    """The URL of ``service`` (see ``endpoint`` for the arguments and the errors)."""
    return endpoint(
        uf_, modelo_, ambiente_, service, contingency=contingency, nacional=nacional, base_override=base_override
    ).url


def _uf_table(reg: _Registry, the_uf: UF, mod: Modelo, amb: Ambiente) -> Mapping[str, _Soap]:
    return reg.services[mod].get(the_uf.autorizador(mod), {}).get(amb, {})


def _national(
    reg: _Registry, the_uf: UF, mod: Modelo, amb: Ambiente, svc: str, base_override: str | None
) -> Endpoint:
    soap = reg.nacional[amb].get(svc)
    if soap is None or mod not in reg.nacional_modelos:
        raise ServiceNotOffered(
            f"{the_uf.sigla}: o Ambiente Nacional não oferece {svc} para {NOME_MODELO[mod]} em {NOME_AMBIENTE[amb]}"
        )
    return _endpoint(the_uf, mod, amb, svc, NACIONAL, False, soap, reg.nacional_codigo_orgao, base_override)


def _endpoint(
    the_uf: UF,
    mod: Modelo,
    amb: Ambiente,
    svc: str,
    autorizador: str,
    contingency: bool,
    soap: _Soap,
    codigo_orgao: str,
    base_override: str | None,
) -> Endpoint:
    final = soap.url if base_override is None else _override(base_override, soap.url, autorizador, mod)
    tls = _registry().tls
    return Endpoint(
        uf=the_uf.sigla,
        modelo=mod,
        ambiente=amb,
        service=svc,
        autorizador=autorizador,
        contingencia=contingency,
        url=final,
        source_url=soap.url,
        soap_operation=soap.soap_operation,
        soap_method=soap.soap_method,
        versao_dados=soap.versao_dados,
        codigo_orgao=codigo_orgao,
        tls_min_version={**tls[""], **tls.get(autorizador, {})}["min_version"],
    )


class InvalidBaseOverride(StatesError):
    code = "BASE_OVERRIDE_INVALIDA"


def _override(base: str, real_url: str, autorizador: str, mod: Modelo) -> str:
    parts = urlsplit(base)
    # HTTPS only: the simulator speaks TLS with client certificates like SEFAZ does (issue 4).
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise InvalidBaseOverride(
            f"endereço base inválido: {base!r}; use https://host[:porta][/prefixo], sem consulta nem fragmento"
        )
    prefix = parts.path.rstrip("/")
    return f"https://{parts.netloc}{prefix}/{autorizador}/{mod}{urlsplit(real_url).path}"


@functools.cache
def _routes() -> Mapping[str, Route]:
    reg = _registry()
    table: dict[str, Route] = {}
    for mod in MODELOS:
        for autorizador, envs in reg.services[mod].items():
            for services in envs.values():
                for svc, soap in services.items():
                    table[f"/{autorizador}/{mod}{urlsplit(soap.url).path}".lower()] = Route(autorizador, mod, svc)
    for services in reg.nacional.values():
        for svc, soap in services.items():
            for nmod in sorted(reg.nacional_modelos):
                key = f"/{NACIONAL}/{nmod}{urlsplit(soap.url).path}".lower()
                table[key] = Route(NACIONAL, modelo(nmod), svc)
    return MappingProxyType(table)


def route(path: str) -> Route:
    """Which authorizer, model and service a path built by ``base_override`` addresses.

    Accepts the request path with or without the override's own prefix (``/sefaz/SVRS/55/ws/...``).
    """
    routes = _routes()
    segments = urlsplit(path).path.rstrip("/").split("/")
    for start in range(1, len(segments)):
        candidate = "/" + "/".join(segments[start:])
        found = routes.get(candidate.lower())
        if found is not None:
            return found
    raise UnknownService(f"caminho sem serviço SEFAZ correspondente: {path!r}")


# ---------------------------------------------------------------------------------------------
# NFC-e QR code and provenance


def nfce_qrcode(uf_: str | int | UF, ambiente_: str | int) -> NfceQrCode:
    """The NFC-e QR data of a UF and environment, with the reference's version mark and alternatives."""
    the_uf = uf(uf_)
    return _registry().qrcode[the_uf.sigla][ambiente(ambiente_)]


def qrcode_urls(uf_: str | int | UF, ambiente_: str | int) -> QrCodeUrls:
    """``(qrcode_base, url_chave)`` for infNFeSupl (MOC ZX02/ZX03), verbatim as the UF publishes them."""
    return nfce_qrcode(uf_, ambiente_).urls


def registry_info() -> RegistryInfo:
    """Data version, date of the reference snapshot, sources and the recorded source disagreements."""
    return _registry().info
