"""Canonical XML 1.0 (REC-xml-c14n-20010315, inclusive, without comments) of an element subtree.

Why not just ``etree.tostring(el, method="c14n")``: with lxml 6.2 / libxml2 2.14, canonicalising an
element that is not the document root emits a spurious ``xmlns=""`` on its grandchildren when the
default namespace is declared on an ancestor (``<NFe xmlns=…><infNFe><emit><CNPJ xmlns="">``).
That output is not C14N: signatures made over it fail in xmlsec1 and at SEFAZ, and a verifier using
the same call would wrongly accept them. (signxml works around the same bug by deleting every
``xmlns=""`` from its output, see its ``excise_empty_xmlns_declarations``.)

So the subtree is first copied under a fresh apex element that declares every namespace in scope
of the original (C14N 1.0 §2.4: the apex of a document subset renders all namespace nodes in
scope), and the copy, now the lone root of its document (no tail, no sibling comments: either
sends lxml down the same buggy path), is canonicalised by libxml2. When the copy already declares
every namespace in scope (all NF-e documents), the plain deep copy is used. Inherited ``xml:*``
attributes are not imported (NF-e documents never use them).
"""

from __future__ import annotations

import copy

from lxml import etree


def c14n10(element: etree._Element) -> bytes:
    """Inclusive C14N 1.0 of ``element`` and its descendants, as seen in its document."""
    alone = element.getprevious() is None and element.getnext() is None and not element.tail
    if element.getparent() is None and alone:
        return etree.tostring(element, method="c14n", exclusive=False, with_comments=False)
    sliced = _first_child_of_clean_root(element)
    if sliced is not None:
        return sliced
    # Fast path (every NF-e: only the default namespace is in scope): a deep copy becomes the root
    # of its own document and keeps the namespaces it uses; if those are all that is in scope, its
    # canonical form is the subset's.
    clone = copy.deepcopy(element)
    clone.tail = None  # a tail would be a sibling of the new root: lxml then takes the buggy path again
    if clone.nsmap == element.nsmap:
        return etree.tostring(clone, method="c14n", exclusive=False, with_comments=False)
    apex = etree.Element(element.tag, attrib=dict(element.attrib), nsmap=element.nsmap)  # type: ignore[arg-type,misc]
    apex.text = element.text
    for child in element:
        apex.append(copy.deepcopy(child))
    return etree.tostring(apex, method="c14n", exclusive=False, with_comments=False)


def _first_child_of_clean_root(element: etree._Element) -> bytes | None:
    """The unsigned ``<NFe xmlns=…><infNFe …>…</infNFe>[<infNFeSupl>…</infNFeSupl>]</NFe>`` case,
    without copying the tree.

    When ``element`` is the first node inside a root that has no attributes, no text, no siblings
    and the same namespaces in scope, the root's canonical form is ``<root NS>`` + element in
    context + the later siblings in context + ``</root>``, and the element as apex differs from its
    in-context form only by carrying the root's namespace declarations ``NS`` (rendered in the same
    canonical order). The element's end is found by counting its start and end tags: in canonical
    XML every ``<`` in text and attribute values is escaped and comments are dropped, so a ``<`` is
    always markup; processing instructions inside the element (whose data is not escaped) make this
    return ``None``.
    Returns ``None`` as well when any of the other conditions does not hold (the caller copies).
    """
    root = element.getparent()
    if (
        root is None
        or root.getparent() is not None
        or root.attrib
        or root.text
        or element.getprevious() is not None
        or root.getprevious() is not None
        or root.getnext() is not None
        or root.tail
        or element.nsmap != root.nsmap
        or not isinstance(root.tag, str)
        or not isinstance(element.tag, str)
    ):
        return None
    only = len(root) == 1 and not element.tail  # the NF-e: the element ends where the root does
    # Only a processing instruction inside the element can hold an unescaped "</name>" before the element's
    # real end tag; asked of the tree (a C-level walk, ~4x cheaper than searching the canonical bytes).
    if not only and next(element.iter(etree.ProcessingInstruction), None) is not None:
        return None
    whole = etree.tostring(root, method="c14n", exclusive=False, with_comments=False)
    start_tag = whole[: whole.index(b">") + 1]  # b'<NFe xmlns="…">' (">" in values is escaped)
    space = start_tag.find(b" ")
    root_name = start_tag[1:space] if space > 0 else start_tag[1:-1]
    declarations = start_tag[1 + len(root_name) : -1]  # b' xmlns="…"' (the root has no attributes)
    body_start = len(start_tag)
    name_end = body_start + 1
    while whole[name_end : name_end + 1] not in (b" ", b">", b""):
        name_end += 1
    if only:  # no scan for the element's end tag: everything before b"</NFe>" is the element
        return whole[body_start:name_end] + declarations + whole[name_end : -(len(root_name) + 3)]
    name = whole[body_start + 1 : name_end]  # the element's qualified name as serialised
    opening, closing = b"<" + name, b"</" + name + b">"
    depth, pos = 1, name_end
    while depth:
        end = whole.find(closing, pos)
        if end < 0:  # pragma: no cover - canonical XML is well-formed
            return None
        nested = whole.find(opening, pos, end)
        while nested >= 0:
            after = whole[nested + len(opening) : nested + len(opening) + 1]
            if after in (b" ", b">"):  # a start tag of the same name, not a longer one (infNFeSupl)
                depth += 1
            nested = whole.find(opening, nested + len(opening), end)
        depth -= 1
        pos = end + len(closing)
    return whole[body_start:name_end] + declarations + whole[name_end:pos]
