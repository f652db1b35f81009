"""The streaming EFD writer: situations by period, apuração, registries, E116, progress, memory."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal

import pytest

from engine.errors import ConfigurationError
from engine.sped import NumeracaoInutilizada, Situacao, escrever_efd, periodo, validar_bytes, versao_para
from engine.sped.config import ConfiguracaoInvalida
from engine.sped.facts import Fato

from .fatos import Lista, documento, estab, item


def gerar(fatos: list[Fato], mes: str = "2026-03", **config: object) -> tuple[list[list[str]], object]:
    out = io.BytesIO()
    inicio, fim = periodo(mes)
    resumo = escrever_efd(Lista(fatos), estab(**config), inicio, fim, out)
    texto = out.getvalue()
    erros = [f for f in validar_bytes(texto) if f.severity == "error"]
    assert erros == [], erros
    assert texto.endswith(b"|\r\n") and b"\n" not in texto.replace(b"\r\n", b"")
    return [linha[1:-1].split("|") for linha in texto.decode("latin-1").split("\r\n") if linha], resumo


def registros(linhas: list[list[str]], reg: str) -> list[list[str]]:
    return [c for c in linhas if c[0] == reg]


def test_denied_and_voided_are_reported_with_key_fields_up_to_2022() -> None:
    fatos: list[Fato] = [
        documento(1, ano=2022, mes=11),
        documento(2, ano=2022, mes=11, situacao=Situacao.DENEGADO),
        NumeracaoInutilizada(modelo="55", serie=1, num_ini=3, num_fin=5, data=dt.date(2022, 11, 20)),
    ]
    linhas, _ = gerar(fatos, "2022-11")
    assert registros(linhas, "0000")[0][1] == "016"
    c100 = registros(linhas, "C100")
    assert [c[5] for c in c100] == ["00", "04", "05", "05", "05"]
    denegada = c100[1]
    assert denegada[8] == fatos[1].chave and all(v == "" for v in denegada[9:])  # type: ignore[union-attr]
    inutilizada = c100[2]
    assert inutilizada[7] == "3" and inutilizada[8] == "" and all(v == "" for v in inutilizada[9:])


def test_denied_and_voided_are_left_out_from_2023() -> None:
    fatos: list[Fato] = [
        documento(1), documento(2, situacao=Situacao.DENEGADO),
        NumeracaoInutilizada(modelo="55", serie=1, num_ini=3, num_fin=5, data=dt.date(2026, 3, 20)),
    ]
    linhas, resumo = gerar(fatos)
    assert [c[5] for c in registros(linhas, "C100")] == ["00"]
    assert resumo.omitidos == 4  # type: ignore[attr-defined]
    assert any("31/12/2022" in a for a in resumo.avisos)  # type: ignore[attr-defined]


def test_e110_sums_c190_debits_minus_credits_and_e116_pays_the_balance() -> None:
    saida = documento(1, itens=[item(valor="1000.00"), item(2, valor="500.00", cst="040", aliq="0")])
    entrada = documento(2, ind_oper="0", ind_emit="1", itens=[item(valor="200.00", cfop="1102", cod="INS-9",
                                                                     unid="CX")])
    linhas, resumo = gerar([saida, entrada], saldo_credor_anterior="5.00")
    e110 = registros(linhas, "E110")[0]
    assert e110[1] == "180,00" and e110[5] == "36,00" and e110[9] == "5,00"
    assert e110[10] == "139,00" and e110[12] == "139,00" and e110[13] == "0,00"
    e116 = registros(linhas, "E116")[0]
    assert e116[1:4] == ["000", "139,00", "20042026"] and e116[9] == "032026"
    # the third-party entry carries its items (C170) and so its item and unit registries
    assert registros(linhas, "C170")[0][2] == "INS-9"
    assert registros(linhas, "0200")[0][1] == "INS-9" and registros(linhas, "0190")[0][1] == "CX"
    assert resumo.vl_icms_recolher == Decimal("139.00")  # type: ignore[attr-defined]


def test_credit_balance_is_carried_and_no_e116() -> None:
    linhas, _ = gerar([documento(1)], saldo_credor_anterior="50.00")
    e110 = registros(linhas, "E110")[0]
    assert e110[10] == "0,00" and e110[12] == "0,00" and e110[13] == "32,00"
    assert registros(linhas, "E116") == []


def test_extemporaneous_document_goes_to_deb_esp_not_to_debits() -> None:
    linhas, _ = gerar([documento(1, situacao=Situacao.EXTEMPORANEO)])
    e110 = registros(linhas, "E110")[0]
    assert e110[1] == "0,00" and e110[14] == "18,00"
    assert registros(linhas, "E116")[0][2] == "18,00"


def test_complementary_documents_keep_their_c190_and_late_ones_go_to_deb_esp() -> None:
    linhas, _ = gerar([documento(1, situacao=Situacao.COMPLEMENTAR),
                       documento(2, situacao=Situacao.COMPLEMENTAR_EXTEMPORANEO)])
    assert [c[5] for c in registros(linhas, "C100")] == ["06", "07"]
    assert len(registros(linhas, "C190")) == 2
    e110 = registros(linhas, "E110")[0]
    assert e110[1] == "18,00" and e110[14] == "18,00"


def test_adjustments_e111_feed_e110_by_the_fourth_character() -> None:
    ajustes = [{"cod_aj_apur": "SP000207", "descricao": "Outros débitos", "valor": "7.00"},
               {"cod_aj_apur": "SP020000", "descricao": "Outros créditos", "valor": "5.00"}]
    linhas, _ = gerar([documento(1)], ajustes=ajustes)
    e110 = registros(linhas, "E110")[0]
    # 18,00 debits + 7,00 adjustment - 5,00 credit adjustment - 10,00 previous credit balance
    assert e110[3] == "7,00" and e110[7] == "5,00" and e110[10] == "10,00"
    assert [c[1] for c in registros(linhas, "E111")] == ["SP000207", "SP020000"]


def test_invalid_adjustment_code_is_refused() -> None:
    with pytest.raises(ConfiguracaoInvalida, match="cod_aj_apur"):
        estab(ajustes=[{"cod_aj_apur": "X1", "valor": "1.00"}])


def test_icms_to_pay_without_e116_configuration_is_refused_in_portuguese() -> None:
    out = io.BytesIO()
    inicio, fim = periodo("2026-03")
    with pytest.raises(ConfigurationError, match="obrigacao") as exc:
        escrever_efd(Lista([documento(1)]), estab(obrigacao=None), inicio, fim, out)
    assert exc.value.code == "SPED_E116_SEM_CONFIGURACAO"


def test_nfce_c100_leaves_the_guia_fields_empty_and_has_no_cod_part() -> None:
    linhas, _ = gerar([documento(1, modelo="65")])
    c100 = registros(linhas, "C100")[0]
    assert c100[3] == "" and c100[22:29] == [""] * 7
    assert registros(linhas, "0150") == []


def test_empty_month_closes_every_block_and_validates() -> None:
    linhas, resumo = gerar([])
    assert registros(linhas, "C001")[0][1] == "1"
    assert registros(linhas, "C990")[0][1] == "2"
    assert registros(linhas, "9999")[0][1] == str(len(linhas))
    assert resumo.documentos == 0  # type: ignore[attr-defined]


def test_progress_is_reported_while_streaming() -> None:
    vistos: list[int] = []
    out = io.BytesIO()
    inicio, fim = periodo("2026-03")
    escrever_efd(Lista([documento(n, dia=1 + n % 28) for n in range(1, 251)]), estab(), inicio, fim, out,
                 progresso=vistos.append, progresso_cada=100)
    assert vistos == [100, 200, 250]


def test_cod_ver_follows_dt_fin_and_marks_inferred_versions() -> None:
    assert versao_para(dt.date(2024, 12, 31)).cod_ver == "018"
    assert not versao_para(dt.date(2024, 12, 31)).inferida
    assert versao_para(dt.date(2026, 3, 31)).cod_ver == "020"
    assert versao_para(dt.date(2026, 3, 31)).inferida
    with pytest.raises(ConfigurationError, match="versão de leiaute"):
        versao_para(dt.date(2018, 6, 30))


class _Gerador:
    """A source that makes documents on the fly (nothing held): what the database source will do."""

    def __init__(self, n: int):
        self.n = n

    def documentos(self, cnpj: str, inicio: dt.date, fim: dt.date) -> Iterator[Fato]:
        base = documento(1, modelo="65")
        for k in range(self.n):
            yield dataclasses.replace(base, numero=k + 1, dt_doc=dt.date(2026, 3, 1 + k * 28 // self.n))


def _pico(n: int) -> int:
    out = io.BytesIO()
    inicio, fim = periodo("2026-03")
    tracemalloc.start()
    try:
        escrever_efd(_Gerador(n), estab(), inicio, fim, out)
        return tracemalloc.get_traced_memory()[1] - len(out.getbuffer())
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_documents() -> None:
    pequeno, grande = _pico(300), _pico(3000)
    # ten times the documents, same working set (the output buffer itself is excluded)
    assert grande < pequeno * 1.5 + 256 * 1024, (pequeno, grande)
