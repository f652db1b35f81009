"""The one hardened parser refuses XXE, billion laughs, DTDs and oversize input with a clean error."""

from pathlib import Path

import pytest

from engine.errors import XmlError, XmlSecurityError
from engine.xml import parse_xml, parse_xml_file


def test_parses_plain_xml() -> None:
    root = parse_xml(b"<a><b>1</b></a>")
    assert root.findtext("b") == "1"


def test_xxe_file_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]><a>&x;</a>'
    with pytest.raises(XmlSecurityError) as info:
        parse_xml(doc.encode())
    assert "TOP-SECRET" not in str(info.value)
    assert "DOCTYPE" in info.value.mensagem


def test_billion_laughs_is_refused() -> None:
    lol = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = f"lol{i - 1}" if i > 1 else "lol"
        lol.append(f'<!ENTITY lol{i} "{("&" + prev + ";") * 10}">')
    doc = "<?xml version='1.0'?><!DOCTYPE lolz [" + "".join(lol) + "]><lolz>&lol9;</lolz>"
    with pytest.raises(XmlSecurityError):
        parse_xml(doc.encode())


def test_doctype_hidden_after_whitespace_and_case_is_refused() -> None:
    with pytest.raises(XmlSecurityError):
        parse_xml(b"<?xml version='1.0'?>\n<!doctype a SYSTEM 'http://example.invalid/a.dtd'><a/>")


def test_malformed_xml_reports_line() -> None:
    with pytest.raises(XmlError) as info:
        parse_xml(b"<a>\n<b>\n</a>")
    assert info.value.line is not None
    assert "mal formado" in info.value.mensagem


def test_oversize_is_refused_before_parsing() -> None:
    with pytest.raises(XmlError) as info:
        parse_xml(b"<a>" + b"x" * 100 + b"</a>", max_bytes=50)
    assert info.value.code == "XML_GRANDE"


def test_unreadable_file_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(XmlError) as info:
        parse_xml_file(tmp_path / "missing.xml")
    assert info.value.code == "ARQUIVO_ILEGIVEL"


def test_c14n_of_a_sub_element_has_no_spurious_empty_default_namespace() -> None:
    from engine.xml import c14n

    root = parse_xml(
        b'<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><infNFe Id="x"><emit><CNPJ>1</CNPJ></emit></infNFe></NFe>'
    )
    assert c14n(root[0]) == (
        b'<infNFe xmlns="http://www.portalfiscal.inf.br/nfe" Id="x"><emit><CNPJ>1</CNPJ></emit></infNFe>'
    )
