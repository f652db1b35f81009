"""Shared helpers of the business rules: element lookup in the NF-e namespace, Decimal reading, and
the two locations of a field (XPath in the XML, dotted path of the JSON model).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from engine.errors import Finding

NFE_NS = "http://www.portalfiscal.inf.br/nfe"

# Elements the layout allows more than once (maxOccurs > 1): always indexed in paths, so the JSON
# path of a list field has its index even when the list has one element.
REPEATED = frozenset(
    {
        "det", "detPag", "autXML", "NFref", "vol", "lacres", "dup", "reboque", "obsCont", "obsFisco",
        "procRef", "rastro", "DI", "adi", "detExport", "arma", "NVE", "gCred", "forDia", "deduc",
        "med", "comb", "gIBSCBS",
    }
)  # fmt: skip


# Documents repeated inside a batch message (enviNFe: up to 50 NFe; envEvento: up to 20 evento).
_BATCHES = frozenset({("NFe", "enviNFe"), ("evento", "envEvento")})


def q(tag: str) -> str:
    return f"{{{NFE_NS}}}{tag}"


def local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=512)
def _qualified(path: str) -> str:
    # Pure memo of the string translation (the rules use a fixed, small set of paths).
    return "/".join(f"{{{NFE_NS}}}{p}" if p not in ("*", "..") else p for p in path.split("/"))


@functools.lru_cache(maxsize=512)
def _tags(path: str) -> tuple[str, ...] | None:
    parts = path.split("/")
    if any(p in ("*", "..", ".") for p in parts):
        return None
    return tuple(f"{{{NFE_NS}}}{p}" for p in parts)


def find(el: etree._Element | None, path: str) -> etree._Element | None:
    """``path`` like ``ide/cUF`` (NF-e namespace implied): first match, walking the children
    directly (several times faster than ElementPath for these short paths)."""
    tags = _tags(path)
    if tags is None:  # wildcard or parent step: ElementPath
        return el.find(_qualified(path)) if el is not None else None
    node = el
    for tag in tags:
        if node is None:
            return None
        node = next(node.iterchildren(tag), None)
    return node


def findall(el: etree._Element | None, path: str) -> list[etree._Element]:
    if el is None:
        return []
    result = compiled_xpath(xpath_path(path))(el)
    return [n for n in result if isinstance(n, etree._Element)] if isinstance(result, list) else []


def text(el: etree._Element | None, path: str | None = None) -> str | None:
    node = find(el, path) if path else el
    if node is None or node.text is None:
        return None
    return node.text.strip()


def dec(el: etree._Element | None, path: str | None = None) -> Decimal | None:
    """The Decimal value of a field, None when absent or not a number (the XSD reports that)."""
    raw = text(el, path)
    if raw is None or raw == "":
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def locate(el: etree._Element) -> tuple[str, str]:
    """(xpath, path) of ``el``: ``/NFe/infNFe/det[2]/prod/vProd`` and ``infNFe.det[1].prod.vProd``.

    The XPath is absolute from the document root with 1-based indexes; the dotted path is relative
    to the NFe element (the model's root) with 0-based indexes, like the JSON of the full model.
    For documents other than NF-e the dotted path is relative to the document root.
    """
    chain: list[etree._Element] = []
    node: etree._Element | None = el
    while node is not None:
        chain.append(node)
        node = node.getparent()
    chain.reverse()
    xparts: list[str] = []
    pparts: list[str] = []
    started = False
    nfe_in_chain = any(local(n) == "NFe" for n in chain)
    for node in chain:
        name = local(node)
        parent = node.getparent()
        indexed = parent is not None and (name in REPEATED or (name, local(parent)) in _BATCHES)
        idx = list(parent.iterchildren(node.tag)).index(node) if parent is not None and indexed else 0
        xparts.append(f"{name}[{idx + 1}]" if indexed else name)
        if started:
            pparts.append(f"{name}[{idx}]" if indexed else name)
        if (nfe_in_chain and name == "NFe") or (not nfe_in_chain and parent is None):
            started = True
    return "/" + "/".join(xparts), ".".join(pparts)


@functools.lru_cache(maxsize=256)
def compiled_xpath(expr: str) -> etree.XPath:
    """An XPath with the prefix ``n`` bound to the NF-e namespace, compiled once per process.

    Sums over the items are single XPath evaluations in libxml2 (one per total field), which keeps a
    990-item NF-e fast; values are summed as Decimal in Python, never as XPath floats.
    """
    return etree.XPath(expr, namespaces={"n": NFE_NS}, smart_strings=False)


@functools.lru_cache(maxsize=512)
def xpath_path(path: str) -> str:
    """``imposto/ICMS/*/vBC`` -> ``n:imposto/n:ICMS/*/n:vBC``."""
    return "/".join(p if p in ("*", "..", ".") else f"n:{p}" for p in path.split("/"))


def texts(el: etree._Element, expr: str) -> list[str]:
    result = compiled_xpath(expr)(el)
    return [str(t) for t in result] if isinstance(result, list) else []


@dataclass(frozen=True, slots=True)
class Doc:
    """The parts of an NF-e every rule needs, found once (one Doc per validation call)."""

    nfe: etree._Element
    inf: etree._Element
    ide: etree._Element | None
    emit: etree._Element | None
    total: etree._Element | None
    _items: list[etree._Element] = field(default_factory=list, compare=False, repr=False)

    @property
    def mod(self) -> str | None:
        return text(self.ide, "mod")

    def dets(self) -> list[etree._Element]:
        if not self._items:
            self._items.extend(findall(self.inf, "det"))
        return self._items


def nfe_of(root: etree._Element) -> etree._Element | None:
    """The NFe element of an NFe / nfeProc / enviNFe root (first one), or None."""
    found = nfes_of(root)
    return found[0] if found else None


def nfes_of(root: etree._Element) -> list[etree._Element]:
    """Every NFe of an NFe / nfeProc / enviNFe (batch) root."""
    if local(root) == "NFe":
        return [root]
    return list(root.iterchildren(q("NFe")))


def doc_of(nfe: etree._Element) -> Doc | None:
    inf = find(nfe, "infNFe")
    if inf is None:
        return None
    return Doc(nfe=nfe, inf=inf, ide=find(inf, "ide"), emit=find(inf, "emit"), total=find(inf, "total"))


def finding(
    code: str,
    mensagem: str,
    el: etree._Element | None,
    cstat: str | None,
    *,
    fallback: etree._Element | None = None,
    suffix: str = "",
    severity: str = "error",
) -> Finding:
    """A Finding located at ``el`` (or at ``fallback``/``suffix`` when the field is absent)."""
    target = el if el is not None else fallback
    xpath = path = ""
    line: int | None = None
    if target is not None:
        xpath, path = locate(target)
        line = source_line(target)
        if el is None and suffix:
            xpath = f"{xpath}/{suffix}"
            path = f"{path}.{suffix}" if path else suffix
    return Finding(code=code, mensagem=mensagem, path=path, xpath=xpath, cstat=cstat, line=line, severity=severity)


def source_line(el: etree._Element) -> int | None:
    """Line of ``el`` in the parsed source (None for a tree built in memory)."""
    line = el.sourceline
    return line if isinstance(line, int) else None


def brl(value: Decimal) -> str:
    """Money as shown to the user in messages: ``1234.50`` (layout form, dot decimal)."""
    return f"{value:.2f}"


def iter_text(el: etree._Element, path: str) -> Iterator[tuple[etree._Element, str]]:
    for node in findall(el, path):
        if node.text is not None:
            yield node, node.text.strip()
