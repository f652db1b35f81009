"""Rebuild ``states/data/webservices.json`` and ``states/data/nfce_qrcode.json`` from the reference.

Usage (from the repository root)::

    .venv/bin/python -m states.build_data [--reference ../shared/reference] [--date YYYY-MM-DD]

It reads the normalised reference files (see ../shared/reference/README.md), copies the facts into
our own format and applies the hand-maintained decisions of ``states/data/curation.json`` (values we
take from a secondary source, services an authorizer does not offer, SOAP details of the AN). The
output is deterministic (sorted keys), so ``git diff`` shows exactly what a new snapshot changed.
``ufs.json`` (names, cUF, regions, time zones) is maintained by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from states.model import AMBIENTES

DATA_DIR = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference"

SCHEMA_VERSION = 1
SOAP_KEYS = ("url", "soap_operation", "soap_method", "versao_dados")


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _soap_entry(info: Mapping[str, Any]) -> dict[str, str] | None:
    """One service of one authorizer in our format; ``None`` when the source has no URL."""
    if not info.get("url"):
        return None
    return {key: str(info[key]) for key in SOAP_KEYS}


def _model_section(
    ref: Mapping[str, Any], core: Sequence[str], curation: Mapping[str, Any], modelo: str
) -> dict[str, Any]:
    autorizadores: dict[str, Any] = {}
    # autorizador -> ambiente -> service -> pt-BR reason
    nao_oferecidos: dict[str, dict[str, dict[str, str]]] = {}
    for nome, envs in ref["autorizadores"].items():
        autorizadores[nome] = {}
        for ambiente in AMBIENTES:
            services: dict[str, dict[str, str]] = {}
            for service, info in envs[ambiente].items():
                entry = _soap_entry(info)
                if entry is None:
                    nao_oferecidos.setdefault(nome, {}).setdefault(ambiente, {})[service] = (
                        f"o autorizador {nome} não oferece {service} (a fonte de referência não traz endereço)"
                    )
                    continue
                services[service] = entry
            autorizadores[nome][ambiente] = services
    # A decision that an authorizer does not offer a service wins over an address in the source
    # (e.g. the SVC hosts answer for NFeInutilizacao4 in nfephp, but SVC does not take inutilizacao).
    for decision in curation["not_offered"]["entries"]:
        if decision["modelo"] != modelo:
            continue
        nome, service = decision["autorizador"], decision["service"]
        for ambiente in decision["ambientes"]:
            nao_oferecidos.setdefault(nome, {}).setdefault(ambiente, {})[service] = decision["motivo"]
            autorizadores[nome][ambiente].pop(service, None)
    ufs: dict[str, dict[str, str]] = {}
    for sigla, autorizador in sorted(ref["autorizador_por_uf"].items()):
        ufs[sigla] = {"autorizador": autorizador}
        if "contingencia_svc_por_uf" in ref:
            ufs[sigla]["contingencia"] = ref["contingencia_svc_por_uf"][sigla]
    return {
        "core_services": list(core),
        "ufs": ufs,
        "autorizadores": autorizadores,
        "nao_oferecidos": nao_oferecidos,
        "contingencia": sorted({u["contingencia"] for u in ufs.values() if "contingencia" in u}),
    }


def _extras_sp_nfce(nfce: Mapping[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    """SP's EPEC for NFC-e, which the reference keeps apart from the six core services."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for ambiente in AMBIENTES:
        out[ambiente] = {}
        for service, info in nfce["extras_SP"]["EPEC_NFCe"][ambiente].items():
            entry = _soap_entry(info)
            if entry is not None:
                out[ambiente][service] = entry
    return out


def _apply_soap_overrides(models: Mapping[str, dict[str, Any]], curation: Mapping[str, Any]) -> None:
    """Set the SOAP fields ``curation.json`` (``soap_overrides``) decides against the reference, e.g. SP's
    NFC-e EPEC reception ``versao_dados`` 1.00 in homologação (the reference inherits nfephp's 4.00)."""
    for decision in curation.get("soap_overrides", {}).get("entries", []):
        if decision["field"] not in SOAP_KEYS:
            raise ValueError(f"soap_overrides: campo desconhecido {decision['field']!r}")
        autorizador = models[decision["modelo"]]["autorizadores"][decision["autorizador"]]
        for ambiente in decision["ambientes"]:
            entry = autorizador[ambiente].get(decision["service"])
            if entry is None:
                raise ValueError(f"soap_overrides: {decision['autorizador']} não tem {decision['service']} "
                                 f"em {ambiente} (modelo {decision['modelo']})")
            entry[decision["field"]] = decision["value"]


def build_webservices(reference: Path, curation: Mapping[str, Any], date: str) -> dict[str, Any]:
    nfe = _load(reference / "sefaz-endpoints-nfe.json")
    nfce = _load(reference / "sefaz-endpoints-nfce.json")
    m55 = _model_section(nfe, nfe["servicos_canonicos"], curation, "55")
    m65 = _model_section(nfce, nfce["servicos_canonicos"], curation, "65")
    for ambiente, services in _extras_sp_nfce(nfce).items():
        m65["autorizadores"]["SP"][ambiente].update(services)
    _apply_soap_overrides({"55": m55, "65": m65}, curation)
    national = curation["national_soap"]
    nacional: dict[str, Any] = {"codigo_orgao": national["codigo_orgao"], "modelos": ["55"]}
    for ambiente in AMBIENTES:
        nacional[ambiente] = {
            service: {"url": url, **national["services"][service]}
            for service, url in sorted(nfe["nacional_AN"][ambiente].items())
        }
    snapshot = curation["_meta"]["snapshot"]
    return {
        "_meta": {
            "schema_version": SCHEMA_VERSION,
            "data_version": date,
            "snapshot_date": snapshot["snapshot_date"],
            "snapshot_date_note": snapshot["snapshot_date_note"],
            "generated_by": "python -m states.build_data (from ../shared/reference + states/data/curation.json)",
            "sources": [snapshot["primary_source"], *snapshot["cross_checks"]],
            "rules": [*nfe["_meta"]["regras"], *nfce["_meta"]["regras"], *national.get("notes", [])],
            "namespace": "SOAP namespace = http://www.portalfiscal.inf.br/nfe/wsdl/<soap_operation>; "
            "SOAP 1.2 action = <namespace>/<soap_method>",
        },
        "models": {"55": m55, "65": m65},
        "nacional": nacional,
        "tls": {
            "default": curation["tls"]["default"],
            "overrides": curation["tls"]["overrides"],
            "source": curation["tls"]["source"],
        },
        "divergencias": [_divergence_text(d) for d in [*nfe["divergencias"], *nfce["divergencias"]]],
    }


def _divergence_text(entry: Mapping[str, Any]) -> str:
    return " | ".join(f"{key}: {value}" for key, value in entry.items())


def build_qrcode(reference: Path, curation: Mapping[str, Any], date: str) -> dict[str, Any]:
    ref = _load(reference / "nfce-qrcode-urls.json")
    overrides = curation["qrcode_overrides"]
    ufs: dict[str, Any] = {}
    for sigla, envs in sorted(ref["por_uf"].items()):
        ufs[sigla] = {}
        for ambiente in AMBIENTES:
            row = envs[ambiente]
            acbr = row.get("acbr", {})
            secondary = {str(v) for k, v in acbr.items() if k in ("qrcode_v2", "url_chave")}
            secondary |= {str(v) for v in acbr.get("outros", {}).values()}
            alternatives = sorted(secondary - {row["qrcode_url"], row["url_chave"]})
            entry = {
                "qrcode": row["qrcode_url"],
                "url_chave": row["url_chave"],
                "versao_referencia": row["qrcode_versao_nfephp"],
                "alternativas": alternatives,
            }
            override = overrides.get(sigla, {}).get(ambiente)
            if override:
                for key in ("qrcode", "url_chave"):
                    if key in override:
                        entry["alternativas"] = sorted(
                            ({*entry["alternativas"], entry[key]}) - {override[key]}
                        )
                        entry[key] = override[key]
                entry["decisao"] = override["reason"]
            ufs[sigla][ambiente] = entry
    return {
        "_meta": {
            "schema_version": SCHEMA_VERSION,
            "data_version": date,
            "snapshot_date": curation["_meta"]["snapshot"]["snapshot_date"],
            "generated_by": "python -m states.build_data (from ../shared/reference + states/data/curation.json)",
            "sources": [str(v) for v in ref["_meta"]["fontes"].values()],
            "fields": {
                "qrcode": "base URL of infNFeSupl/qrCode (nfephp NfeConsultaQR)",
                "url_chave": "infNFeSupl/urlChave, verbatim as the UF publishes it (often without a scheme)",
                "versao_referencia": ref["_meta"]["campos"]["qrcode_versao_nfephp"],
                "alternativas": "addresses the secondary sources (ACBr, PyNFe) give instead",
            },
            "note": ref["_meta"]["nota"],
        },
        "ufs": ufs,
        "divergencias": [*ref["divergencias"], *ref["divergencias_comentadas"]],
    }


def _dump(path: Path, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenera states/data a partir da referência.")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--date", required=True, help="data desta versão dos dados (AAAA-MM-DD)")
    args = parser.parse_args(argv)
    reference: Path = args.reference
    if not (reference / "sefaz-endpoints-nfe.json").is_file():
        print(f"erro: referência não encontrada em {reference}", file=sys.stderr)
        return 2
    curation = _load(DATA_DIR / "curation.json")
    _dump(DATA_DIR / "webservices.json", build_webservices(reference, curation, args.date))
    _dump(DATA_DIR / "nfce_qrcode.json", build_qrcode(reference, curation, args.date))
    print(f"states/data regenerado a partir de {reference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
