"""check_qrcode: an NFC-e's qrCode against the document, the registry URL, the CSC and the certificate."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from certificates.a1 import A1Certificate
from certificates.testpki import make_test_a1
from certificates.xmldsig import sign_document
from engine.nfe.build import Emitente, load_emitente, load_json_decimal, parse_venda
from engine.nfe.build.builder import build_nfe
from engine.nfe.contingencia import finalize_offline, to_offline
from engine.nfe.qrcode import check_qrcode
from engine.nfe.xmlio import render
from engine.xml.parser import parse_xml

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
N = "{http://www.portalfiscal.inf.br/nfe}"


@cache
def _emitente() -> Emitente:
    return load_emitente(EXAMPLES / "emitente-sn.json")


@cache
def _a1() -> A1Certificate:
    return make_test_a1(cnpj="11222333000181", now=NOW)[1].to_a1()


def _online() -> etree._Element:
    venda = parse_venda(load_json_decimal(EXAMPLES / "nfce-venda.json"))
    return render(build_nfe(venda, _emitente(), now=NOW, rng=random.Random(7)))


@cache
def _offline_bytes(versao: int) -> bytes:
    em = _emitente()
    assert em.csc is not None and em.responsavel_tecnico is not None and em.responsavel_tecnico.csrt is not None
    off = to_offline(_online(), now=NOW, xjust="SEFAZ sem resposta no prazo", transmitida=True, nnf=1043,
                     csrt=em.responsavel_tecnico.csrt.token)
    return finalize_offline(sign_document(off, _a1()), versao=versao, id_csc=em.csc.id,  # type: ignore[arg-type]
                            csc=em.csc.token, signer=_a1())


def _csc() -> str:
    assert _emitente().csc is not None
    return _emitente().csc.token  # type: ignore[union-attr]


def _with_qr(doc: etree._Element, qr: str) -> etree._Element:
    el = doc.find(f"{N}infNFeSupl/{N}qrCode")
    assert el is not None
    el.text = qr
    return doc


def _codes(doc: etree._Element, **kw: object) -> set[tuple[str, str | None]]:
    return {(f.code, f.cstat) for f in check_qrcode(doc, **kw)}  # type: ignore[arg-type]


def test_consistent_documents_have_no_findings() -> None:
    assert check_qrcode(_online()) == []
    for versao in (2, 3):
        assert check_qrcode(parse_xml(_offline_bytes(versao)), csc=_csc()) == []


@pytest.mark.parametrize("versao", [2, 3])
def test_a_changed_value_is_caught_by_the_hash_or_the_signature(versao: int) -> None:
    doc = parse_xml(_offline_bytes(versao))
    qr = doc.findtext(f"{N}infNFeSupl/{N}qrCode") or ""
    forged = _with_qr(doc, qr.replace("|237.80|", "|23.78|"))
    expected = {("QRCODE_VNF", None), ("QRCODE_HASH", "464") if versao == 2 else ("QRCODE_ASSINATURA", None)}
    assert _codes(forged, csc=_csc()) == expected


def test_missing_wrong_url_wrong_chave_and_wrong_form() -> None:
    online = _online()
    qr = online.findtext(f"{N}infNFeSupl/{N}qrCode") or ""
    supl = online.find(N + "infNFeSupl")
    assert supl is not None
    assert _codes(_with_qr(_online(), qr.replace("www.homologacao.nfce", "www.outra"))) == {("QRCODE_URL", "395")}
    chave = qr.split("?p=")[1].split("|")[0]
    other = chave[:30] + ("1" if chave[30] != "1" else "2") + chave[31:]
    assert ("QRCODE_CHAVE", "397") in _codes(_with_qr(_online(), qr.replace(chave, other)))
    assert _codes(_with_qr(_online(), qr + "|04|237.80|2|52998224725|AAAA")) == {("QRCODE_VERSAO", "398")}
    online.remove(supl)
    assert _codes(online) == {("QRCODE_AUSENTE", "394")}


def test_customer_in_the_qrcode_of_a_document_without_customer() -> None:
    doc = parse_xml(_offline_bytes(3))
    dest = doc.find(f"{N}infNFe/{N}dest")
    assert dest is not None
    dest.getparent().remove(dest)  # type: ignore[union-attr]
    assert ("QRCODE_DEST", "399") in _codes(doc)
