"""`ortho-fiscal danfe FILE.xml --out FILE.pdf`: exit 0 with the PDF, 1 with the reason, 2 unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from engine.xml.parser import parse_xml
from tests.integration.danfe.documents import (
    NFCE_OFFLINE,
    NFE_NORMAL,
    NFE_REAL_PRODUCAO,
    chave_of,
    epec_proc_evento,
    set_ide,
    to_epec,
)
from tests.integration.danfe.pdftext import chave_formatada, embedded_qr_codes, field, pdf_text


def test_writes_the_danfe_and_says_what_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "danfe.pdf"
    assert main(["danfe", str(NFE_REAL_PRODUCAO), "--out", str(out)]) == 0
    xml = NFE_REAL_PRODUCAO.read_bytes()
    assert chave_formatada(xml) in pdf_text(out.read_bytes())
    said = capsys.readouterr().out
    assert f"DANFE da chave {chave_of(parse_xml(xml))}" in said
    assert f"protocolo {field(xml, 'nProt')}" in said


def test_offline_nfce_default_output_beside_the_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "nfce.xml"
    src.write_bytes(NFCE_OFFLINE.read_bytes())
    assert main(["danfe", str(src), "--bobina", "58"]) == 0
    pdf = (tmp_path / "nfce.pdf").read_bytes()
    assert "EMITIDA EM CONTINGÊNCIA" in pdf_text(pdf)
    assert embedded_qr_codes(pdf) == [field(src.read_bytes(), "qrCode")]
    assert "Pendente de autorização" in capsys.readouterr().out


def test_epec_registration_given_by_file(tmp_path: Path) -> None:
    xml = set_ide(to_epec(NFE_NORMAL.read_bytes(), dh_cont="2026-03-10T09:00:00-03:00",
                          x_just="SEFAZ de origem sem resposta no prazo"), tpAmb="1")
    src, ev, out = tmp_path / "nfe.xml", tmp_path / "epec.xml", tmp_path / "nfe.pdf"
    src.write_bytes(xml)
    ev.write_bytes(epec_proc_evento(chave_of(parse_xml(xml)), n_prot="891260000000124",
                                    dh_reg="2026-03-10T09:01:02-03:00"))
    assert main(["danfe", str(src), "--out", str(out)]) == 1  # without the EPEC: refused
    assert main(["danfe", str(src), "--epec", str(ev), "--out", str(out)]) == 0
    assert "EPEC 891260000000124" in pdf_text(out.read_bytes())


def test_document_without_danfe_exits_1_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "fsda.xml"
    src.write_bytes(set_ide(NFE_NORMAL.read_bytes(), tpEmis="5"))
    out = tmp_path / "x.pdf"
    assert main(["danfe", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "ide/tpEmis" in err and "FS-DA" in err and "[DANFE_TPEMIS]" in err
    assert not out.exists()


@pytest.mark.parametrize("content", [None, b"<NFe><infNFe>", b"<!DOCTYPE x><NFe/>"])
def test_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None) -> None:
    src = tmp_path / "in.xml"
    if content is not None:
        src.write_bytes(content)
    assert main(["danfe", str(src), "--out", str(tmp_path / "x.pdf")]) == 2
    assert str(src) in capsys.readouterr().err
