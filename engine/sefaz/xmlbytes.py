"""Embedding signed bytes in a container built with lxml, without re-serialising them.

Once signed, a document is bytes (design.md, convention 6): an ``NFe`` goes into ``enviNFe``, the
message into the SOAP envelope and ``NFe`` + ``protNFe`` into ``nfeProc`` exactly as they are. The
container is built with lxml with a marker comment where each payload goes; the serialised container
is split at the markers and the payloads are joined in. Splitting the container first means a payload
that happens to contain a marker text cannot redirect anything.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence

from lxml import etree

from engine.errors import XmlError

_MARKER = "ortho-fiscal-slot"
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>\s*")


def slot(parent: etree._Element) -> None:
    """Mark the place of the next payload as the last child of ``parent``."""
    parent.append(etree.Comment(_MARKER))


def embed(container: etree._Element, payloads: Sequence[bytes], *, xml_declaration: bool = False) -> bytes:
    """Serialise ``container`` and put ``payloads`` (each one element, no declaration) at its slots in order."""
    return fill(split(container, len(payloads), xml_declaration=xml_declaration), payloads)


def split(container: etree._Element, slots: int, *, xml_declaration: bool = False) -> tuple[bytes, ...]:
    """``container`` serialised and cut at its ``slots`` slots: the parts ``fill`` joins the payloads into.
    A container that is the same for every document (``nfeProc``) is serialised and cut once."""
    serialised = etree.tostring(container, encoding="UTF-8", xml_declaration=xml_declaration)
    parts = serialised.split(b"<!--" + _MARKER.encode() + b"-->")
    if len(parts) != slots + 1:
        raise XmlError(f"contêiner com {len(parts) - 1} lugares para {slots} documentos")
    return tuple(parts)


def fill(parts: Sequence[bytes], payloads: Sequence[bytes]) -> bytes:
    """The container's ``parts`` (``split``) with ``payloads`` (without their declarations) between them."""
    if len(parts) != len(payloads) + 1:
        raise XmlError(f"contêiner com {len(parts) - 1} lugares para {len(payloads)} documentos")
    out = [parts[0]]
    for payload, rest in zip(payloads, parts[1:], strict=True):
        out.append(strip_declaration(payload))
        out.append(rest)
    return b"".join(out)


def strip_declaration(data: bytes) -> bytes:
    """The document without its XML declaration (and a UTF-8 BOM): the element's bytes are untouched."""
    if data[:1] == b"<" and data[1:2] != b"?":  # an element first (our own bytes): no declaration to find
        return data.rstrip()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return _DECLARATION.sub(b"", data, count=1).rstrip()


def detached(element: etree._Element) -> bytes:
    """Bytes of an element taken out of a larger answer (e.g. ``protNFe`` from a SOAP envelope).

    A deep copy keeps only the namespaces the element uses, so the SOAP declarations of the envelope
    do not leak in (they would change the inclusive C14N of a SEFAZ-signed ``infProt``).
    """
    return etree.tostring(copy.deepcopy(element), encoding="UTF-8")
