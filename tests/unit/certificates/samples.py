"""Unsigned, schema-valid documents for the signature tests (built with lxml, never strings)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_NFELIB = Path(__import__("nfelib").__file__).parent
_SAMPLES = _NFELIB / "nfe" / "samples" / "v4_0"


def _strip_signatures(root: etree._Element) -> etree._Element:
    for sig in list(root.iter(f"{{{DS_NS}}}Signature")):
        parent = sig.getparent()
        assert parent is not None
        parent.remove(sig)
    return root


def _load(path: Path) -> etree._Element:
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    return _strip_signatures(etree.parse(str(path), parser).getroot())


def nfe() -> etree._Element:
    """An unsigned NFe (model 55) from the nfelib samples (taken out of its nfeProc)."""
    root = _load(_SAMPLES / "leiauteNFe" / "35180834128745000152550010000476051695511860-nfe.xml")
    el = root if etree.QName(root).localname == "NFe" else root.find(f"{{{NFE_NS}}}NFe")
    assert el is not None
    return etree.fromstring(etree.tostring(el))


def inut() -> etree._Element:
    return _load(_SAMPLES / "leiauteInutNFe" / "41080676472349000430550010000001041671821888-ped-inu.xml")


def evento_cce() -> etree._Element:
    root = _load(
        _NFELIB / "nfe_evento_cce" / "samples" / "v1_0" / "35180803102452000172550010000476051695511860-01-cce.xml"
    )
    return root
