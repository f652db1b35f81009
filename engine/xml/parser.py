"""The one hardened XML parser: every XML input of the project goes through ``parse_xml``.

Refused: any DOCTYPE (so no DTD, no entity declarations: XXE and billion laughs never reach
libxml2's entity machinery), external resources and network access, documents over a size limit,
and pathologically deep trees (libxml2's own limits, ``huge_tree`` off).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from lxml import etree

from certificates.c14n import c14n10
from engine.errors import XmlError, XmlSecurityError

MAX_XML_BYTES = 10 * 1024 * 1024
"""An NF-e with 990 items stays well under 10 MiB; SEFAZ itself limits a batch to 500 KB."""

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _make_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
        collect_ids=False,
    )


class _ThreadParser(threading.local):
    """The hardened parser of the current thread, created on its first use and reused.

    Creating an ``XMLParser`` and its libxml2 context for every document is work done while holding
    the GIL (the parse itself releases it): on the API's emission path it was a quarter of the
    GIL-held time of ``parse_xml``. lxml resets the context between documents and serialises the use
    of one parser object across threads, hence one per thread. Its options are fixed at creation (they
    are the hardening) and it keeps no document between calls: a cache, not state.
    """

    def __init__(self) -> None:
        self.parser = _make_parser()


_PARSER = _ThreadParser()


def parse_xml(data: bytes | str, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse ``data`` safely and return the root element.

    Raises ``XmlSecurityError`` for DTDs/entities and ``XmlError`` (with the line) for anything
    that is not well-formed XML or is too large.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise XmlError(f"XML com {len(data)} bytes excede o limite de {max_bytes} bytes", code="XML_GRANDE")
    if _DOCTYPE.search(data):
        raise XmlSecurityError("XML com DOCTYPE/ENTITY não é aceito (proteção contra XXE e expansão de entidades)")
    try:
        root = etree.fromstring(data, _PARSER.parser)
    except etree.XMLSyntaxError as exc:
        raise XmlError(f"XML mal formado: {exc.msg}", line=exc.lineno) from exc
    if root is None:
        raise XmlError("XML vazio")
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise XmlSecurityError("XML com DOCTYPE não é aceito")
    return root


def parse_xml_file(path: str | Path, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Read a file (size-checked before reading it whole) and parse it with ``parse_xml``."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise XmlError(f"arquivo com {size} bytes excede o limite de {max_bytes} bytes", code="XML_GRANDE")
        data = p.read_bytes()
    except OSError as exc:
        raise XmlError(f"não foi possível ler o arquivo: {exc.strerror}", code="ARQUIVO_ILEGIVEL") from exc
    return parse_xml(data, max_bytes=max_bytes)


def c14n(element: etree._Element, *, exclusive: bool = False, with_comments: bool = False) -> bytes:
    """Canonical XML 1.0 (REC-xml-c14n-20010315) of ``element``, as the NF-e signature uses.

    Inclusive C14N without comments goes through ``certificates.c14n.c14n10``, which works around
    libxml2 2.14's spurious ``xmlns=""`` on sub-element canonicalisation (see its docstring): one
    implementation for signing, verifying and comparing documents.
    """
    if not exclusive and not with_comments:
        return c14n10(element)
    return etree.tostring(element, method="c14n", exclusive=exclusive, with_comments=with_comments)
