"""Every official schema resolves its includes/imports from disk and compiles, offline."""

import re

import pytest
from lxml import etree

from engine.xsd import all_schema_files, choose_schema, compiled
from schemas import XSD_DIR

ALL_XSD = sorted(p.relative_to(XSD_DIR).as_posix() for p in XSD_DIR.rglob("*.xsd"))


@pytest.mark.parametrize("relpath", ALL_XSD)
def test_every_include_and_import_resolves_to_a_shipped_file(relpath: str) -> None:
    path = XSD_DIR / relpath
    text = path.read_text(encoding="utf-8")
    for location in re.findall(r'schemaLocation="([^"]+)"', text):
        assert not location.startswith(("http:", "https:")), location
        assert (path.parent / location).is_file(), f"{relpath}: {location} missing"


@pytest.mark.parametrize("relpath", ALL_XSD)
def test_each_schema_compiles_offline(relpath: str) -> None:
    assert isinstance(compiled(relpath), etree.XMLSchema)


def test_registry_entry_points_are_shipped() -> None:
    for rel in all_schema_files():
        assert (XSD_DIR / rel).is_file()


def test_schema_is_chosen_by_root_and_tp_evento() -> None:
    ns = "http://www.portalfiscal.inf.br/nfe"
    ev = etree.fromstring(
        f'<envEvento xmlns="{ns}"><evento><infEvento><tpEvento>110111</tpEvento></infEvento></evento></envEvento>'
    )
    assert choose_schema(ev).relpath.endswith("envEventoCancNFe_v1.00.xsd")
    assert choose_schema(etree.fromstring(f'<NFe xmlns="{ns}"/>')).relpath.endswith("nfe_v4.00.xsd")
