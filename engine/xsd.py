"""Schema registry over schemas/xsd: picks the official XSD for a document by its root element
(and, for events, by tpEvento), compiles each schema once per process, and validates.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from lxml import etree

from engine.errors import Finding, SchemaError
from schemas import XSD_DIR

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"

_NFE_PKG = "nfe_v4.00"
_ROOTS: dict[str, str] = {
    "NFe": f"{_NFE_PKG}/nfe_v4.00.xsd",
    "nfeProc": f"{_NFE_PKG}/procNFe_v4.00.xsd",
    "enviNFe": f"{_NFE_PKG}/enviNFe_v4.00.xsd",
    "retEnviNFe": f"{_NFE_PKG}/retEnviNFe_v4.00.xsd",
    "consReciNFe": f"{_NFE_PKG}/consReciNFe_v4.00.xsd",
    "retConsReciNFe": f"{_NFE_PKG}/retConsReciNFe_v4.00.xsd",
    "consSitNFe": f"{_NFE_PKG}/consSitNFe_v4.00.xsd",
    "retConsSitNFe": f"{_NFE_PKG}/retConsSitNFe_v4.00.xsd",
    "consStatServ": f"{_NFE_PKG}/consStatServ_v4.00.xsd",
    "retConsStatServ": f"{_NFE_PKG}/retConsStatServ_v4.00.xsd",
    "inutNFe": f"{_NFE_PKG}/inutNFe_v4.00.xsd",
    "retInutNFe": f"{_NFE_PKG}/retInutNFe_v4.00.xsd",
    "ProcInutNFe": f"{_NFE_PKG}/procInutNFe_v4.00.xsd",  # the root is capitalised in the official XSD
    "retEnvEvento": "evento_generico_v1.00/retEnvEvento_v1.00.xsd",
    # Consulta cadastro (PL_ConsCad_v2.00): the request root is "ConsCad", capital C, as the XSD declares.
    "ConsCad": "conscad_v2.00/consCad_v2.00.xsd",
    "retConsCad": "conscad_v2.00/retConsCad_v2.00.xsd",
}

# Events: the generic schema accepts any detEvento; the specific ones check it (tpEvento -> files).
# 110112 (cancelamento por substituição, NFC-e) has no entry: its official package could not be
# obtained byte for byte (schemas/xsd/README.md), so it validates against the generic envelope.
_EVENT_SCHEMAS: dict[str, dict[str, str]] = {
    "110111": {
        "envEvento": "evento_cancel_v1.00/envEventoCancNFe_v1.00.xsd",
        "evento": "evento_cancel_v1.00/eventoCancNFe_v1.00.xsd",
        "procEventoNFe": "evento_cancel_v1.00/procEventoCancNFe_v1.00.xsd",
    },
    "110110": {
        "envEvento": "evento_cce_v1.00/envCCe_v1.00.xsd",
        "evento": "evento_cce_v1.00/CCe_v1.00.xsd",
        "procEventoNFe": "evento_cce_v1.00/procCCeNFe_v1.00.xsd",
    },
    "110140": {
        "envEvento": "evento_epec_v1.00/envEPEC_v1.00.xsd",
        "evento": "evento_epec_v1.00/EPEC_v1.00.xsd",
        "procEventoNFe": "evento_epec_v1.00/procEPEC_v1.00.xsd",
    },
}
# Events whose detEvento differs by the document's model (the chave's positions 21-22): the EPEC of the
# NFC-e (model 65, received by SEFAZ-SP) has dest optional and vNF/vICMS outside dest, no vST. Its schema
# package is OURS, written from the NT (schemas/xsd/README.md, "Ours, not official").
_EVENT_SCHEMAS_BY_MODEL: dict[tuple[str, str], dict[str, str]] = {
    ("110140", "65"): {
        "envEvento": "evento_epec_nfce_v1.00/envEPECNFCe_v1.00.xsd",
        "evento": "evento_epec_nfce_v1.00/EPECNFCe_v1.00.xsd",
        "procEventoNFe": "evento_epec_nfce_v1.00/procEPECNFCe_v1.00.xsd",
    },
}
_EVENT_GENERIC: dict[str, str] = {
    "envEvento": "evento_generico_v1.00/envEvento_v1.00.xsd",
    "procEventoNFe": "evento_generico_v1.00/procEventoNFe_v1.00.xsd",
}


@dataclass(frozen=True, slots=True)
class SchemaChoice:
    kind: str  # root element local name
    relpath: str  # path below schemas/xsd

    @property
    def path(self) -> Path:
        return XSD_DIR / self.relpath


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _tp_evento(root: etree._Element) -> str | None:
    found = root.find(f".//{{{NFE_NS}}}infEvento/{{{NFE_NS}}}tpEvento")
    return found.text.strip() if found is not None and found.text else None


def _modelo_evento(root: etree._Element) -> str | None:
    """The model of the document an event is about: positions 21-22 of its infEvento/chNFe."""
    found = root.find(f".//{{{NFE_NS}}}infEvento/{{{NFE_NS}}}chNFe")
    chave = found.text.strip() if found is not None and found.text else ""
    return chave[20:22] if len(chave) == 44 else None


def choose_schema(root: etree._Element) -> SchemaChoice:
    """The official schema for ``root``; raises SchemaError for an unknown document."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if not tag.startswith("{" + NFE_NS + "}"):
        raise SchemaError(f"elemento raiz '{_local(tag)}' não pertence ao namespace da NF-e ({NFE_NS})")
    kind = _local(tag)
    if kind in _ROOTS:
        return SchemaChoice(kind, _ROOTS[kind])
    if kind in ("envEvento", "evento", "procEventoNFe"):
        tp = _tp_evento(root)
        specific = _EVENT_SCHEMAS_BY_MODEL.get((tp or "", _modelo_evento(root) or ""))
        if specific is None:
            specific = _EVENT_SCHEMAS.get(tp or "", {})
        if kind in specific:
            return SchemaChoice(kind, specific[kind])
        if kind in _EVENT_GENERIC:
            return SchemaChoice(kind, _EVENT_GENERIC[kind])
    raise SchemaError(f"documento '{kind}' não tem schema conhecido")


@functools.lru_cache(maxsize=64)
def compiled(relpath: str) -> etree.XMLSchema:
    """Compile ``schemas/xsd/relpath`` once per process (includes resolve from disk, no network)."""
    path = XSD_DIR / relpath
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    try:
        doc = etree.parse(str(path), parser)
        return etree.XMLSchema(doc)
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        raise SchemaError(f"schema {relpath} não pôde ser compilado: {exc}") from exc


@functools.lru_cache(maxsize=16)
def compiled_type(relpath: str, element: str, type_name: str) -> etree.XMLSchema:
    """A schema whose one global element ``element`` has the official type ``type_name`` of
    ``schemas/xsd/relpath`` (NF-e namespace), compiled once per process.

    The official packages declare some documents only as parts of larger ones (``protNFe`` is a
    ``TProtNFe`` inside ``retEnviNFe``, ``retConsSitNFe`` and ``nfeProc``; there is no global
    ``protNFe`` element). This wrapper includes the official file unchanged and declares the element,
    so a fragment received from SEFAZ is validated against exactly the official type without
    re-validating the document it will be joined to.
    """
    path = XSD_DIR / relpath
    xs = "http://www.w3.org/2001/XMLSchema"
    wrapper = etree.Element(
        f"{{{xs}}}schema",
        {"targetNamespace": NFE_NS, "elementFormDefault": "qualified", "attributeFormDefault": "unqualified"},
        nsmap={None: NFE_NS, "xs": xs},  # type: ignore[dict-item]
    )
    etree.SubElement(wrapper, f"{{{xs}}}include", schemaLocation=path.name)
    etree.SubElement(wrapper, f"{{{xs}}}element", name=element, type=type_name)
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    try:
        # base_url: a name of its own next to the official file, so the include resolves from disk.
        base = (path.parent / f"{element}-{type_name}.wrapper.xsd").as_uri()
        doc = etree.fromstring(etree.tostring(wrapper), parser, base_url=base)
        return etree.XMLSchema(doc)
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        raise SchemaError(f"tipo {type_name} de {relpath} não pôde ser compilado: {exc}") from exc


def _findings(schema: etree.XMLSchema, root: etree._Element) -> list[Finding]:
    if schema.validate(root):
        return []
    findings: list[Finding] = []
    # lxml-stubs do not declare _ErrorLog iterable, though it is.
    for err in cast(Iterable[etree._LogEntry], schema.error_log):
        findings.append(
            Finding(
                code="XSD",
                mensagem=f"schema: {err.message}",
                xpath=err.path or "",
                cstat="225",
                line=err.line or None,
            )
        )
    return findings


def schema_findings(root: etree._Element, relpath: str | None = None) -> list[Finding]:
    """Validate ``root`` against its official schema; each libxml2 error becomes a Finding.

    cStat 225 (Falha no Schema XML) is the rejection a schema error avoids.
    """
    return _findings(compiled(relpath or choose_schema(root).relpath), root)


def fragment_findings(root: etree._Element, relpath: str, type_name: str) -> list[Finding]:
    """Validate ``root`` (e.g. a ``protNFe``) against the official type ``type_name`` of ``relpath``
    (e.g. ``nfe_v4.00/leiauteNFe_v4.00.xsd``, ``TProtNFe``); see ``compiled_type``."""
    return _findings(compiled_type(relpath, str(etree.QName(root).localname), type_name), root)


def all_schema_files() -> list[str]:
    """Every entry-point schema the registry can choose (for the offline compile test)."""
    files = set(_ROOTS.values()) | set(_EVENT_GENERIC.values())
    for per_kind in [*_EVENT_SCHEMAS.values(), *_EVENT_SCHEMAS_BY_MODEL.values()]:
        files |= set(per_kind.values())
    return sorted(files)
