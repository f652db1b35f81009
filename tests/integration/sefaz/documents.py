"""Signed NF-e/NFC-e for any UF, built with engine.nfe.build from the examples (emitter moved to the UF)."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from certificates.a1 import A1Certificate
from certificates.xmldsig import sign_document
from engine.nfe.build.builder import build_nfe
from engine.nfe.build.emitter import Emitente, load_json_decimal, parse_emitente
from engine.nfe.build.input import Venda, parse_venda
from engine.nfe.chave import dv_chave
from engine.nfe.xmlio import render, render_bytes
from engine.xml.parser import parse_xml

N = "{http://www.portalfiscal.inf.br/nfe}"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
# IBGE code of each capital (the emitter's cMunFG must belong to its UF: cStat 272).
CAPITAL = {
    "AC": "1200401", "AL": "2704302", "AP": "1600303", "AM": "1302603", "BA": "2927408", "CE": "2304400",
    "DF": "5300108", "ES": "3205309", "GO": "5208707", "MA": "2111300", "MT": "5103403", "MS": "5002704",
    "MG": "3106200", "PA": "1501402", "PB": "2507507", "PR": "4106902", "PE": "2611606", "PI": "2211001",
    "RJ": "3304557", "RN": "2408102", "RS": "4314902", "RO": "1100205", "RR": "1400100", "SC": "4205407",
    "SP": "3550308", "SE": "2800308", "TO": "1721000",
}


def _load(name: str) -> Any:
    return load_json_decimal(EXAMPLES / name)


def emitente(uf: str, cnpj: str) -> Emitente:
    data = _load("emitente-normal.json")
    data["cnpj"] = cnpj
    data["endereco"]["uf"] = uf
    data["endereco"]["codigo_municipio"] = CAPITAL[uf]
    data["qrcode_versao"] = 3
    return parse_emitente(data)


def venda(uf: str, modelo: int, numero: int) -> Venda:
    data = _load("nfce-venda.json" if modelo == 65 else "nfe-venda.json")
    data["numero"] = numero
    endereco = (data.get("cliente") or {}).get("endereco")
    if endereco:  # keep the sale internal to the UF (no ICMS partilha group needed)
        endereco["uf"] = uf
        endereco["codigo_municipio"] = CAPITAL[uf]
    return parse_venda(data)


def unsigned(uf: str, modelo: int, numero: int, *, now: datetime, cnpj: str) -> bytes:
    model = build_nfe(venda(uf, modelo, numero), emitente(uf, cnpj), now=now, rng=random.Random(numero))
    return render_bytes(model)


def signed(uf: str, modelo: int, numero: int, *, now: datetime, a1: A1Certificate, cnpj: str,
           seed: int | None = None) -> bytes:
    model = build_nfe(venda(uf, modelo, numero), emitente(uf, cnpj), now=now, rng=random.Random(seed or numero))
    return sign_document(render(model), a1)


def signed_epec(uf: str, numero: int, *, now: datetime, a1: A1Certificate, cnpj: str) -> bytes:
    """An NF-e issued in EPEC contingency: tpEmis 4 (MOC B22) in ide and in the chave (position 35),
    with dhCont/xJust (B28/B29), signed."""
    root = parse_xml(unsigned(uf, 55, numero, now=now, cnpj=cnpj))
    inf = root.find(N + "infNFe")
    assert inf is not None
    ide = inf.find(N + "ide")
    assert ide is not None
    ide.find(N + "tpEmis").text = "4"  # type: ignore[union-attr]
    chave43 = str(inf.get("Id"))[3:37] + "4" + str(inf.get("Id"))[38:46]
    chave = chave43 + dv_chave(chave43)
    inf.set("Id", "NFe" + chave)
    ide.find(N + "cDV").text = chave[43]  # type: ignore[union-attr]
    position = list(ide).index(ide.find(N + "verProc")) + 1  # type: ignore[arg-type]
    dh_cont = etree.Element(N + "dhCont")
    dh_cont.text = ide.findtext(N + "dhEmi")
    x_just = etree.Element(N + "xJust")
    x_just.text = "SEFAZ autorizadora fora do ar no momento da venda"
    ide.insert(position, dh_cont)
    ide.insert(position + 1, x_just)
    return sign_document(root, a1)
