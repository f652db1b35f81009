"""C14N 1.0 of document subsets, with the outputs the W3C recommendation prescribes."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from certificates.c14n import c14n10

CASES = [
    # (document, path to the apex, expected canonical form)
    (
        b'<NFe xmlns="urn:n"><infNFe Id="a"><b><c>1</c></b></infNFe></NFe>',
        "{urn:n}infNFe",
        b'<infNFe xmlns="urn:n" Id="a"><b><c>1</c></b></infNFe>',
    ),
    (  # the default namespace switches at Signature: no xmlns="" may appear below SignedInfo
        b'<NFe xmlns="urn:n"><S xmlns="urn:d"><SI><R><DM/></R></SI></S></NFe>',
        "{urn:d}S/{urn:d}SI",
        b'<SI xmlns="urn:d"><R><DM></DM></R></SI>',
    ),
    (  # every namespace in scope is rendered on the apex, used or not (C14N 1.0, section 2.4)
        b'<env xmlns="urn:n" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><NFe><infNFe Id="a"><b/>'
        b"</infNFe></NFe></env>",
        "{urn:n}NFe/{urn:n}infNFe",
        b'<infNFe xmlns="urn:n" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Id="a"><b></b></infNFe>',
    ),
    (  # comments dropped, text kept, the apex's own tail excluded, attributes sorted
        b'<NFe xmlns="urn:n"><infNFe versao="4.00" Id="a"><b>x<!--c--></b>t</infNFe>tail</NFe>',
        "{urn:n}infNFe",
        b'<infNFe xmlns="urn:n" Id="a" versao="4.00"><b>x</b>t</infNFe>',
    ),
    (  # prefixed names
        b'<a:NFe xmlns:a="urn:n" xmlns:x="urn:x"><a:infNFe Id="a"><a:b x:y="1">&amp;</a:b></a:infNFe></a:NFe>',
        "{urn:n}infNFe",
        b'<a:infNFe xmlns:a="urn:n" xmlns:x="urn:x" Id="a"><a:b x:y="1">&amp;</a:b></a:infNFe>',
    ),
]


@pytest.mark.parametrize(("document", "path", "expected"), CASES)
def test_subset_canonical_form(document: bytes, path: str, expected: bytes) -> None:
    root = etree.fromstring(document)
    apex = root.find(path)
    assert apex is not None
    assert c14n10(apex) == expected


def test_document_root_with_a_sibling_comment() -> None:
    tree = etree.fromstring(b'<!--before--><NFe xmlns="urn:n"><a><b/></a></NFe>').getroottree()
    assert c14n10(tree.getroot()) == b'<NFe xmlns="urn:n"><a><b></b></a></NFe>'


def test_the_input_tree_is_not_modified() -> None:
    root = etree.fromstring(b'<NFe xmlns="urn:n"><infNFe Id="a"><b/></infNFe>tail</NFe>')
    before = etree.tostring(root)
    c14n10(root[0])
    assert etree.tostring(root) == before


@pytest.mark.parametrize(
    "document",
    [
        b'<NFe xmlns="urn:n"><infNFe Id="a" versao="4.00"><b><c>1</c></b></infNFe></NFe>',
        b'<a:NFe xmlns:a="urn:n" xmlns:x="urn:x"><a:infNFe Id="a"><a:b x:c="&quot;">1</a:b></a:infNFe></a:NFe>',
        b'<NFe xmlns="urn:n" xmlns:x="urn:x"><infNFe><b>&lt;&amp;&gt;</b></infNFe></NFe>',
        b"<NFe><infNFe/></NFe>",
        # NFC-e: infNFe followed by infNFeSupl (a longer name with the same start) and a signature
        b'<NFe xmlns="urn:n"><infNFe Id="a"><b>1</b></infNFe><infNFeSupl><q>&lt;/infNFe&gt;</q></infNFeSupl>'
        b'<Signature xmlns="urn:d"><SI/></Signature></NFe>',
        # the same name nested inside, a tail between siblings, a comment between siblings
        b'<NFe xmlns="urn:n"><infNFe Id="a"><infNFe x="1"><infNFe/></infNFe><c/></infNFe>\n<!--x--><z/></NFe>',
        b'<a:NFe xmlns:a="urn:n"><a:infNFe Id="a"><a:b/></a:infNFe><a:infNFeSupl/></a:NFe>',
        # a processing instruction (unescaped data) falls back to the copying path
        b'<NFe xmlns="urn:n"><infNFe Id="a"><?pi </infNFe>?><b/></infNFe><z/></NFe>',
    ],
)
def test_first_child_fast_path_equals_the_general_path(document: bytes) -> None:
    """The unsigned NFe (infNFe first in its root, infNFeSupl after it on the NFC-e) is canonicalised
    without copying the tree, with the same result as a copy of the subtree."""
    root = etree.fromstring(document)
    fast = c14n10(root[0])
    apex = etree.Element(root[0].tag, attrib=dict(root[0].attrib), nsmap=root[0].nsmap)  # type: ignore[arg-type,misc]
    apex.text = root[0].text
    for child in root[0]:
        apex.append(copy.deepcopy(child))
    assert fast == etree.tostring(apex, method="c14n")
