"""`ortho-fiscal states`: the 27 UFs, their authorizers and SEFAZ addresses, from the ``states`` registry.

    ortho-fiscal states [--uf UF] [--json]
    ortho-fiscal states url --uf UF --model 55|65 --env producao|homologacao --service NAME
                            [--contingency] [--nacional] [--base-override URL] [--json]

Exit codes: 0 ok; 1 the UF does not offer the service; 2 usage error (unknown UF, service, ...).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import states

AMBIENTE_NOME = {"producao": "produção", "homologacao": "homologação"}
HEADERS = ("UF", "cUF", "Nome", "Fuso padrão", "NF-e", "NFC-e", "SVC (NF-e)")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "states",
        help="UFs, autorizadores e endereços dos serviços SEFAZ",
        description="Mostra as 27 UFs (código IBGE, fuso horário, autorizador de NF-e e NFC-e, contingência "
        "SVC) ou, com --uf, todos os dados e endereços de uma UF.",
    )
    p.add_argument("--uf", help="sigla (SP) ou código IBGE (35) de uma UF: mostra o detalhe dela")
    p.add_argument("--json", action="store_true", help="saída em JSON")
    p.set_defaults(handler=_show)
    ssub = p.add_subparsers(dest="states_command", metavar="{url}")

    u = ssub.add_parser(
        "url",
        help="endereço de um serviço para uma UF",
        description="Mostra o endereço que um cliente chamaria para o serviço. Saída 1 se a UF não oferece o "
        "serviço.",
    )
    u.add_argument("--uf", required=True, dest="url_uf", metavar="UF", help="sigla (SP) ou código IBGE (35)")
    u.add_argument("--model", required=True, choices=("55", "65"), help="modelo: 55 NF-e, 65 NFC-e")
    u.add_argument("--env", required=True, choices=("producao", "homologacao"), help="ambiente")
    u.add_argument(
        "--service",
        required=True,
        metavar="NOME",
        help="serviço: NFeAutorizacao4, NFeRetAutorizacao4, NFeConsultaProtocolo4, NFeStatusServico4, "
        "NFeInutilizacao4, NFeRecepcaoEvento4, CadConsultaCadastro4, NFeDistribuicaoDFe, RecepcaoEvento_EPEC, ...",
    )
    u.add_argument("--contingency", action="store_true", help="contingência SVC (SVC-AN/SVC-RS, só NF-e)")
    u.add_argument("--nacional", action="store_true", help="no Ambiente Nacional (ex.: manifestação do destinatário)")
    u.add_argument("--base-override", metavar="URL", help="aponta para outro host, ex.: o simulador https://127.0.0.1:8443")
    u.add_argument("--json", action="store_true", dest="url_json", help="saída em JSON com os detalhes SOAP")
    u.set_defaults(handler=_url)


def _error(exc: states.StatesError) -> None:
    print(f"erro: {exc.mensagem} [{exc.code}]", file=sys.stderr)


def _summary(u: states.UF) -> dict[str, Any]:
    return {
        "sigla": u.sigla,
        "nome": u.nome,
        "cUF": u.codigo,
        "regiao": u.regiao,
        "timezone": u.timezone,
        "timezones": list(u.timezones),
        "nfe_autorizador": u.nfe_autorizador,
        "nfce_autorizador": u.nfce_autorizador,
        "nfe_contingencia": u.nfe_contingencia,
        "flags": sorted(u.flags),
    }


def _row(u: states.UF) -> tuple[str, ...]:
    return (u.sigla, u.codigo, u.nome, u.timezone, u.nfe_autorizador, u.nfce_autorizador, u.nfe_contingencia)


def _services(u: states.UF) -> dict[str, Any]:
    """Every address of a UF: model -> environment -> {service: url | None}, plus SVC and AN."""
    out: dict[str, Any] = {}
    for modelo in states.MODELOS:
        por_amb: dict[str, Any] = {}
        for amb in states.AMBIENTES:
            entries: dict[str, str | None] = {}
            for service in states.core_services(modelo):
                entries[service] = _try_url(u, modelo, amb, service)
            for service in states.offered_services(u, modelo, amb):
                entries.setdefault(service, _try_url(u, modelo, amb, service))
            if modelo == "55":
                for service in states.core_services(modelo):
                    entries[f"{service} (contingência {u.nfe_contingencia})"] = _try_url(
                        u, modelo, amb, service, contingency=True
                    )
                for service in states.national_services():
                    entries[f"{service} (AN)"] = _try_url(u, modelo, amb, service, nacional=True)
            por_amb[amb] = entries
        out[modelo] = por_amb
    return out


def _try_url(u: states.UF, modelo: str, amb: str, service: str, **kw: bool) -> str | None:
    try:
        return states.url(u, modelo, amb, service, **kw)
    except states.ServiceNotOffered:
        return None


def _detail(u: states.UF) -> dict[str, Any]:
    data = _summary(u)
    data["servicos"] = _services(u)
    data["nfce_qrcode"] = {}
    for amb in states.AMBIENTES:
        qr = states.nfce_qrcode(u, amb)
        data["nfce_qrcode"][amb] = {
            "qrcode": qr.qrcode,
            "url_chave": qr.url_chave,
            "versao_referencia": qr.versao_referencia,
            "alternativas": list(qr.alternativas),
        }
    catalogue = states.flag_catalogue()
    data["flags"] = {name: catalogue[name] for name in sorted(u.flags)}
    return data


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [HEADERS, *rows]) for i in range(len(HEADERS))]
    for r in [HEADERS, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def _show(args: argparse.Namespace) -> int:
    try:
        if args.uf:
            u = states.uf(args.uf)
            detail = _detail(u)
            if args.json:
                print(json.dumps(detail, ensure_ascii=False, indent=2))
            else:
                _print_detail(detail)
            return 0
    except states.StatesError as exc:
        _error(exc)
        return 2
    if args.json:
        info = states.registry_info()
        doc = {
            "registry": {"data_version": info.data_version, "snapshot_date": info.snapshot_date},
            "ufs": [_summary(u) for u in states.all_ufs()],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        _print_table([_row(u) for u in states.all_ufs()])
    return 0


def _print_detail(d: dict[str, Any]) -> None:
    print(f"{d['sigla']} - {d['nome']} (cUF {d['cUF']}, região {d['regiao']})")
    others = d["timezones"][1:]
    print(f"fuso padrão: {d['timezone']}" + (f"; outros: {', '.join(others)}" if others else ""))
    print(
        f"autorizador NF-e: {d['nfe_autorizador']}; NFC-e: {d['nfce_autorizador']}; "
        f"contingência NF-e: {d['nfe_contingencia']}"
    )
    for modelo, nome in (("55", "NF-e"), ("65", "NFC-e")):
        for amb, entries in d["servicos"][modelo].items():
            print(f"\n{nome} - {AMBIENTE_NOME[amb]}:")
            width = max(len(s) for s in entries)
            for service, address in entries.items():
                print(f"  {service.ljust(width)}  {address or '(não oferecido)'}")
    print("\nNFC-e QR Code:")
    for amb, qr in d["nfce_qrcode"].items():
        print(
            f"  {AMBIENTE_NOME[amb]}: qrCode {qr['qrcode']} | urlChave {qr['url_chave']} | "
            f"versão na referência {qr['versao_referencia']}"
        )
    if d["flags"]:
        print("\nparticularidades:")
        for name, text in d["flags"].items():
            print(f"  {name}: {text}")


def _url(args: argparse.Namespace) -> int:
    try:
        ep = states.endpoint(
            args.url_uf,
            args.model,
            args.env,
            args.service,
            contingency=args.contingency,
            nacional=args.nacional,
            base_override=args.base_override,
        )
    except states.ServiceNotOffered as exc:
        _error(exc)
        return 1
    except states.StatesError as exc:
        _error(exc)
        return 2
    if args.url_json:
        doc = {
            "uf": ep.uf,
            "modelo": ep.modelo,
            "ambiente": ep.ambiente,
            "service": ep.service,
            "autorizador": ep.autorizador,
            "contingencia": ep.contingencia,
            "url": ep.url,
            "source_url": ep.source_url,
            "soap_operation": ep.soap_operation,
            "soap_method": ep.soap_method,
            "namespace": ep.namespace,
            "soap_action": ep.soap_action,
            "versao_dados": ep.versao_dados,
            "codigo_orgao": ep.codigo_orgao,
            "tls_min_version": ep.tls_min_version,
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(ep.url)
    return 0
