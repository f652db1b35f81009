"""Identification rules: dhEmi not in the future, cMunFG / emitter address consistent with cUF,
and the NFC-e (mod 65) restrictions of the MOC (NT 2012.004 and later).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from engine.errors import Finding
from engine.nfe.chave import sigla_uf
from engine.nfe.rules._doc import Doc, find, findall, finding, text

TOLERANCIA_FUTURO = dt.timedelta(minutes=5)
"""B09-10 (cStat 703): SEFAZ tolerates clocks a few minutes ahead; we use 5 minutes."""


def _parse_dh(valor: str) -> dt.datetime | None:
    try:
        dh = dt.datetime.fromisoformat(valor)
    except ValueError:
        return None
    return dh if dh.tzinfo is not None else None


def rule_dhemi(doc: Doc, now: dt.datetime) -> Iterator[Finding]:
    el = find(doc.ide, "dhEmi")
    valor = text(el)
    if el is None or not valor:
        return
    dh = _parse_dh(valor)
    if dh is None:
        return  # the schema (TDateTimeUTC) reports a malformed date
    if dh > now + TOLERANCIA_FUTURO:
        yield finding(
            "NFE_DHEMI_FUTURA",
            f"data/hora de emissão {valor} posterior ao horário atual ({now.isoformat(timespec='seconds')}) "
            "além da tolerância de 5 minutos",
            el,
            "703",
        )


def rule_uf(doc: Doc) -> Iterator[Finding]:
    """cMunFG (B12, cStat 271) and enderEmit/cMun (C10, 273) start with cUF; enderEmit/UF (C12, 247)
    is the sigla of cUF."""
    cuf = text(doc.ide, "cUF")
    if not cuf:
        return
    sigla = sigla_uf(cuf)
    mun_fg = find(doc.ide, "cMunFG")
    if text(mun_fg) and not (text(mun_fg) or "").startswith(cuf):
        yield finding(
            "NFE_CMUNFG_UF",
            f"município do fato gerador cMunFG {text(mun_fg)} não pertence à UF do emitente (cUF {cuf})",
            mun_fg,
            "271",
        )
    mun = find(doc.emit, "enderEmit/cMun")
    if text(mun) and not (text(mun) or "").startswith(cuf):
        yield finding(
            "NFE_CMUN_EMIT_UF",
            f"código do município do emitente {text(mun)} não pertence à UF do emitente (cUF {cuf})",
            mun,
            "273",
        )
    uf = find(doc.emit, "enderEmit/UF")
    if sigla and text(uf) and text(uf) != sigla:
        yield finding(
            "NFE_UF_EMIT",
            f"UF do endereço do emitente {text(uf)} diverge do código da UF cUF {cuf} ({sigla})",
            uf,
            "247",
        )


def rule_nfce(doc: Doc) -> Iterator[Finding]:
    """Restrictions of the NFC-e (mod 65), MOC 7.0 / NT 2012.004 (cStat 7xx), and the group
    infNFeSupl (QR-Code, NT 2015.002): required in the NFC-e (394), refused in the NF-e (393)."""
    supl = find(doc.nfe, "infNFeSupl")
    if doc.mod == "55" and supl is not None:
        yield finding(
            "NFE_INFNFESUPL", "NF-e (modelo 55) não pode ter o grupo infNFeSupl (QR-Code da NFC-e)", supl, "393"
        )
    if doc.mod != "65":
        return
    if supl is None:
        yield finding(
            "NFCE_SEM_QRCODE",
            "NFC-e sem o grupo infNFeSupl com o QR-Code",
            None,
            "394",
            fallback=doc.nfe,
            suffix="infNFeSupl",
        )
    ide, inf = doc.ide, doc.inf
    checks = (
        ("idDest", {"1"}, "707", "NFC-e só é permitida em operação interna (idDest = 1)"),
        ("indFinal", {"1"}, "716", "NFC-e só é permitida para consumidor final (indFinal = 1)"),
        ("indPres", {"1", "4"}, "717", "NFC-e só é permitida em operação presencial ou entrega em domicílio (1 ou 4)"),
        ("tpImp", {"4", "5"}, "709", "formato de DANFE da NFC-e deve ser 4 (DANFE NFC-e) ou 5 (mensagem eletrônica)"),
        ("tpNF", {"1"}, "706", "NFC-e não pode ser de entrada (tpNF = 1)"),
    )  # fmt: skip
    for campo, permitidos, cstat, mensagem in checks:
        el = find(ide, campo)
        valor = text(el)
        if valor is not None and valor not in permitidos:
            yield finding("NFCE_RESTRICAO", f"{mensagem}; informado {campo} = {valor}", el, cstat)
    proibidos = (
        ("ide/dhSaiEnt", "705", "NFC-e não pode informar data de entrada/saída (dhSaiEnt)"),
        ("ide/NFref", "708", "NFC-e não pode referenciar documento fiscal (NFref)"),
        ("dest/IE", "729", "NFC-e não pode informar a IE do destinatário"),
        ("dest/ISUF", "730", "NFC-e não pode informar a inscrição SUFRAMA do destinatário"),
        ("cobr", "760", "NFC-e não pode informar dados de cobrança (cobr)"),
        ("compra", "762", "NFC-e não pode informar dados de compra (compra)"),
        ("transp/transporta", "754", "NFC-e não pode informar dados do transportador"),
        ("det/imposto/IPI", "742", "NFC-e não pode informar o grupo do IPI"),
        ("det/imposto/II", "743", "NFC-e não pode informar o grupo do II"),
        ("det/imposto/PISST", "746", "NFC-e não pode informar o grupo do PIS-ST"),
        ("det/imposto/COFINSST", "749", "NFC-e não pode informar o grupo da COFINS-ST"),
    )
    for path, cstat, mensagem in proibidos:
        for el in findall(inf, path):
            # entrega a domicílio (indPres = 4) may identify the carrier (cStat 786)
            if path == "transp/transporta" and text(ide, "indPres") == "4":
                continue
            yield finding("NFCE_GRUPO_PROIBIDO", mensagem, el, cstat)
