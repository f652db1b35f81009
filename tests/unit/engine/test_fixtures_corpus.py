"""The NF-e / NFC-e fixture corpus (tests/fixtures/nfe) is schema-valid, varied and self-consistent.

Checked with lxml and the official XSDs directly, not through engine/: the corpus is the yardstick
the engine is measured against. The consistency checks of made/ documents re-derive what SEFAZ
verifies (chave DV, CNPJ/CPF digits, item and document totals, payments, NFC-e restrictions) with
code written apart from make_fixtures.py.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

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
