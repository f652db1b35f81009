"""OFX statements from three banks' quirks: SGML without closing tags in cp1252, UTF-8 charset with
decimal commas and closing tags on one line, OFX 2.2 XML; safety and bad files naming the line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.reconciliation import Fonte, ReconciliationError, detect_format, parse_ofx

from .cnab import DATA


def test_bb_sgml_cp1252_without_closing_tags() -> None:
    data = (DATA / "bb-extrato-1252.ofx").read_bytes()
    assert detect_format(data) is Fonte.OFX
    lines = parse_ofx(data)
    # the zero "Saldo Anterior" line moves no money and is left out
    assert [(ln.fitid, ln.valor, ln.direcao, ln.data) for ln in lines] == [
        ("20260313001", Decimal("300.00"), "C", date(2026, 3, 13)),
        ("20260311002", Decimal("250.00"), "C", date(2026, 3, 11)),
        ("20260314003", Decimal("75.00"), "C", date(2026, 3, 14)),
        ("20260315004", Decimal("39.90"), "D", date(2026, 3, 15)),
    ]
    ted, pix, dep, tarifa = lines
    assert ted.conta == "001/1234-5/12345-6" and ted.seu_numero == "313001"
    assert pix.end_to_end_id == "E00000000202603111402abcDEF12345"  # taken from the MEMO
    assert "José Araújo" in pix.descricao and "Depósito em dinheiro - Agência" in dep.descricao  # cp1252
    assert "Serviços" in tarifa.descricao
    # line numbers point at each <STMTTRN> of the file (header lines included)
    text = data.decode("cp1252").splitlines()
    assert all(text[ln.linha - 1] == "<STMTTRN>" for ln in lines)


def test_nubank_utf8_charset_decimal_comma_and_one_line_aggregates() -> None:
    lines = parse_ofx((DATA / "nubank-extrato-utf8.ofx").read_bytes())
    assert [(ln.valor, ln.direcao) for ln in lines] == [(Decimal("240.00"), "C"), (Decimal("1234.56"), "D")]
    assert lines[0].conta == "0260/1/9876543-2" and "FERNANDA A ROCHA" in lines[0].descricao
    assert "ALUGUEL SALA 12 & CONDOMINIO" in lines[1].descricao  # &amp; replaced
    assert lines[0].pagador_documento == ""  # masked CPF is not a document


def test_ofx2_xml_with_name_and_formatted_cpf() -> None:
    data = (DATA / "santander-extrato-v2.ofx").read_bytes()
    assert detect_format(data) is Fonte.OFX
    (line,) = parse_ofx(data)
    assert line.data == date(2026, 3, 25) and line.valor == Decimal("130.00") and line.fitid == "000325130001"
    assert line.pagador_documento == "12345678909" and line.conta == "033/4455/130012345"
    assert line.linha == 26


def test_doctype_and_entities_are_refused() -> None:
    evil = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b'<?OFX OFXHEADER="200" VERSION="220"?>\n<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>\n')
    with pytest.raises(ReconciliationError, match="DTD"):
        parse_ofx(evil)


def test_bad_amount_names_the_line_and_field() -> None:
    data = (DATA / "bb-extrato-1252.ofx").read_bytes().replace(b"<TRNAMT>75.00", b"<TRNAMT>75.0O")
    with pytest.raises(ReconciliationError) as err:
        parse_ofx(data)
    text = data.decode("cp1252").splitlines()
    assert err.value.campo == "TRNAMT" and text[err.value.line - 1] == "<STMTTRN>"  # type: ignore[operator]
    assert "75.0O" in text[err.value.line + 2]  # type: ignore[operator]
    assert err.value.mensagem.startswith(f"linha {err.value.line}: campo TRNAMT: ")


def test_bad_date_and_unknown_charset() -> None:
    data = (DATA / "bb-extrato-1252.ofx").read_bytes()
    with pytest.raises(ReconciliationError) as err:
        parse_ofx(data.replace(b"<DTPOSTED>20260314", b"<DTPOSTED>20261314"))
    assert err.value.campo == "DTPOSTED"
    with pytest.raises(ReconciliationError, match="CHARSET"):
        parse_ofx(data.replace(b"CHARSET:1252", b"CHARSET:EBCDIC"))


def test_mismatched_closing_tag_is_a_malformed_ofx_with_its_line() -> None:
    data = (DATA / "nubank-extrato-utf8.ofx").read_bytes().replace(b"</FITID>", b"</FITIDX>", 1)
    with pytest.raises(ReconciliationError, match="OFX malformado") as err:
        parse_ofx(data)
    assert err.value.line == 14 and "</FITIDX>" in err.value.mensagem


def test_utf8_bom_before_the_header_is_ignored() -> None:
    data = b"\xef\xbb\xbf" + (DATA / "nubank-extrato-utf8.ofx").read_bytes()
    assert detect_format(data) is Fonte.OFX and len(parse_ofx(data)) == 2


def test_not_an_ofx() -> None:
    with pytest.raises(ReconciliationError, match="formato do extrato"):
        detect_format(b"data;valor\n01/03/2026;10,00\n")
