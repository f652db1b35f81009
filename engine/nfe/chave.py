"""Chave de acesso of the NF-e/NFC-e (MOC 7.0, item 2.2.6; campo infNFe/@Id = "NFe" + chave).

Layout, 44 characters::

    cUF(2) AAMM(4) CNPJ/CPF(14) mod(2) serie(3) nNF(9) tpEmis(1) cNF(8) cDV(1)

The CNPJ may be alphanumeric since July 2026 (RFB NT 49/2024, NT 2025.001 of the NF-e); an
emitter identified by CPF (NF-e avulsa / produtor rural) fills the 14 positions with ``000`` + CPF.
cDV is módulo 11 over the 43 preceding characters, weights 2..9 repeated from the right, each
character worth its ASCII code - 48 (so digits keep their value and the rule is unchanged for
numeric keys); remainder 0 or 1 gives DV 0, otherwise 11 - remainder.

cNF (B03) is a random code that protects the key from being guessed. NT 2019.001 rule B03-10
(cStat 897, "Código numérico em formato inválido") forbids cNF equal to nNF and the 20 weak
sequences ``00000000``..``99999999``, ``12345678``, ``23456789`` ... ``01234567``.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import secrets
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

import states
from engine.documentos import cnpj_valido, cpf_valido, normalizar
from engine.errors import ChaveError, Finding
from engine.xml.parser import parse_xml

__all__ = [
    "CNF_PROIBIDOS",
    "Chave",
    "RandomSource",
    "check_chave",
    "cnf_permitido",
    "codigo_uf",
    "dv_chave",
    "gerar_cnf",
    "make_chave",
    "parse_chave",
    "sigla_uf",
]

# NT 2019.001, regra B03-10 (cStat 897): weak codes refused by SEFAZ.
CNF_PROIBIDOS: frozenset[str] = frozenset(
    [d * 8 for d in "0123456789"] + [("01234567890123456789")[i : i + 8] for i in range(1, 11)]
)

# B22: 1 normal, 2 FS-IA, 3 SCAN (extinct), 4 EPEC, 5 FS-DA, 6 SVC-AN, 7 SVC-RS, 9 NFC-e off-line
TP_EMIS_VALIDOS = frozenset("12345679")
MODELOS = frozenset({"55", "65"})

_CHAVE = re.compile(r"[0-9]{6}[0-9A-Z]{12}[0-9]{2}[0-9]{2}[0-9]{3}[0-9]{9}[0-9][0-9]{8}[0-9]")
_ANO_MES = re.compile(r"(?:(\d{4})-?(\d{2}))|(\d{2})(\d{2})")


class RandomSource(Protocol):
    """What ``gerar_cnf`` needs from a random generator (``random.Random``, ``secrets.SystemRandom``)."""

    def randrange(self, start: int, stop: int, /) -> int: ...


@dataclass(frozen=True, slots=True)
class Chave:
    """The decoded fields of a chave de acesso (names as in the layout)."""

    cUF: str
    AAMM: str
    emitente: str  # 14 characters: CNPJ (maybe alphanumeric) or "000" + CPF
    mod: str
    serie: str
    nNF: str
    tpEmis: str
    cNF: str
    cDV: str

    @property
    def valor(self) -> str:
        return (
            self.cUF + self.AAMM + self.emitente + self.mod + self.serie + self.nNF + self.tpEmis + self.cNF + self.cDV
        )

    @property
    def uf(self) -> str | None:
        return sigla_uf(self.cUF)

    @property
    def ano(self) -> int:
        return 2000 + int(self.AAMM[:2])

    @property
    def mes(self) -> int:
        return int(self.AAMM[2:])

    @property
    def cnpj(self) -> str | None:
        """The emitter's CNPJ, or None when the key carries a CPF."""
        return None if self.cpf is not None else self.emitente

    @property
    def cpf(self) -> str | None:
        """The emitter's CPF when the key carries one (``000`` + a valid CPF that is not a valid CNPJ)."""
        if self.emitente.startswith("000") and not cnpj_valido(self.emitente) and cpf_valido(self.emitente[3:]):
            return self.emitente[3:]
        return None

    def campos(self) -> dict[str, str]:
        return {
            "cUF": self.cUF,
            "UF": self.uf or "?",
            "AAMM": self.AAMM,
            "CNPJ/CPF": self.emitente,
            "mod": self.mod,
            "serie": self.serie,
            "nNF": self.nNF,
            "tpEmis": self.tpEmis,
            "cNF": self.cNF,
            "cDV": self.cDV,
        }


# Módulo 11 weights 2..9 from the right (MOC 7.0, B23 cDV), as they fall on the 43 characters left to right.
_PESOS = tuple(2 + i % 8 for i in range(43))[::-1]
_SOMA_PESOS = sum(_PESOS)
_CORPO_CHAVE = re.compile(r"[0-9A-Z]{43}")


def dv_chave(chave43: str) -> str:
    """Módulo 11 check digit of the first 43 characters of a chave (alphanumeric CNPJ allowed)."""
    corpo = chave43.strip().upper()
    if len(corpo) != 43 or not _CORPO_CHAVE.fullmatch(corpo):
        raise ChaveError(f"a chave sem o DV deve ter 43 caracteres [0-9A-Z], recebido {len(corpo)}")
    return _dv(corpo)


def _dv(corpo: str) -> str:
    """``dv_chave`` of 43 characters already known to be ``[0-9A-Z]`` (the body ``make_chave`` composes)."""
    # Each character counts ord(c) - 48 (a letter of the alphanumeric CNPJ as ASCII - 48, NT 2025.001);
    # summed in C over the ASCII codes, the 48s taken out once (operator.mul: 2x int.__mul__ in map).
    total = sum(map(operator.mul, corpo.encode("ascii"), _PESOS)) - 48 * _SOMA_PESOS
    resto = total % 11
    return "0" if resto < 2 else str(11 - resto)


def codigo_uf(uf: str) -> str:
    """IBGE code (cUF) of a UF given as sigla (``SP``) or code (``35``); ChaveError if unknown.

    The UF table is ``states`` (the 27 UFs as data), the project's single source for it.
    """
    try:
        return states.uf(uf.strip()).codigo
    except states.UnknownUF as exc:
        raise ChaveError(f"UF desconhecida: {uf!r}", code="CHAVE_UF", cstat="614") from exc


def sigla_uf(codigo: str) -> str | None:
    """Sigla of the UF whose IBGE code is ``codigo`` (``35`` -> ``SP``), None if there is none."""
    if not (len(codigo) == 2 and codigo.isdigit()):
        return None
    try:
        return states.uf(codigo).sigla
    except states.UnknownUF:
        return None


def cnf_permitido(cnf: str, nnf: int | str) -> bool:
    """cNF acceptable to SEFAZ (NT 2019.001 B03-10): 8 digits, not nNF, not a weak sequence."""
    if not re.fullmatch(r"[0-9]{8}", cnf) or cnf in CNF_PROIBIDOS:
        return False
    return int(cnf) != int(nnf)


def gerar_cnf(nnf: int | str, rng: RandomSource | None = None) -> str:
    """A random 8-digit cNF different from ``nnf`` and from the forbidden sequences.

    ``rng`` is injected so tests are deterministic; the default is the OS CSPRNG, because the
    cNF exists to make the key unguessable (MOC B03).
    """
    fonte: RandomSource = rng if rng is not None else secrets.SystemRandom()
    numero = int(nnf)
    while True:
        sorteado = fonte.randrange(0, 100_000_000)
        cnf = f"{sorteado:08d}"
        # cnf_permitido without its format check: 8 digits by construction.
        if cnf not in CNF_PROIBIDOS and sorteado != numero:
            return cnf


def _aamm(ano_mes: str | dt.date) -> str:
    if isinstance(ano_mes, dt.date):
        return f"{ano_mes.year % 100:02d}{ano_mes.month:02d}"
    m = _ANO_MES.fullmatch(ano_mes.strip())
    if not m:
        raise ChaveError(f"ano/mês inválido: {ano_mes!r} (use AAAA-MM ou AAMM)", code="CHAVE_AAMM")
    if m.group(1):
        ano, mes = int(m.group(1)) % 100, int(m.group(2))
    else:
        ano, mes = int(m.group(3)), int(m.group(4))
    if not 1 <= mes <= 12:
        raise ChaveError(f"mês inválido na chave: {mes:02d}", code="CHAVE_MES", cstat="616")
    return f"{ano:02d}{mes:02d}"


def make_chave(
    *,
    uf: str,
    ano_mes: str | dt.date,
    emitente: str,
    mod: str | int,
    serie: int | str,
    nnf: int | str,
    tp_emis: int | str = 1,
    cnf: str | int | None = None,
    rng: RandomSource | None = None,
) -> str:
    """Compose a chave de acesso (44 characters) and its DV.

    ``emitente`` is a CNPJ (numeric or alphanumeric, punctuation allowed) or an 11-digit CPF.
    ``cnf`` None draws a random one from ``rng`` (see ``gerar_cnf``); a given cNF must pass
    ``cnf_permitido``. Raises ChaveError naming the field that is wrong.
    """
    cuf = codigo_uf(uf)
    doc = _emitente_na_chave(emitente)
    if doc is None:
        raise ChaveError(f"CNPJ/CPF do emitente inválido: {emitente!r}", code="CHAVE_CNPJ", cstat="617")
    modelo = str(mod).strip()
    if modelo not in MODELOS:
        raise ChaveError(f"modelo deve ser 55 ou 65, recebido {modelo!r}", code="CHAVE_MODELO", cstat="618")
    serie_i, nnf_i = int(serie), int(nnf)
    if not 0 <= serie_i <= 999:
        raise ChaveError(f"série deve estar entre 0 e 999, recebido {serie_i}", code="CHAVE_SERIE")
    if not 1 <= nnf_i <= 999_999_999:
        raise ChaveError(f"nNF deve estar entre 1 e 999999999, recebido {nnf_i}", code="CHAVE_NNF", cstat="619")
    tp = str(tp_emis).strip()
    if tp not in TP_EMIS_VALIDOS:
        raise ChaveError(f"tpEmis inválido: {tp!r}", code="CHAVE_TPEMIS")
    if cnf is None:
        codigo = gerar_cnf(nnf_i, rng)
    else:
        codigo = f"{int(cnf):08d}" if isinstance(cnf, int) else str(cnf).strip()
        if not cnf_permitido(codigo, nnf_i):
            raise ChaveError(
                f"cNF {codigo!r} não permitido: deve ter 8 dígitos, diferir do nNF e não ser sequência "
                "repetida ou crescente (NT 2019.001)",
                code="CHAVE_CNF",
                cstat="897",
            )
    corpo = f"{cuf}{_aamm(ano_mes)}{doc}{modelo}{serie_i:03d}{nnf_i:09d}{tp}{codigo}"
    # Every part was checked above (cUF from states, the document's pattern and DVs, the ranges and codes).
    return corpo + _dv(corpo)


@functools.lru_cache(maxsize=256)
def _emitente_na_chave(emitente: str) -> str | None:
    """The 14 positions of the emitter in the chave (its CNPJ, or ``000`` + CPF), None when ``emitente`` is
    neither a valid CPF nor a valid CNPJ. Memo of a pure function: an emitter issues thousands of documents
    with the same CNPJ, whose check digits cost more than the rest of ``make_chave``."""
    doc = normalizar(emitente)
    if len(doc) == 11 and cpf_valido(doc):
        return "000" + doc
    return doc if cnpj_valido(doc) else None


def parse_chave(chave: str) -> Chave:
    """Split a 44-character chave into its fields (no semantic check: see ``check_chave``)."""
    valor = re.sub(r"\s", "", chave).upper()
    if valor.startswith("NFE"):
        valor = valor[3:]
    if not _CHAVE.fullmatch(valor):
        raise ChaveError(
            f"chave de acesso deve ter 44 caracteres (numéricos, CNPJ alfanumérico nas posições 7-18), "
            f"recebido {len(valor)}",
            code="CHAVE_FORMATO",
        )
    return Chave(
        cUF=valor[0:2],
        AAMM=valor[2:6],
        emitente=valor[6:20],
        mod=valor[20:22],
        serie=valor[22:25],
        nNF=valor[25:34],
        tpEmis=valor[34],
        cNF=valor[35:43],
        cDV=valor[43],
    )


def check_chave(chave: str, *, hoje: dt.date | None = None, path: str = "", xpath: str = "") -> list[Finding]:
    """Every problem of a chave de acesso, as Findings (empty list = valid).

    Checks follow the SEFAZ key validations (cStat 614-619, DV 236, cNF 897). ``hoje`` enables
    the "year not after the current year" check (cStat 615).
    """

    def f(code: str, mensagem: str, cstat: str | None) -> Finding:
        return Finding(code=code, mensagem=mensagem, path=path, xpath=xpath, cstat=cstat)

    try:
        c = parse_chave(chave)
    except ChaveError as exc:
        return [f(exc.code, exc.mensagem, None)]
    out: list[Finding] = []
    if sigla_uf(c.cUF) is None:
        out.append(f("CHAVE_UF", f"chave com código de UF inexistente: {c.cUF}", "614"))
    ano = int(c.AAMM[:2])
    if ano < 6 or (hoje is not None and 2000 + ano > hoje.year):
        out.append(f("CHAVE_ANO", f"chave com ano inválido: {c.AAMM[:2]} (deve estar entre 06 e o ano atual)", "615"))
    if not 1 <= c.mes <= 12:
        out.append(f("CHAVE_MES", f"chave com mês inválido: {c.AAMM[2:]}", "616"))
    if not (cnpj_valido(c.emitente) or (c.emitente.startswith("000") and cpf_valido(c.emitente[3:]))):
        out.append(
            f("CHAVE_CNPJ", f"chave com CNPJ/CPF do emitente zerado ou com dígito inválido: {c.emitente}", "617")
        )
    if c.mod not in MODELOS:
        out.append(f("CHAVE_MODELO", f"chave com modelo {c.mod}: deve ser 55 (NF-e) ou 65 (NFC-e)", "618"))
    if int(c.nNF) == 0:
        out.append(f("CHAVE_NNF", "chave com número da nota (nNF) igual a zero", "619"))
    if c.tpEmis not in TP_EMIS_VALIDOS:
        out.append(f("CHAVE_TPEMIS", f"chave com tipo de emissão inválido: {c.tpEmis}", None))
    if not cnf_permitido(c.cNF, c.nNF):
        out.append(
            f(
                "CHAVE_CNF",
                f"código numérico (cNF) {c.cNF} inválido: não pode ser igual ao nNF nem sequência repetida "
                "ou crescente (NT 2019.001)",
                "897",
            )
        )
    dv = dv_chave(c.valor[:43])
    if dv != c.cDV:
        out.append(f("CHAVE_DV", f"dígito verificador da chave inválido: informado {c.cDV}, calculado {dv}", "236"))
    return out


_INF_NFE = "{http://www.portalfiscal.inf.br/nfe}infNFe"


def chave_of(documento: etree._Element | bytes) -> str:
    """The chave of an NFe (element or bytes, signed or not): infNFe/@Id without its "NFe" prefix; ""
    when there is no infNFe. Signing keeps the Id, so the unsigned element gives the signed bytes' chave."""
    root = parse_xml(documento) if isinstance(documento, bytes) else documento
    inf = next(root.iterchildren(_INF_NFE), None)
    return str(inf.get("Id", ""))[3:] if inf is not None else ""

