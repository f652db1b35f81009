"""Contingency documents: NFC-e off-line (tpEmis 9) with its QR-Code added after signing, and NF-e for
SVC-AN / SVC-RS; every result schema-valid, rule-clean and with a verifying signature."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

import states
from certificates.a1 import A1Certificate
from certificates.testpki import make_test_a1
from certificates.xmldsig import sign_document, verify_signature
from engine.errors import InputError
from engine.nfe.build import Emitente, load_emitente, load_json_decimal, parse_venda
from engine.nfe.build.builder import build_nfe
from engine.nfe.build.input import Endereco
from engine.nfe.chave import check_chave, dv_chave, parse_chave
from engine.nfe.contingencia import contingency_findings, finalize_offline, to_offline, to_svc
from engine.nfe.qrcode import hash_csrt
from engine.nfe.validate import validate_document
from engine.nfe.xmlio import render
from engine.xml.parser import parse_xml

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 4, 15, 0, 7, tzinfo=UTC)  # contingency begins 7 s after the sale
N = "{http://www.portalfiscal.inf.br/nfe}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
XJUST = "SEFAZ sem resposta no prazo do PDV (5 s)"
CURITIBA = Endereco(logradouro="Rua XV de Novembro", numero="100", bairro="Centro", codigo_municipio="4106902",
                    municipio="Curitiba", uf="PR", cep="80020310")
MANAUS = Endereco(logradouro="Av. Eduardo Ribeiro", numero="10", bairro="Centro", codigo_municipio="1302603",
                  municipio="Manaus", uf="AM", cep="69010000")


def _emitente(name: str, **update: Any) -> Emitente:
    return load_emitente(EXAMPLES / f"{name}.json").model_copy(update=update)


def _build(venda: str, emitente: Emitente) -> etree._Element:
    data = load_json_decimal(EXAMPLES / f"{venda}.json")
    cliente = data.get("cliente") or {}
    if "endereco" in cliente:  # keep the sale internal wherever the emitter is (no DIFAL in the example)
        cliente["endereco"] = emitente.endereco.model_dump(exclude_none=True)
    return render(build_nfe(parse_venda(data), emitente, now=NOW, rng=random.Random(7)))


@cache
def _a1() -> A1Certificate:
    return make_test_a1(cnpj="11222333000181", now=NOW)[1].to_a1()


def _public_key() -> rsa.RSAPublicKey:
    key = _a1().certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def _csrt(emitente: Emitente) -> str | None:
    rt = emitente.responsavel_tecnico
    return rt.csrt.token if rt is not None and rt.csrt is not None else None


def _path(el: etree._Element) -> str:
    parts = []
    node: etree._Element | None = el
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        same = [c for c in parent if c.tag == node.tag] if parent is not None else [node]
        parts.append(name if len(same) == 1 else f"{name}[{same.index(node) + 1}]")
        node = parent
    return "/".join(reversed(parts))


def _leaves(root: etree._Element) -> dict[str, str]:
    """Every attribute and text of the document by its path of local names (repeated siblings indexed)."""
    out: dict[str, str] = {}
    for el in root.iter(etree.Element):
        path = _path(el)
        for name, value in el.attrib.items():
            out[f"{path}/@{name!s}"] = str(value)
        if len(el) == 0:
            out[path] = el.text or ""
    return out


def _nfce() -> tuple[etree._Element, Emitente]:
    emitente = _emitente("emitente-sn")
    return _build("nfce-venda", emitente), emitente


def test_to_offline_changes_exactly_tpemis_dhcont_xjust_chave_cdv_id_and_hashcsrt() -> None:
    original, emitente = _nfce()
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    before, after = _leaves(original), _leaves(off)
    changed = {k for k in before.keys() & after.keys() if before[k] != after[k]}
    assert changed == {"NFe/infNFe/@Id", "NFe/infNFe/ide/tpEmis", "NFe/infNFe/ide/cDV",
                       "NFe/infNFe/infRespTec/hashCSRT"}
    assert after.keys() - before.keys() == {"NFe/infNFe/ide/dhCont", "NFe/infNFe/ide/xJust"}
    assert before.keys() - after.keys() == {"NFe/infNFeSupl/qrCode", "NFe/infNFeSupl/urlChave"}  # on-line QR
    ide_tags = [etree.QName(el).localname for el in off[0][0]]
    assert ide_tags[ide_tags.index("verProc"):] == ["verProc", "dhCont", "xJust"]  # schema order
    ide = off.find(f"{N}infNFe/{N}ide")
    assert ide is not None
    assert ide.findtext(N + "tpEmis") == "9"
    assert ide.findtext(N + "dhCont") == "2026-12-04T12:00:07-03:00"  # São Paulo time, from states
    assert ide.findtext(N + "xJust") == XJUST
    assert original.find(f"{N}infNFe/{N}ide/{N}dhCont") is None  # the input is not modified


def test_new_chave_has_tpemis_9_same_cnf_and_a_valid_dv() -> None:
    original, emitente = _nfce()
    old = parse_chave(original[0].get("Id", "")[3:])
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    chave = off[0].get("Id", "")[3:]
    new = parse_chave(chave)
    assert new.tpEmis == "9" and new.cNF == old.cNF and new.nNF == old.nNF and new.serie == old.serie
    assert new.cDV == dv_chave(chave[:43]) == off.findtext(f"{N}infNFe/{N}ide/{N}cDV")
    assert check_chave(chave) == []
    hash_el = off.findtext(f"{N}infNFe/{N}infRespTec/{N}hashCSRT")
    assert hash_el == hash_csrt(_csrt(emitente) or "", chave)


def test_a_transmitted_number_is_never_reused_in_contingency() -> None:
    original, emitente = _nfce()
    with pytest.raises(InputError) as exc:
        to_offline(original, now=LATER, xjust=XJUST, transmitida=True, csrt=_csrt(emitente))
    assert exc.value.code == "CONTINGENCIA_NUMERO" and "Ajuste SINIEF 19/16" in exc.value.mensagem
    with pytest.raises(InputError):
        to_offline(original, now=LATER, xjust=XJUST, transmitida=True, nnf=1042, csrt=_csrt(emitente))
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=True, nnf=1043, csrt=_csrt(emitente))
    chave = parse_chave(off[0].get("Id", "")[3:])
    assert off.findtext(f"{N}infNFe/{N}ide/{N}nNF") == "1043" and chave.nNF == "000001043"


def test_cnf_equal_to_the_new_number_is_redrawn() -> None:
    original, emitente = _nfce()
    cnf = original.findtext(f"{N}infNFe/{N}ide/{N}cNF") or ""
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=True, nnf=int(cnf), csrt=_csrt(emitente),
                     rng=random.Random(1))
    novo = off.findtext(f"{N}infNFe/{N}ide/{N}cNF")
    assert novo != cnf and novo == parse_chave(off[0].get("Id", "")[3:]).cNF


@pytest.mark.parametrize(("xjust", "problem"), [("curto", "15"), ("x" * 257, "256"), ("sem\x01controle de rede", "")])
def test_xjust_length_and_characters(xjust: str, problem: str) -> None:
    original, emitente = _nfce()
    with pytest.raises(InputError) as exc:
        to_offline(original, now=LATER, xjust=xjust, transmitida=False, csrt=_csrt(emitente))
    assert exc.value.code == "CONTINGENCIA_XJUST" and "xJust" in exc.value.mensagem and problem in exc.value.mensagem


def test_hashcsrt_needs_the_csrt_and_models_are_not_mixed() -> None:
    original, emitente = _nfce()
    with pytest.raises(InputError) as no_csrt:
        to_offline(original, now=LATER, xjust=XJUST, transmitida=False)
    assert no_csrt.value.code == "CONTINGENCIA_CSRT"
    with pytest.raises(InputError) as svc_nfce:
        to_svc(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    assert svc_nfce.value.code == "CONTINGENCIA_MODELO"
    nfe = _build("nfe-venda", _emitente("emitente-normal"))
    with pytest.raises(InputError) as off_nfe:
        to_offline(nfe, now=LATER, xjust=XJUST, transmitida=False)
    assert off_nfe.value.code == "CONTINGENCIA_MODELO"
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    with pytest.raises(InputError) as twice:
        to_offline(off, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    assert twice.value.code == "CONTINGENCIA_TPEMIS"


def test_dhcont_uses_the_emitter_state_time_zone() -> None:
    emitente = _emitente("emitente-sn", endereco=MANAUS)
    off = to_offline(_build("nfce-venda", emitente), now=LATER, xjust=XJUST, transmitida=False,
                     csrt=_csrt(emitente))
    assert off.findtext(f"{N}infNFe/{N}ide/{N}dhCont") == "2026-12-04T11:00:07-04:00"


def _signed_offline(original: etree._Element | bytes, emitente: Emitente) -> bytes:
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=True, nnf=1043, csrt=_csrt(emitente))
    return sign_document(off, _a1())


@pytest.mark.parametrize("versao", [2, 3])
def test_signed_offline_nfce_with_its_qrcode_is_valid_and_the_signature_verifies(versao: int) -> None:
    original, emitente = _nfce()
    assert emitente.csc is not None
    signed = _signed_offline(original, emitente)
    final = finalize_offline(signed, versao=versao, id_csc=emitente.csc.id, csc=emitente.csc.token,  # type: ignore[arg-type]
                             signer=_a1())
    doc = parse_xml(final)
    report = validate_document(doc, now=LATER)
    assert report.valid, [f.mensagem for f in report.findings]
    assert report.signed and verify_signature(doc).valid
    # infNFe is byte-identical to the signed one: only the sibling infNFeSupl was inserted
    assert etree.tostring(parse_xml(signed)[0]) == etree.tostring(doc[0])
    assert [etree.QName(c).localname for c in doc] == ["infNFe", "infNFeSupl", "Signature"]
    qr = doc.findtext(f"{N}infNFeSupl/{N}qrCode") or ""
    urls = states.qrcode_urls("SP", 2)
    assert qr.startswith(urls.qrcode + "?p=" + doc[0].get("Id", "")[3:] + f"|{versao}|2|04|237.80|")
    assert doc.findtext(f"{N}infNFeSupl/{N}urlChave") == urls.url_chave
    if versao == 2:
        digest = doc.findtext(f"{DS}Signature/{DS}SignedInfo/{DS}Reference/{DS}DigestValue") or ""
        assert qr.split("|")[5] == digest.encode("ascii").hex()
    else:
        partes = qr.split("?p=")[1].split("|")
        assert partes[5:7] == ["2", "52998224725"]  # the customer's CPF
        _public_key().verify(base64.b64decode(partes[7]), "|".join(partes[:7]).encode(),
                                              padding.PKCS1v15(), hashes.SHA1())


def test_signed_input_is_accepted_and_its_signature_dropped() -> None:
    original, emitente = _nfce()
    signed_online = parse_xml(sign_document(original, _a1()))
    off = to_offline(signed_online, now=LATER, xjust=XJUST, transmitida=True, nnf=1043, csrt=_csrt(emitente))
    assert off.find(DS + "Signature") is None and off.find(N + "infNFeSupl") is None
    same = to_offline(sign_document(original, _a1()), now=LATER, xjust=XJUST, transmitida=True, nnf=1043,
                      csrt=_csrt(emitente))
    assert etree.tostring(same) == etree.tostring(off)


def test_finalize_requires_a_signed_offline_nfce() -> None:
    original, emitente = _nfce()
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    with pytest.raises(InputError) as unsigned:
        finalize_offline(off, versao=3, signer=_a1())
    assert unsigned.value.code == "CONTINGENCIA_SEM_ASSINATURA"
    with pytest.raises(InputError) as online:
        finalize_offline(sign_document(original, _a1()), versao=3, signer=_a1())
    assert online.value.code == "CONTINGENCIA_TPEMIS"


@pytest.mark.parametrize(("endereco", "uf", "tp_emis", "offset"), [(None, "SP", "6", "-03:00"),
                                                                   (CURITIBA, "PR", "7", "-03:00"),
                                                                   (MANAUS, "AM", "7", "-04:00")])
def test_svc_nfe_for_each_contingency_authorizer(endereco: Endereco | None, uf: str, tp_emis: str,
                                                  offset: str) -> None:
    emitente = _emitente("emitente-normal", **({"endereco": endereco} if endereco else {}))
    original = _build("nfe-venda", emitente)
    assert states.uf(uf).nfe_contingencia == {"6": "SVC-AN", "7": "SVC-RS"}[tp_emis]
    svc = to_svc(original, now=LATER, xjust="SEFAZ autorizadora fora do ar (status 108)", transmitida=False,
                 csrt=_csrt(emitente))
    chave = svc[0].get("Id", "")[3:]
    assert chave[34] == tp_emis == svc.findtext(f"{N}infNFe/{N}ide/{N}tpEmis")
    assert (svc.findtext(f"{N}infNFe/{N}ide/{N}dhCont") or "").endswith(offset)
    assert svc.find(N + "infNFeSupl") is None
    doc = parse_xml(sign_document(svc, _a1()))
    report = validate_document(doc, now=LATER)
    assert report.valid, [f.mensagem for f in report.findings]
    assert verify_signature(doc).valid


def _codes(nfe: etree._Element, now: datetime | None = None) -> set[tuple[str, str | None]]:
    return {(f.code, f.cstat) for f in contingency_findings(nfe, now=now)}


def test_contingency_findings_accept_what_the_transforms_make() -> None:
    original, emitente = _nfce()
    assert contingency_findings(original) == []
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    assert contingency_findings(off, now=LATER) == []
    nfe_emitente = _emitente("emitente-normal")
    svc = to_svc(_build("nfe-venda", nfe_emitente), now=LATER, xjust=XJUST, transmitida=False,
                 csrt=_csrt(nfe_emitente))
    assert contingency_findings(svc, now=LATER) == []


def test_contingency_findings_name_the_sefaz_rejections() -> None:
    original, emitente = _nfce()
    off = to_offline(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    assert _codes(off, now=NOW) == {("CONTINGENCIA_DHCONT_FUTURA", "558")}  # entered after "reception"
    ide = off.find(f"{N}infNFe/{N}ide")
    assert ide is not None
    tp = ide.find(N + "tpEmis")
    assert tp is not None
    tp.text = "1"
    assert _codes(off) == {("CONTINGENCIA_EM_EMISSAO_NORMAL", "556")}
    tp.text = "6"
    assert _codes(off) == {("CONTINGENCIA_SVC_NFCE", "783")}
    for name in ("dhCont", "xJust"):
        el = ide.find(N + name)
        assert el is not None
        ide.remove(el)
    tp.text = "9"
    assert _codes(off) == {("CONTINGENCIA_SEM_JUSTIFICATIVA", "557")}
    nfe_emitente = _emitente("emitente-normal")
    svc = to_svc(_build("nfe-venda", nfe_emitente), now=LATER, xjust=XJUST, transmitida=False,
                 csrt=_csrt(nfe_emitente))
    svc_tp = svc.find(f"{N}infNFe/{N}ide/{N}tpEmis")
    assert svc_tp is not None
    svc_tp.text = "7"  # SP is served by SVC-AN (6)
    assert _codes(svc) == {("CONTINGENCIA_SVC_UF", "713")}
    svc_tp.text = "9"
    assert _codes(svc) == {("CONTINGENCIA_OFFLINE_NFE", "711")}
