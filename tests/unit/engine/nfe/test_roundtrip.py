"""parse -> render (and parse -> JSON -> model -> render) gives back the same document after C14N.

Inputs: every XML under tests/fixtures/nfe/ and the samples shipped with nfelib
(nfe/samples/v4_0/**). Nothing is skipped: the only documents exempted from the round trip are
the ones named in NOT_SCHEMA_VALID, and the test proves they are indeed invalid under PL_010f.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import nfelib
import pytest
from lxml import etree

from engine.nfe import xmlio
from engine.nfe.model import ROOTS, XmlModel
from engine.nfe.model.base import DECIMAL
from engine.xml.parser import c14n, parse_xml, parse_xml_file
from engine.xsd import schema_findings

NFE = "{http://www.portalfiscal.inf.br/nfe}"
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "nfe"
NFELIB_SAMPLES = Path(nfelib.__file__).resolve().parent / "nfe" / "samples" / "v4_0"

# nfelib samples that PL_010f rejects for more than a missing signature (unsigned documents, as
# built before signing, do round-trip). The test proves each one has such schema errors.
NOT_SCHEMA_VALID = {
    "nfelib:nfce_contingencia.xml": "qrCode 'QRCODE_PLACEHOLDER' (< 60 chars), dest without indIEDest",
    "nfelib:leiauteNFe/NFe35200159594315000157550010000000012062777161.xml": "Id without 'NFe', no xBairro",
}

# Schema-valid documents that write values of FIXED 2-place types (TDec_1302, TDec1302RTC) as
# integers ("3000" for 3000.00; the IBS/CBS illustration nfelib built by hand). The renderer always
# writes the schema's places (Decimal("3000") -> "3000.00"), so for these documents the source's
# fixed 2-place values are written canonically before comparing; every other byte must match.
NONCANONICAL_DECIMALS = {
    "nfelib:leiauteNFe/nfe_reforma_tributaria.xml",
    "fixtures:real/nfelib_nfe_reforma_tributaria.xml",
}


def _fixed_two_place_elements() -> frozenset[str]:
    """Element names whose type is a fixed 2-place TDec, from the generated model's metadata."""
    names: set[str] = set()
    seen: set[type] = set()
    todo: list[type[XmlModel]] = list(ROOTS.values())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for f in cls.__xml_fields__:
            if f.kind == DECIMAL and f.places == (2,):
                names.add(f.xml)
            if f.model is not None:
                todo.append(f.model)
    return frozenset(names)


def _documents() -> list[tuple[str, Path]]:
    docs = [(f"fixtures:{p.relative_to(FIXTURES).as_posix()}", p) for p in sorted(FIXTURES.rglob("*.xml"))]
    docs += [(f"nfelib:{p.relative_to(NFELIB_SAMPLES).as_posix()}", p) for p in sorted(NFELIB_SAMPLES.rglob("*.xml"))]
    return docs


DOCUMENTS = _documents()


def _canonical(el: etree._Element, fixed_decimals: frozenset[str] = frozenset()) -> bytes:
    """C14N of a copy of ``el``, without the source's pretty-printing whitespace between tags
    (and, for the documents of NONCANONICAL_DECIMALS, with fixed 2-place values written canonically).
    """
    copy = parse_xml(etree.tostring(el))
    for node in copy.iter():
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
        text = node.text
        if isinstance(node.tag, str) and node.tag.removeprefix(NFE) in fixed_decimals and text and text.isdigit():
            node.text = format(Decimal(text).quantize(Decimal("0.01")), "f")
    return c14n(copy)


def _document_part(root: etree._Element) -> etree._Element:
    """The signed part to compare: infNFe when present, otherwise the whole message."""
    inf = root if root.tag == f"{NFE}infNFe" else root.find(f".//{NFE}infNFe")
    return inf if inf is not None else root


def test_corpus_is_not_empty() -> None:
    assert len([d for d in DOCUMENTS if d[0].startswith("fixtures:")]) >= 25
    assert len(DOCUMENTS) >= 40


@pytest.mark.parametrize(("name", "path"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_parse_render_gives_the_same_document(name: str, path: Path) -> None:
    source = parse_xml_file(path)
    if name in NOT_SCHEMA_VALID:
        errors = [f for f in schema_findings(source) if "xmldsig#}Signature" not in f.mensagem]
        assert errors, f"{name} is listed as schema-invalid but validates"
        return
    fixed = _fixed_two_place_elements() if name in NONCANONICAL_DECIMALS else frozenset()
    model = xmlio.parse(source)
    rendered = xmlio.render(model)
    assert _canonical(_document_part(rendered)) == _canonical(_document_part(source), fixed)
    # The whole document too (protNFe, Signature bytes, attributes), not only infNFe.
    assert _canonical(rendered) == _canonical(source, fixed)


VALID_DOCUMENTS = [d for d in DOCUMENTS if d[0] not in NOT_SCHEMA_VALID]


@pytest.mark.parametrize(("name", "path"), VALID_DOCUMENTS, ids=[d[0] for d in VALID_DOCUMENTS])
def test_parse_json_model_render_gives_the_same_document(name: str, path: Path) -> None:
    source = parse_xml_file(path)
    model = xmlio.parse(source)
    again = xmlio.from_json(xmlio.to_json(model))
    assert again == model
    assert c14n(xmlio.render(again)) == c14n(xmlio.render(model))


def test_rendered_documents_have_no_whitespace_between_tags() -> None:
    # cStat 588: "Rejeição: Não é permitida a presença de caracteres de edição no início/fim da
    # mensagem ou entre as tags da mensagem".
    # The Signature is opaque signed bytes and keeps whatever the signer wrote; everything we
    # render is checked.
    for name, path in VALID_DOCUMENTS:
        rendered = xmlio.render(xmlio.parse(parse_xml_file(path)))
        for node in rendered.iter(f"{NFE}*"):
            assert node.tail is None, name
            assert node.text is None or len(node) == 0, name


@pytest.mark.parametrize(("name", "path"), VALID_DOCUMENTS, ids=[d[0] for d in VALID_DOCUMENTS])
def test_rendered_document_is_schema_valid(name: str, path: Path) -> None:
    # Unsigned documents (made/, as the builder emits them before signing) only lack ds:Signature.
    rendered = xmlio.render(xmlio.parse(parse_xml_file(path)))
    errors = [f.mensagem for f in schema_findings(rendered) if "xmldsig#}Signature" not in f.mensagem]
    assert errors == [], name


def _unsigned(path: Path) -> etree._Element:
    source = parse_xml_file(path)
    for sig in list(source.iter("{http://www.w3.org/2000/09/xmldsig#}Signature")):
        sig.getparent().remove(sig)  # type: ignore[union-attr]
    return source


@pytest.mark.parametrize(("name", "path"), VALID_DOCUMENTS, ids=[d[0] for d in VALID_DOCUMENTS])
def test_rendering_from_a_kept_skeleton_gives_the_bytes_of_rendering_element_by_element(
    name: str, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = xmlio.parse(_unsigned(path))
    plan = xmlio._plan(type(model))
    by_elements = xmlio._render_by_elements
    expected = etree.tostring(by_elements(f"{NFE}{type(model).__xml_name__}", model, plan))
    calls: list[str] = []

    def counted(*args: object) -> etree._Element:
        calls.append(name)
        return by_elements(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(xmlio, "_render_by_elements", counted)
    first = etree.tostring(xmlio.render(model))
    calls.clear()
    second = etree.tostring(xmlio.render(model))  # from the skeleton the first call kept
    assert first == expected and second == expected
    assert calls == [], "a document without RAW content is rendered from its skeleton the second time"


def test_skeletons_are_bounded_and_a_layout_beyond_the_bound_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    made = sorted((FIXTURES / "made").glob("nfce65_*.xml"))[:3]
    models = [xmlio.parse(_unsigned(p)) for p in made]
    expected = [etree.tostring(xmlio.render(m)) for m in models]
    skeletons = xmlio._plan(type(models[0])).skeletons
    kept = dict(skeletons)
    skeletons.clear()
    monkeypatch.setattr(xmlio, "_MAX_SKELETONS", 2)
    try:
        for _ in range(2):
            for m, want in zip(models, expected, strict=True):
                assert etree.tostring(xmlio.render(m)) == want
                assert len(skeletons) <= 2
    finally:
        skeletons.clear()
        skeletons.update(kept)


def test_a_skeleton_never_carries_values_of_the_document_it_came_from() -> None:
    model = xmlio.parse(_unsigned(sorted((FIXTURES / "made").glob("nfce65_*.xml"))[0]))
    xmlio.render(model)
    for skeleton in xmlio._plan(type(model)).skeletons.values():
        assert all(el.text is None and not el.attrib for el in skeleton.iter())
