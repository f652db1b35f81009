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


def test_the_reused_parser_keeps_nothing_from_a_failed_document() -> None:
    """The per-thread parser is reused: a malformed or refused document does not affect the next one."""
    with pytest.raises(XmlError):
        parse_xml(b"<a><b></a>")
    with pytest.raises(XmlSecurityError):
        parse_xml(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    root = parse_xml(b'<n:a xmlns:n="urn:n"><n:b>2</n:b></n:a>')
    assert root.findtext("{urn:n}b") == "2" and root.getroottree().docinfo.internalDTD is None


def test_threads_parse_concurrently_with_their_own_parsers() -> None:
    import threading

    from engine.xml import parser as module

    barrier = threading.Barrier(4, timeout=10)
    parsers: dict[int, int] = {}
    results: dict[int, list[str]] = {}

    def work(n: int) -> None:
        barrier.wait()  # the four threads parse at the same time
        parsers[n] = id(module._PARSER.parser)
        barrier.wait()  # every id taken while all four threads (and their parsers) are alive
        results[n] = [str(parse_xml(f"<a><b>{n}-{i}</b></a>".encode()).findtext("b")) for i in range(50)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {n: [f"{n}-{i}" for i in range(50)] for n in range(4)}
    assert len(set(parsers.values())) == 4  # one parser object per thread
