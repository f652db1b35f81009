"""The structural validator on broken files: each problem is named with its line and in pt-BR."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine.errors import Finding
from engine.sped import validar_bytes

from .mes import ROOT

BASE = (ROOT / "tests" / "golden" / "sped" / "efd-2026-03-45997418000153.txt").read_bytes()


def linhas() -> list[str]:
    return BASE.decode("latin-1").split("\r\n")[:-1]


def montar(ls: list[str]) -> bytes:
    return ("\r\n".join(ls) + "\r\n").encode("latin-1")


def indice(ls: list[str], prefixo: str, ordem: int = 0) -> int:
    return [i for i, linha in enumerate(ls) if linha.startswith(prefixo)][ordem]


def trocar(prefixo: str, campo: int, valor: str, ordem: int = 0) -> Callable[[list[str]], int]:
    def mudar(ls: list[str]) -> int:
        i = indice(ls, prefixo, ordem)
        partes = ls[i].split("|")
        partes[campo + 1] = valor
        ls[i] = "|".join(partes)
        return i + 1
    return mudar


def erros(conteudo: bytes) -> list[Finding]:
    return [f for f in validar_bytes(conteudo) if f.severity == "error"]


def test_the_golden_file_is_valid() -> None:
    assert erros(BASE) == []


CASOS = [
    # (mutation, expected code, words of the message)
    (trocar("|0000|", 1, "20"), "SPED_TAMANHO", "exatamente 3"),
    (trocar("|0000|", 1, "019"), "SPED_COD_VER", "use '020'"),
    (trocar("|0005|", 7, "551130305050"), "SPED_TAMANHO", "FONE"),
    (trocar("|C100|", 11, "2520.00"), "SPED_NUMERO_INVALIDO", "vírgula decimal"),
    (trocar("|C100|", 9, "31022026"), "SPED_DATA_INVALIDA", "ddmmaaaa"),
    (trocar("|C100|", 21, "61,00"), "SPED_C100_TOTAL_C190", "VL_ICMS"),
    (trocar("|C100|", 3, "99999999999"), "SPED_COD_PART_SEM_0150", "0150"),
    (trocar("|C100|", 8, "35260345997418000153550020000001011780009183"), "SPED_CHV_NFE_DV", "dígito verificador"),
    (trocar("|C100|", 11, "100,00", ordem=2), "SPED_C100_CANCELADO_CAMPOS", "VL_DOC"),
    (trocar("|C100|", 3, "52998224725", ordem=1), "SPED_NFCE_CAMPOS", "COD_PART"),
    (trocar("|C100|", 5, "05", ordem=2), "SPED_COD_SIT_DESCONTINUADO", "31/12/2022"),
    (trocar("|C990|", 1, "12"), "SPED_QTD_LINHAS_BLOCO", "bloco C"),
    (trocar("|9900|C100|", 2, "6"), "SPED_9900_QTD", "C100"),
    (trocar("|9999|", 1, "71"), "SPED_9999_QTD", "71"),
    (trocar("|E110|", 1, "100,00"), "SPED_E110_DEBITOS", "VL_TOT_DEBITOS"),
    (trocar("|E116|", 2, "1,00"), "SPED_E116_TOTAL", "E116"),
    (trocar("|C001|", 1, "1"), "SPED_IND_MOV", "sem dados"),
]


@pytest.mark.parametrize(("mudar", "code", "texto"), CASOS, ids=[c[1] + "-" + c[2] for c in CASOS])
def test_broken_field_is_reported_on_its_line(mudar: Callable[[list[str]], int], code: str, texto: str) -> None:
    ls = linhas()
    linha = mudar(ls)
    achados = erros(montar(ls))
    alvo = [f for f in achados if f.code == code]
    assert alvo, achados
    assert any(texto in f.mensagem for f in alvo), alvo
    assert code in {"SPED_9900_QTD", "SPED_QTD_LINHAS_BLOCO", "SPED_9999_QTD", "SPED_E110_DEBITOS", "SPED_E116_TOTAL",
                    "SPED_IND_MOV"} or any(f.line == linha for f in alvo), (linha, alvo)


def test_missing_1010_is_an_error() -> None:
    ls = linhas()
    del ls[indice(ls, "|1010|")]
    codes = {f.code for f in erros(montar(ls))}
    assert "SPED_REGISTRO_AUSENTE" in codes
    assert any("1010" in f.mensagem for f in erros(montar(ls)))


def test_0002_only_for_industry() -> None:
    ls = linhas()
    ls.insert(2, "|0002|01|")
    alvo = [f for f in erros(montar(ls)) if f.code == "SPED_0002_NAO_INDUSTRIA"]
    assert alvo and alvo[0].line == 3 and "industrial" in alvo[0].mensagem


def test_c170_item_must_exist_in_0200_and_unit_in_0190() -> None:
    ls = linhas()
    i = indice(ls, "|C190|")
    campos = ["C170", "1", "SEM-CADASTRO", "", "1,00000", "UN", "100,00", "", "0", "000", "5102", "", "0,00",
              "0,00", "0,00", "0,00", "0,00", "0,00", *[""] * 20]
    ls.insert(i, "|" + "|".join(campos) + "|")
    achados = erros(montar(ls))
    assert any(f.code == "SPED_ITEM_SEM_0200" and f.line == i + 1 and "SEM-CADASTRO" in f.mensagem for f in achados)
    assert any(f.code == "SPED_UNID_SEM_0190" and f.line == i + 1 for f in achados)


def test_records_out_of_order_and_under_the_wrong_parent() -> None:
    ls = linhas()
    i0100, i0005 = indice(ls, "|0100|"), indice(ls, "|0005|")
    ls[i0100], ls[i0005] = ls[i0005], ls[i0100]
    achados = erros(montar(ls))
    assert any(f.code == "SPED_ORDEM_REGISTROS" and f.line == i0100 + 1 for f in achados)
    ls = linhas()
    c190 = ls.pop(indice(ls, "|C190|"))
    ls.insert(indice(ls, "|C001|") + 1, c190)
    achados = erros(montar(ls))
    assert any(f.code == "SPED_HIERARQUIA" and "C100" in f.mensagem for f in achados)


def test_lf_only_line_endings_are_reported_once() -> None:
    achados = erros(BASE.replace(b"\r\n", b"\n"))
    fim = [f for f in achados if f.code == "SPED_FIM_DE_LINHA"]
    assert len(fim) == 1 and fim[0].line == 1 and "CR LF" in fim[0].mensagem


def test_wrong_field_count_names_the_record() -> None:
    ls = linhas()
    i = indice(ls, "|E100|")
    ls[i] = "|E100|01032026|"
    alvo = [f for f in erros(montar(ls)) if f.code == "SPED_QTD_CAMPOS"]
    assert alvo[0].line == i + 1 and "3 campos" in alvo[0].mensagem


def test_unknown_records_are_counted_not_rejected() -> None:
    ls = linhas()
    i = indice(ls, "|1010|")
    ls.insert(i + 1, "|1400|ITEM1|3550308|100,00|")
    achados = validar_bytes(montar(ls))
    assert any(f.code == "SPED_REGISTRO_NAO_VERIFICADO" and f.severity == "note" for f in achados)
    # its 9900 is missing and 1990 is now wrong: both reported
    codes = {f.code for f in achados if f.severity == "error"}
    assert {"SPED_9900_AUSENTE", "SPED_QTD_LINHAS_BLOCO"} <= codes


def test_vl_doc_against_c190_is_a_warning_like_the_pva() -> None:
    ls = linhas()
    trocar("|C100|", 11, "2521,00")(ls)
    achados = validar_bytes(montar(ls))
    alvo = [f for f in achados if f.code == "SPED_C100_VL_DOC_C190"]
    assert alvo and alvo[0].severity == "note" and not erros(montar(ls))


def test_utf8_text_is_a_note_about_the_encoding() -> None:
    ls = linhas()
    i = indice(ls, "|0005|")
    ls[i] = ls[i].replace("Instituto Orto+", "Instituto Ortodôntico")
    conteudo = "\r\n".join(ls).encode("utf-8") + b"\r\n"
    nota = [f for f in validar_bytes(conteudo) if f.code == "SPED_CODIFICACAO"]
    assert nota and nota[0].line == i + 1 and nota[0].severity == "note" and "ISO-8859-1" in nota[0].mensagem


def test_exit_date_after_the_period_is_refused() -> None:
    ls = linhas()
    linha = trocar("|C100|", 10, "01042026")(ls)
    alvo = [f for f in erros(montar(ls)) if f.code == "SPED_DT_E_S_POSTERIOR"]
    assert alvo and alvo[0].line == linha


def test_missing_block_opening_and_blocks_out_of_order() -> None:
    ls = linhas()
    del ls[indice(ls, "|D001|")]
    achados = erros(montar(ls))
    codes = {f.code for f in achados}
    assert {"SPED_BLOCO_SEM_ABERTURA", "SPED_REGISTRO_AUSENTE", "SPED_9999_QTD", "SPED_9900_SEM_REGISTRO"} <= codes
    ls = linhas()
    g, h = indice(ls, "|G001|"), indice(ls, "|H001|")
    ls[g:g + 2], ls[h:h + 2] = ls[h:h + 2], ls[g:g + 2]
    alvo = [f for f in erros(montar(ls)) if f.code == "SPED_ORDEM_BLOCOS"]
    assert alvo and alvo[0].line == h + 1 and "0, B, C, D, E, G, H, K, 1, 9" in alvo[0].mensagem


def test_1601_cod_part_must_be_in_0150() -> None:
    ls = linhas()
    i = indice(ls, "|1601|")
    ls[i] = ls[i].replace("|1601|01027058000191|", "|1601|99999999000191|")
    alvo = [f for f in erros(montar(ls)) if f.code == "SPED_COD_PART_SEM_0150"]
    assert alvo and alvo[0].line == i + 1 and alvo[0].path == "1601" and "campo 02" in alvo[0].mensagem


def test_1601_intermediary_must_be_in_0150_and_pairs_are_unique() -> None:
    ls = linhas()
    i = indice(ls, "|1601|", 1)
    ls[i] = ls[i].replace("|03007331000141|", "|11111111000191|")
    assert any(f.code == "SPED_COD_PART_SEM_0150" and "campo 03" in f.mensagem and f.line == i + 1
               for f in erros(montar(ls)))
    ls = linhas()
    j = indice(ls, "|1601|")
    ls[j + 1] = ls[j]  # the same institution twice (counts stay right: only the key rule fails)
    alvo = [f for f in erros(montar(ls)) if f.code == "SPED_1601_REPETIDO"]
    assert alvo and alvo[0].line == j + 2


def test_1601_money_format_is_checked() -> None:
    ls = linhas()
    i = indice(ls, "|1601|")
    ls[i] = ls[i].replace("|187,80|", "|187.80|")
    assert any(f.line == i + 1 and f.path == "1601" for f in erros(montar(ls)))


def test_ind_cart_must_match_the_presence_of_1601() -> None:
    ls = linhas()
    trocar("|1010|", 7, "N")(ls)
    alvo = [f for f in erros(montar(ls)) if f.code == "SPED_IND_CART"]
    assert alvo and "1601" in alvo[0].mensagem and alvo[0].line == indice(ls, "|1010|") + 1
    # IND_CART = S without any 1601 (the three removed, with their counts fixed) is also refused
    ls = [linha for linha in linhas() if not linha.startswith("|1601|") and not linha.startswith("|9900|1601|")]
    trocar("|1990|", 1, "3")(ls)
    trocar("|9900|9900|", 2, "32")(ls)
    trocar("|9990|", 1, "35")(ls)
    trocar("|9999|", 1, str(len(ls)))(ls)
    codes = [f.code for f in erros(montar(ls))]
    assert codes == ["SPED_IND_CART"]
