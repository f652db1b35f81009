"""Golden files: the EFD of a small realistic month (March 2026), checked line by line.

The month (tests/unit/engine/sped/mes.py) is built with the project's NF-e builder and wrapped in
nfeProc/procEventoNFe/procInutNFe. To regenerate after a deliberate change:
``ORTHO_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/unit/engine/sped/test_golden.py`` — then read the diff.
"""

from __future__ import annotations

import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from engine.sped import PastaXml, escrever_efd, escrever_pacote, parse_estabelecimento, periodo, validar_bytes

from .mes import (
    CNPJ_CREDENCIADORA,
    CNPJ_INTERMEDIADOR,
    CNPJ_NORMAL,
    CNPJ_PSP,
    CNPJ_PSP_MARKETPLACE,
    CNPJ_SN,
    ROOT,
    estabelecimento,
)

GOLDEN = ROOT / "tests" / "golden" / "sped"


def _comparar(gerado: bytes, nome: str) -> None:
    arquivo = GOLDEN / nome
    if os.environ.get("ORTHO_REGENERATE_GOLDEN"):
        arquivo.write_bytes(gerado)
    esperado = arquivo.read_bytes().split(b"\r\n")
    obtido = gerado.split(b"\r\n")
    for n, (e, o) in enumerate(zip(esperado, obtido, strict=False), start=1):
        assert o == e, f"{nome}:{n}: esperado {e!r}, gerado {o!r}"
    assert len(obtido) == len(esperado), f"{nome}: {len(esperado)} linhas esperadas, {len(obtido)} geradas"


def _efd(pasta: Path, cnpj: str) -> bytes:
    out = io.BytesIO()
    inicio, fim = periodo("2026-03")
    escrever_efd(PastaXml(pasta), parse_estabelecimento(estabelecimento(cnpj)), inicio, fim, out)
    return out.getvalue()


@pytest.mark.parametrize("cnpj", [CNPJ_NORMAL, CNPJ_SN], ids=["regime-normal", "simples-nacional"])
def test_month_efd_matches_golden_line_by_line(pasta_mes: Path, cnpj: str) -> None:
    gerado = _efd(pasta_mes, cnpj)
    _comparar(gerado, f"efd-2026-03-{cnpj}.txt")
    assert [f for f in validar_bytes(gerado) if f.severity == "error"] == []


def test_golden_month_situations(pasta_mes: Path) -> None:
    """What the golden month exercises, stated: cancelled with key fields only, the contingency
    NFC-e as a regular document, the voided range left out (COD_SIT 05 ends in 2022), CC-e neutral."""
    linhas = _efd(pasta_mes, CNPJ_NORMAL).decode("latin-1").split("\r\n")
    c100 = [linha.split("|") for linha in linhas if linha.startswith("|C100|")]
    por_numero = {c[8]: c for c in c100}
    assert sorted(por_numero) == ["101", "102", "103", "107", "2001", "2002", "2003"]  # 104-106 voided, 201 April
    cancelada = por_numero["102"]
    assert cancelada[6] == "02" and cancelada[9] and all(v == "" for v in cancelada[10:-1])
    assert por_numero["2002"][6] == "00" and por_numero["2002"][9][34] == "9"  # tpEmis 9 in the chave
    assert por_numero["2001"][4] == "" and por_numero["2001"][23:30] == [""] * 7  # NFC-e: empty fields
    assert por_numero["103"][6] == "00"  # the CC-e changes nothing in the EFD
    assert "|C170|" not in "".join(linhas)  # own-issue NF-e/NFC-e: C100 + C190 only


def test_card_and_pix_sales_make_1601_and_ind_cart(pasta_mes: Path) -> None:
    """1601 per (institution, intermediary) of the regular sales with the institution's CNPJ; the card/Pix
    payments without it (NF-e by Pix, NFC-e by POS card) are left out with a note, not guessed."""
    out = io.BytesIO()
    inicio, fim = periodo("2026-03")
    resumo = escrever_efd(PastaXml(pasta_mes), parse_estabelecimento(estabelecimento(CNPJ_NORMAL)), inicio, fim, out)
    linhas = out.getvalue().decode("latin-1").split("\r\n")
    r1601 = [linha.split("|")[2:-1] for linha in linhas if linha.startswith("|1601|")]
    assert r1601 == [[CNPJ_CREDENCIADORA, "", "187,80", "0,00", "0,00"],
                     [CNPJ_PSP_MARKETPLACE, CNPJ_INTERMEDIADOR, "2520,00", "0,00", "0,00"],
                     [CNPJ_PSP, "", "50,00", "0,00", "0,00"]]
    assert next(linha for linha in linhas if linha.startswith("|1010|")).split("|")[8] == "S"
    participantes = {linha.split("|")[2] for linha in linhas if linha.startswith("|0150|")}
    assert {CNPJ_CREDENCIADORA, CNPJ_PSP, CNPJ_PSP_MARKETPLACE, CNPJ_INTERMEDIADOR} <= participantes
    # NF-e 101 and 103 (2520,00 each by Pix) and NFC-e 2001 and 2002 (190,00 each by POS card; the
    # 50,00 in cash are not electronic) carry no institution CNPJ
    assert resumo.sem_instituicao == 4 and resumo.vl_sem_instituicao == Decimal("5420.00")
    assert any("sem o CNPJ da instituição de pagamento" in a for a in resumo.avisos)
    # The Simples Nacional establishment's sales carry no institution: IND_CART = N and no 1601
    sn = _efd(pasta_mes, CNPJ_SN).decode("latin-1")
    assert "|1601|" not in sn and "|1010|N|N|N|N|N|N|N|" in sn


def test_month_package_has_every_xml_and_the_csv_summary(pasta_mes: Path) -> None:
    out = io.BytesIO()
    inicio, fim = periodo("2026-03")
    resumo = escrever_pacote(pasta_mes, inicio, fim, out, cnpj=CNPJ_NORMAL)
    with zipfile.ZipFile(out) as z:
        nomes = sorted(z.namelist())
        csv = z.read("resumo.csv")
    assert resumo.arquivos == len(nomes) - 1 == 10
    assert sum(1 for n in nomes if n.endswith("procEventoNFe.xml")) == 2
    assert sum(1 for n in nomes if n.endswith("procInutNFe.xml")) == 1
    assert not any("0000002011" in n for n in nomes)  # April's NF-e
    _comparar(csv, "resumo-2026-03-45997418000153.csv")
