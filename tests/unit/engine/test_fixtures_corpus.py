"""The NF-e / NFC-e fixture corpus (tests/fixtures/nfe) is schema-valid, varied and self-consistent.

Checked with lxml and the official XSDs directly, not through engine/: the corpus is the yardstick
the engine is measured against. The consistency checks of made/ documents re-derive what SEFAZ
verifies (chave DV, CNPJ/CPF digits, item and document totals, payments, NFC-e restrictions) with
code written apart from make_fixtures.py.
"""

from __future__ import annotations

import ast
import base64
import functools
import hashlib
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from engine.xml import c14n
from schemas import XSD_DIR

NS = "http://www.portalfiscal.inf.br/nfe"
N = {"n": NS}
CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "nfe"
ALL_DOCS = sorted(CORPUS.glob("*/*.xml"))
MADE_DOCS = sorted((CORPUS / "made").glob("*.xml"))


@functools.cache
def _schema(root_name: str) -> etree.XMLSchema:
    rel = "nfe_v4.00/procNFe_v4.00.xsd" if root_name == "nfeProc" else "nfe_v4.00/nfe_v4.00.xsd"
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(XSD_DIR / rel), parser))


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)
    return etree.parse(str(path), parser).getroot()


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_corpus_has_at_least_25_documents_of_both_models() -> None:
    models = [_parse(p).findtext(".//n:ide/n:mod", namespaces=N) for p in ALL_DOCS]
    assert len(ALL_DOCS) >= 25
    assert models.count("55") >= 5
    assert models.count("65") >= 5


def test_every_document_is_listed_in_sources_md() -> None:
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    missing = [_id(p) for p in ALL_DOCS if _id(p) not in sources]
    assert missing == []


@pytest.mark.parametrize("path", ALL_DOCS, ids=_id)
def test_document_is_schema_valid_under_pl_010f(path: Path) -> None:
    root = _parse(path)
    kind = etree.QName(root).localname
    assert kind in ("NFe", "nfeProc")
    schema = _schema(kind)
    schema.validate(root)
    errors = [e.message for e in schema.error_log]
    signed = root.find(".//{http://www.w3.org/2000/09/xmldsig#}Signature") is not None
    if signed:
        assert errors == []
    else:
        # An unsigned document may only miss its ds:Signature (validated "as it will be once signed").
        assert len(errors) == 1 and "Signature" in errors[0], errors


# --- consistency of the hand-made documents (what SEFAZ checks beyond the schema) ------------------


def _dv_mod11(body: str) -> int:
    # Chave de acesso / CNPJ DV: weights 2..9 from the right; char value = ASCII - 48 (NT 2025.001).
    weights = [2 + i % 8 for i in range(len(body))]
    total = sum((ord(c) - 48) * w for c, w in zip(reversed(body), weights, strict=True))
    return 0 if total % 11 < 2 else 11 - total % 11


def _cnpj_ok(value: str) -> bool:
    return _dv_mod11(value[:12]) == int(value[12]) and _dv_mod11(value[:13]) == int(value[13])


def _cpf_ok(value: str) -> bool:
    nums = [int(c) for c in value]
    d1 = sum(n * w for n, w in zip(nums[:9], range(10, 1, -1), strict=True)) * 10 % 11 % 10
    d2 = sum(n * w for n, w in zip(nums[:10], range(11, 1, -1), strict=True)) * 10 % 11 % 10
    return nums[9] == d1 and nums[10] == d2


def _d(node: etree._Element, path: str) -> Decimal:
    text = node.findtext(path, namespaces=N)
    return Decimal(text) if text is not None else Decimal("0")


def _sum(nodes: list[etree._Element], path: str) -> Decimal:
    return sum((_d(n, path) for n in nodes), Decimal("0"))


@pytest.mark.parametrize("path", MADE_DOCS, ids=_id)
def test_made_document_chave_matches_ide_and_emit(path: Path) -> None:
    inf = _parse(path).find("n:infNFe", N)
    assert inf is not None
    chave = inf.get("Id", "")[3:]
    ide = inf.find("n:ide", N)
    assert ide is not None
    g = functools.partial(ide.findtext, namespaces=N)
    assert len(chave) == 44
    assert int(chave[43]) == _dv_mod11(chave[:43]) == int(g("n:cDV") or "x")
    assert chave[:2] == g("n:cUF")
    dh = g("n:dhEmi") or ""
    assert chave[2:6] == dh[2:4] + dh[5:7]
    assert chave[6:20] == inf.findtext("n:emit/n:CNPJ", namespaces=N)
    assert chave[20:22] == g("n:mod")
    assert chave[22:25] == (g("n:serie") or "").zfill(3)
    assert chave[25:34] == (g("n:nNF") or "").zfill(9)
    assert chave[34] == g("n:tpEmis")
    assert chave[35:43] == g("n:cNF") != (g("n:nNF") or "").zfill(8)
    assert (g("n:cMunFG") or "")[:2] == g("n:cUF")
    assert dh.startswith("2026-")


@pytest.mark.parametrize("path", MADE_DOCS, ids=_id)
def test_made_document_cnpj_and_cpf_check_digits_are_valid(path: Path) -> None:
    root = _parse(path)
    cnpjs = [e.text or "" for e in root.iter(f"{{{NS}}}CNPJ")]
    cpfs = [e.text or "" for e in root.iter(f"{{{NS}}}CPF")]
    assert cnpjs
    assert [c for c in cnpjs if not _cnpj_ok(c)] == []
    assert [c for c in cpfs if not _cpf_ok(c)] == []


@pytest.mark.parametrize("path", MADE_DOCS, ids=_id)
def test_made_document_totals_follow_the_items_and_the_vnf_formula(path: Path) -> None:
    inf = _parse(path).find("n:infNFe", N)
    assert inf is not None
    dets = inf.findall("n:det", N)
    goods = [d for d in dets if d.find("n:imposto/n:ISSQN", N) is None]
    for det in dets:
        prod = det.find("n:prod", N)
        assert prod is not None
        expected = (_d(prod, "n:qCom") * _d(prod, "n:vUnCom")).quantize(Decimal("0.01"))
        assert _d(prod, "n:vProd") == expected, det.get("nItem")
    tot = inf.find("n:total/n:ICMSTot", N)
    assert tot is not None
    icms = [g for d in dets for g in d.findall("n:imposto/n:ICMS/*", N)]
    sums = {
        "vProd": _sum(goods, "n:prod/n:vProd"),
        "vDesc": _sum(dets, "n:prod/n:vDesc"),
        "vFrete": _sum(dets, "n:prod/n:vFrete"),
        "vSeg": _sum(dets, "n:prod/n:vSeg"),
        "vOutro": _sum(dets, "n:prod/n:vOutro"),
        "vBC": _sum(icms, "n:vBC"),
        "vICMS": _sum(icms, "n:vICMS"),
        "vICMSDeson": _sum(icms, "n:vICMSDeson"),
        "vFCP": _sum(icms, "n:vFCP"),
        "vBCST": _sum(icms, "n:vBCST"),
        "vST": _sum(icms, "n:vICMSST"),
        "vFCPST": _sum(icms, "n:vFCPST"),
        "vFCPSTRet": _sum(icms, "n:vFCPSTRet"),
        "vII": _sum(dets, "n:imposto/n:II/n:vII"),
        "vIPI": _sum(dets, "n:imposto/n:IPI/n:IPITrib/n:vIPI"),
        "vIPIDevol": _sum(dets, "n:impostoDevol/n:IPI/n:vIPIDevol"),
        "vPIS": _sum(goods, "n:imposto/n:PIS/*/n:vPIS"),
        "vCOFINS": _sum(goods, "n:imposto/n:COFINS/*/n:vCOFINS"),
    }
    if tot.find("n:qBCMono", N) is not None:
        sums |= {
            "qBCMono": _sum(icms, "n:qBCMono"),
            "vICMSMono": _sum(icms, "n:vICMSMono"),
            "qBCMonoReten": _sum(icms, "n:qBCMonoReten"),
            "vICMSMonoReten": _sum(icms, "n:vICMSMonoReten"),
            "qBCMonoRet": _sum(icms, "n:qBCMonoRet"),
            "vICMSMonoRet": _sum(icms, "n:vICMSMonoRet"),
        }
    if tot.find("n:vICMSUFDest", N) is not None:
        difal = [g for d in dets for g in d.findall("n:imposto/n:ICMSUFDest", N)]
        sums |= {k: _sum(difal, f"n:{k}") for k in ("vFCPUFDest", "vICMSUFDest", "vICMSUFRemet")}
    if tot.find("n:vTotTrib", N) is not None:
        sums["vTotTrib"] = _sum(dets, "n:imposto/n:vTotTrib")  # cStat 685
    assert {k: _d(tot, f"n:{k}") for k in sums} == sums
    deduz = sum(
        (_d(g, "n:vICMSDeson") for g in icms if g.findtext("n:indDeduzDeson", namespaces=N) == "1"), Decimal("0")
    )
    vserv = _d(inf, "n:total/n:ISSQNtot/n:vServ")
    # MOC W16 (+ vICMSMonoReten, NT 2023.001; + vServ of the NF-e conjugada).
    vnf = (
        sums["vProd"]
        - sums["vDesc"]
        - deduz
        + sums["vST"]
        + sums["vFCPST"]
        + _d(tot, "n:vICMSMonoReten")
        + sums["vFrete"]
        + sums["vSeg"]
        + sums["vOutro"]
        + sums["vII"]
        + sums["vIPI"]
        + sums["vIPIDevol"]
        + vserv
    )
    assert _d(tot, "n:vNF") == vnf
    ibscbs = inf.find("n:total/n:IBSCBSTot", N)
    if ibscbs is not None:
        groups = [g for d in dets for g in d.findall("n:imposto/n:IBSCBS/n:gIBSCBS", N)]
        assert _d(ibscbs, "n:vBCIBSCBS") == _sum(groups, "n:vBC")
        assert _d(ibscbs, "n:gIBS/n:gIBSUF/n:vIBSUF") == _sum(groups, "n:gIBSUF/n:vIBSUF")
        assert _d(ibscbs, "n:gIBS/n:gIBSMun/n:vIBSMun") == _sum(groups, "n:gIBSMun/n:vIBSMun")
        assert _d(ibscbs, "n:gIBS/n:vIBS") == _sum(groups, "n:vIBS")
        assert _d(ibscbs, "n:gCBS/n:vCBS") == _sum(groups, "n:gCBS/n:vCBS")
        # NT 2025.002: vNFTot = vNF + vIS; IBS and CBS are not added during 2026.
        assert _d(inf, "n:total/n:vNFTot") == vnf + _d(inf, "n:total/n:ISTot/n:vIS")
        vitems = [d for d in dets if d.find("n:vItem", N) is not None]
        if vitems:
            assert len(vitems) == len(dets)
            assert _sum(dets, "n:vItem") == _d(inf, "n:total/n:vNFTot")


@pytest.mark.parametrize("path", MADE_DOCS, ids=_id)
def test_made_document_payments_cover_vnf_with_change(path: Path) -> None:
    inf = _parse(path).find("n:infNFe", N)
    assert inf is not None
    vnf = _d(inf, "n:total/n:ICMSTot/n:vNF")
    details = inf.findall("n:pag/n:detPag", N)
    if any(d.findtext("n:tPag", namespaces=N) == "90" for d in details):
        assert _sum(details, "n:vPag") == 0
        return
    paid = _sum(details, "n:vPag")
    assert paid >= vnf
    assert _d(inf, "n:pag/n:vTroco") == paid - vnf


@pytest.mark.parametrize("path", [p for p in MADE_DOCS if p.name.startswith("nfce65")], ids=_id)
def test_made_nfce_respects_model_65_restrictions(path: Path) -> None:
    root = _parse(path)
    ide = root.find("n:infNFe/n:ide", N)
    assert ide is not None
    g = functools.partial(ide.findtext, namespaces=N)
    assert (g("n:mod"), g("n:idDest"), g("n:indFinal")) == ("65", "1", "1")
    assert g("n:indPres") in ("1", "4")
    assert g("n:tpImp") in ("4", "5")
    assert root.find("n:infNFe/n:dest/n:IE", N) is None
    assert root.findtext("n:infNFeSupl/n:qrCode", namespaces=N)
    if g("n:tpEmis") != "1":
        assert g("n:dhCont") and g("n:xJust")


# Real documents whose ds:Signature DigestValue still matches their infNFe. The nfelib samples were
# anonymized and pretty-printed by their redistributor, so none does today (SOURCES.md); a signature
# checker must report them, and this pins the fact so the corpus and SOURCES.md cannot drift.
REAL_WITH_INTACT_DIGEST: set[str] = set()


def test_real_documents_signature_digest_status_is_as_documented() -> None:
    intact = set()
    for path in sorted((CORPUS / "real").glob("*.xml")):
        root = _parse(path)
        inf = root.find(".//n:infNFe", N)
        assert inf is not None
        digest = hashlib.sha1(etree.tostring(inf, method="c14n")).digest()  # XMLDSig of NF-e 4.00 uses SHA-1
        expected = root.findtext(".//{http://www.w3.org/2000/09/xmldsig#}DigestValue")
        if base64.b64encode(digest).decode() == expected:
            intact.add(path.name)
    assert intact == REAL_WITH_INTACT_DIGEST


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_fixtures", CORPUS / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve the module's string annotations through sys.modules while it loads.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_generator_imports_nothing_from_the_project() -> None:
    # The corpus must stay independent of the code it measures.
    tree = ast.parse((CORPUS / "make_fixtures.py").read_text(encoding="utf-8"))
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    stdlib = {"__future__", "base64", "copy", "hashlib", "collections", "dataclasses", "decimal", "pathlib"}
    assert imported <= stdlib | {"lxml"}


def test_committed_made_documents_are_exactly_what_the_generator_writes() -> None:
    generator = _load_generator()
    expected = {doc.name: generator.build(doc) for doc in generator.DOCS}
    assert sorted(expected) == [p.name for p in MADE_DOCS]
    stale = [name for name, data in expected.items() if (CORPUS / "made" / name).read_bytes() != data]
    assert stale == [], "run tests/fixtures/nfe/make_fixtures.py and commit its output"


MADE_CSC = "0123456789ABCDEF0123456789ABCDEF"  # the made-up CSC documented in SOURCES.md


@pytest.mark.parametrize("path", [p for p in MADE_DOCS if p.name.startswith("nfce65")], ids=_id)
def test_made_nfce_qrcode_matches_its_document(path: Path) -> None:
    root = _parse(path)
    inf = root.find("n:infNFe", N)
    assert inf is not None
    chave = inf.get("Id", "")[3:]
    params = (root.findtext("n:infNFeSupl/n:qrCode", namespaces=N) or "").split("?p=", 1)[1].split("|")
    assert params[0] == chave
    assert params[2] == inf.findtext("n:ide/n:tpAmb", namespaces=N)
    if params[1] == "3":
        assert len(params) == 3  # online v3: chave|3|tpAmb
        return
    assert params[1] == "2"
    body, given_hash = "|".join(params[:-1]), params[-1]
    assert hashlib.sha1((body + MADE_CSC).encode()).hexdigest().upper() == given_hash  # NFC-e QR v2 hash
    if inf.findtext("n:ide/n:tpEmis", namespaces=N) == "9":
        day, vnf, dig_hex = params[3], params[4], params[5]
        assert day == (inf.findtext("n:ide/n:dhEmi", namespaces=N) or "")[8:10]
        assert vnf == inf.findtext("n:total/n:ICMSTot/n:vNF", namespaces=N)
        # The DigestValue the signature will carry: SHA-1 of the C14N of infNFe in its document.
        digest = base64.b64encode(hashlib.sha1(c14n(inf)).digest())
        assert bytes.fromhex(dig_hex) == digest
