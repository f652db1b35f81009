"""The 27 UFs: IBGE codes, names, regions and time zones."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import states

# IBGE codes of the 27 UFs (the cUF table of the NF-e MOC). Written out here on purpose: the test
# must not read the expected values from the data it checks.
IBGE = {
    "RO": "11", "AC": "12", "AM": "13", "RR": "14", "PA": "15", "AP": "16", "TO": "17",
    "MA": "21", "PI": "22", "CE": "23", "RN": "24", "PB": "25", "PE": "26", "AL": "27", "SE": "28", "BA": "29",
    "MG": "31", "ES": "32", "RJ": "33", "SP": "35",
    "PR": "41", "SC": "42", "RS": "43",
    "MS": "50", "MT": "51", "GO": "52", "DF": "53",
}  # fmt: skip
SIGLAS = sorted(IBGE)


def test_there_are_27_ufs_in_sigla_order() -> None:
    assert [u.sigla for u in states.all_ufs()] == SIGLAS


@pytest.mark.parametrize("sigla", SIGLAS)
def test_cuf_is_the_ibge_code(sigla: str) -> None:
    u = states.uf(sigla)
    assert u.codigo == IBGE[sigla]
    assert u.cuf == u.codigo
    assert states.uf(u.codigo) is u
    assert states.uf(int(u.codigo)) is u
    assert states.uf(sigla.lower()) is u


@pytest.mark.parametrize("sigla", SIGLAS)
def test_every_time_zone_loads_and_is_brazilian(sigla: str) -> None:
    u = states.uf(sigla)
    assert u.timezone == u.timezones[0]
    assert len(set(u.timezones)) == len(u.timezones)
    for name in u.timezones:
        zone = ZoneInfo(name)
        offset = datetime(2026, 7, 1, 12, tzinfo=zone).utcoffset()
        assert offset is not None
        # Brazil spans UTC-5 (Acre) to UTC-2 (Fernando de Noronha); no DST since 2019.
        assert timedelta(hours=-5) <= offset <= timedelta(hours=-2), (name, offset)
    assert u.zoneinfo() == ZoneInfo(u.timezone)


@pytest.mark.parametrize(
    ("sigla", "default", "others"),
    [
        ("AC", "America/Rio_Branco", ()),
        ("AM", "America/Manaus", ("America/Eirunepe",)),
        ("PA", "America/Belem", ("America/Santarem",)),
        ("PE", "America/Recife", ("America/Noronha",)),
        ("MT", "America/Cuiaba", ()),
        ("MS", "America/Campo_Grande", ()),
        ("RO", "America/Porto_Velho", ()),
        ("RR", "America/Boa_Vista", ()),
        ("TO", "America/Araguaina", ()),
        ("BA", "America/Bahia", ()),
        ("AP", "America/Belem", ()),
        ("SP", "America/Sao_Paulo", ()),
    ],
)
def test_known_time_zones(sigla: str, default: str, others: tuple[str, ...]) -> None:
    u = states.uf(sigla)
    assert u.timezone == default
    assert u.timezones[1:] == others


def test_timezones_cover_zone_tab() -> None:
    """Every BR zone of the IANA zone.tab shipped with tzdata belongs to some UF, and no UF uses another."""
    import tzdata

    zone_tab = Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab"
    br = {line.split("\t")[2] for line in zone_tab.read_text().splitlines() if line.startswith("BR\t")}
    used = {name for u in states.all_ufs() for name in u.timezones}
    assert used == br


def test_offsets_differ_across_the_country() -> None:
    """Acre is UTC-5, Manaus UTC-4, Sao Paulo UTC-3, Noronha UTC-2: no literal -03:00 fits all."""
    when = datetime(2026, 1, 15, 12)
    offsets = {
        s: when.replace(tzinfo=ZoneInfo(z)).utcoffset()
        for s, z in (("AC", "America/Rio_Branco"), ("AM", "America/Manaus"), ("SP", "America/Sao_Paulo"))
    }
    for s, expected in (("AC", -5), ("AM", -4), ("SP", -3)):
        assert when.replace(tzinfo=states.uf(s).zoneinfo()).utcoffset() == timedelta(hours=expected)
        assert offsets[s] == timedelta(hours=expected)
    noronha = datetime(2026, 1, 15, 12, tzinfo=ZoneInfo(states.uf("PE").timezones[1])).utcoffset()
    assert noronha == timedelta(hours=-2)


def test_regions_are_the_five_ibge_regions() -> None:
    by_region: dict[str, set[str]] = {}
    for u in states.all_ufs():
        by_region.setdefault(u.regiao, set()).add(u.sigla)
    assert by_region == {
        "Norte": {"AC", "AM", "AP", "PA", "RO", "RR", "TO"},
        "Nordeste": {"AL", "BA", "CE", "MA", "PB", "PE", "PI", "RN", "SE"},
        "Centro-Oeste": {"DF", "GO", "MS", "MT"},
        "Sudeste": {"ES", "MG", "RJ", "SP"},
        "Sul": {"PR", "RS", "SC"},
    }


def test_names_are_the_official_portuguese_names() -> None:
    assert states.uf("SP").nome == "São Paulo"
    assert states.uf("DF").nome == "Distrito Federal"
    assert states.uf("RN").nome == "Rio Grande do Norte"
    assert len({u.nome for u in states.all_ufs()}) == 27


@pytest.mark.parametrize("bad", ["XX", "", "99", "S", 0, "SPP"])
def test_unknown_uf_raises_with_stable_code(bad: str | int) -> None:
    with pytest.raises(states.UnknownUF) as info:
        states.uf(bad)
    assert info.value.code == "UF_DESCONHECIDA"
    assert "UF desconhecida" in info.value.mensagem


def test_results_are_immutable_and_shared() -> None:
    u = states.uf("SP")
    with pytest.raises(dataclasses.FrozenInstanceError):
        u.sigla = "RJ"  # type: ignore[misc]
    assert states.all_ufs() is states.all_ufs()
    assert isinstance(u.flags, frozenset)
