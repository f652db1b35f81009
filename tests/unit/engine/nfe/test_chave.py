"""Chave de acesso: DV, composition, cNF generation, parsing and checking."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.documentos import cnpj_dv
from engine.errors import ChaveError
from engine.nfe.chave import (
    CNF_PROIBIDOS,
    check_chave,
    cnf_permitido,
    codigo_uf,
    dv_chave,
    gerar_cnf,
    make_chave,
    parse_chave,
    sigla_uf,
)

# Keys of authorized documents (nfelib samples, protNFe cStat 100).
REAL_KEYS = [
    "35180834128745000152550010000474281920007498",
    "35180834128745000152550010000476051695511860",
    "42211275277525000178550030000276771368212013",
    "26180875335849000115550010000016871192213331",
]


@pytest.mark.parametrize("chave", REAL_KEYS)
def test_dv_of_authorized_keys(chave: str) -> None:
    assert dv_chave(chave[:43]) == chave[43]
    assert check_chave(chave) == []


def test_dv_rule_remainder_zero_or_one_gives_zero() -> None:
    # Find bodies whose weighted sum leaves remainder 0 and 1: both must give DV 0.
    seen = set()
    for n in range(200):
        body = f"{35_2612_00000000000191_65_001:0>22}{n:09d}1{12_345_670 + n:08d}"[:43]
        total = sum((ord(c) - 48) * (2 + i % 8) for i, c in enumerate(reversed(body)))
        if total % 11 in (0, 1):
            assert dv_chave(body) == "0"
            seen.add(total % 11)
        else:
            assert dv_chave(body) == str(11 - total % 11)
    assert seen == {0, 1}


def test_make_chave_with_alphanumeric_cnpj_and_fixed_cnf() -> None:
    chave = make_chave(
        uf="SP", ano_mes="2026-12", emitente="12.ABC.345/01DE-35", mod=65, serie=1, nnf=123, cnf="48151623"
    )
    assert chave[:43] == "35" + "2612" + "12ABC34501DE35" + "65" + "001" + "000000123" + "1" + "48151623"
    # DV computed by hand from the rule (ASCII - 48, weights 2..9 from the right):
    total = sum((ord(c) - 48) * (2 + i % 8) for i, c in enumerate(reversed(chave[:43])))
    expected = 0 if total % 11 < 2 else 11 - total % 11
    assert chave[43] == str(expected)
    assert check_chave(chave) == []
    c = parse_chave(chave)
    assert (c.uf, c.ano, c.mes, c.cnpj, c.mod, c.serie, c.nNF, c.tpEmis, c.cNF) == (
        "SP", 2026, 12, "12ABC34501DE35", "65", "001", "000000123", "1", "48151623",
    )  # fmt: skip


def test_make_chave_is_deterministic_with_an_injected_random_source() -> None:
    kw = {"uf": "35", "ano_mes": dt.date(2026, 12, 4), "emitente": "34128745000152", "mod": "55", "serie": 1, "nnf": 9}
    a = make_chave(**kw, rng=random.Random(42))  # type: ignore[arg-type]
    b = make_chave(**kw, rng=random.Random(42))  # type: ignore[arg-type]
    assert a == b
    assert check_chave(a) == []


def test_make_chave_with_cpf_emitter() -> None:
    chave = make_chave(uf="MG", ano_mes="2612", emitente="529.982.247-25", mod=55, serie=920, nnf=1, cnf=31415926)
    c = parse_chave(chave)
    assert c.emitente == "00052998224725"
    assert c.cpf == "52998224725"
    assert c.cnpj is None
    assert check_chave(chave) == []


class _Rigged:
    """A random source that first returns the given values, then delegates."""

    def __init__(self, values: list[int]) -> None:
        self.values = list(values)
        self.fallback = random.Random(0)

    def randrange(self, start: int, stop: int, /) -> int:
        return self.values.pop(0) if self.values else self.fallback.randrange(start, stop)


def test_gerar_cnf_skips_forbidden_sequences_and_nnf() -> None:
    rng = _Rigged([12345678, 0, 99999999, 1234, 27182818])
    assert gerar_cnf(1234, rng) == "27182818"


@given(st.integers(min_value=1, max_value=999_999_999), st.integers(min_value=0, max_value=2**32))
def test_generated_cnf_is_always_acceptable(nnf: int, seed: int) -> None:
    cnf = gerar_cnf(nnf, random.Random(seed))
    assert len(cnf) == 8 and cnf.isdigit()
    assert cnf not in CNF_PROIBIDOS
    assert int(cnf) != nnf


def test_forbidden_list_is_the_one_of_nt_2019_001() -> None:
    assert len(CNF_PROIBIDOS) == 20
    assert {"00000000", "99999999", "12345678", "23456789", "90123456", "01234567"} <= CNF_PROIBIDOS
    assert not cnf_permitido("00001234", 1234)
    assert cnf_permitido("00001234", 1235)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"uf": "XX"}, "CHAVE_UF"),
        ({"emitente": "12ABC34501DE36"}, "CHAVE_CNPJ"),
        ({"mod": "57"}, "CHAVE_MODELO"),
        ({"nnf": 0}, "CHAVE_NNF"),
        ({"cnf": "11111111"}, "CHAVE_CNF"),
        ({"cnf": "00000123"}, "CHAVE_CNF"),
        ({"ano_mes": "2026-13"}, "CHAVE_MES"),
        ({"tp_emis": "8"}, "CHAVE_TPEMIS"),
    ],
)
def test_make_chave_refuses_bad_fields(kwargs: dict[str, object], code: str) -> None:
    base: dict[str, object] = {
        "uf": "SP", "ano_mes": "2026-12", "emitente": "12ABC34501DE35", "mod": 65, "serie": 1, "nnf": 123,
        "cnf": "48151623",
    }  # fmt: skip
    base.update(kwargs)
    with pytest.raises(ChaveError) as info:
        make_chave(**base)  # type: ignore[arg-type]
    assert info.value.code == code


def _with_dv(body: str) -> str:
    return body + dv_chave(body)


@pytest.mark.parametrize(
    ("chave", "code", "cstat"),
    [
        (_with_dv("99" + REAL_KEYS[0][2:43]), "CHAVE_UF", "614"),
        (_with_dv("3505" + REAL_KEYS[0][4:43]), "CHAVE_ANO", "615"),
        (_with_dv("351813" + REAL_KEYS[0][6:43]), "CHAVE_MES", "616"),
        (_with_dv("351808" + "34128745000151" + REAL_KEYS[0][20:43]), "CHAVE_CNPJ", "617"),
        (_with_dv(REAL_KEYS[0][:20] + "57" + REAL_KEYS[0][22:43]), "CHAVE_MODELO", "618"),
        (_with_dv(REAL_KEYS[0][:25] + "000000000" + REAL_KEYS[0][34:43]), "CHAVE_NNF", "619"),
        (_with_dv(REAL_KEYS[0][:35] + "12345678"), "CHAVE_CNF", "897"),
        (REAL_KEYS[0][:43] + "0", "CHAVE_DV", "236"),
    ],
)
def test_check_chave_names_each_defect(chave: str, code: str, cstat: str) -> None:
    findings = check_chave(chave)
    assert [(f.code, f.cstat) for f in findings] == [(code, cstat)]
    assert findings[0].mensagem  # pt-BR text for the user


def test_check_chave_year_after_today_and_format() -> None:
    chave = make_chave(uf="SP", ano_mes="2027-01", emitente="34128745000152", mod=55, serie=1, nnf=5, cnf=27182818)
    assert check_chave(chave) == []
    assert [f.code for f in check_chave(chave, hoje=dt.date(2026, 12, 4))] == ["CHAVE_ANO"]
    assert [f.code for f in check_chave("123")] == ["CHAVE_FORMATO"]
    assert check_chave("NFe" + REAL_KEYS[0]) == []  # the Id form is accepted


def test_alphanumeric_cnpj_letters_change_the_dv() -> None:
    base = "12ABC34501DE"
    cnpj = base + cnpj_dv(base)
    k1 = make_chave(uf="RS", ano_mes="2607", emitente=cnpj, mod=55, serie=1, nnf=10, cnf=55501234)
    assert k1[6:20] == cnpj
    assert check_chave(k1) == []
    tampered = k1[:8] + "X" + k1[9:]
    assert "CHAVE_DV" in {f.code for f in check_chave(tampered)}


def test_uf_codes_come_from_the_states_table() -> None:
    assert codigo_uf("SP") == "35" and codigo_uf("df") == "53" and codigo_uf("43") == "43"
    assert sigla_uf("35") == "SP" and sigla_uf("99") is None and sigla_uf("3") is None
    with pytest.raises(ChaveError):
        codigo_uf("XX")


@given(
    uf=st.sampled_from(["RO", "AM", "CE", "BA", "MG", "SP", "PR", "RS", "MT", "DF"]),
    base=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=12, max_size=12).filter(
        lambda s: len(set(s)) > 1
    ),
    ano=st.integers(min_value=6, max_value=99),
    mes=st.integers(min_value=1, max_value=12),
    mod=st.sampled_from(["55", "65"]),
    serie=st.integers(min_value=0, max_value=999),
    nnf=st.integers(min_value=1, max_value=999_999_999),
    tp=st.sampled_from("12345679"),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_make_parse_check_round_trip(
    uf: str, base: str, ano: int, mes: int, mod: str, serie: int, nnf: int, tp: str, seed: int
) -> None:
    cnpj = base + cnpj_dv(base)
    chave = make_chave(
        uf=uf, ano_mes=f"{ano:02d}{mes:02d}", emitente=cnpj, mod=mod, serie=serie, nnf=nnf, tp_emis=tp,
        rng=random.Random(seed),
    )  # fmt: skip
    assert len(chave) == 44
    c = parse_chave(chave)
    assert (c.uf, c.ano % 100, c.mes, c.emitente, c.mod, int(c.serie), int(c.nNF), c.tpEmis) == (
        uf, ano, mes, cnpj, mod, serie, nnf, tp,
    )  # fmt: skip
    assert check_chave(chave) == []
    assert c.valor == chave


def test_chave_of_reads_infnfe_id_from_bytes_and_from_the_element() -> None:
    from pathlib import Path

    from engine.nfe.chave import chave_of
    from engine.xml.parser import parse_xml

    raw = (Path(__file__).resolve().parents[3] / "fixtures" / "nfe" / "made" /
           "nfce65_mg_contingencia_offline.xml").read_bytes()
    root = parse_xml(raw)
    ident = root.find("{http://www.portalfiscal.inf.br/nfe}infNFe").get("Id")
    assert chave_of(raw) == chave_of(root) == ident[3:]
    assert len(chave_of(raw)) == 44 and chave_of(raw)[34] == "9"  # tpEmis is part of the chave
    assert chave_of(b"<NFe xmlns='http://www.portalfiscal.inf.br/nfe'/>") == ""
