"""Checks of envEvento / evento / procEventoNFe and inutNFe that the XSD cannot express.

* Evento (MOC 7.0 item 5.8, leiaute do evento HP07): Id = "ID" + tpEvento + chNFe + nSeqEvento
  (2 digits), cStat 572; chNFe with a valid DV (236); author CNPJ/CPF check digits (489/490).
* Inutilização (leiaute DP07): Id = "ID" + cUF + ano(2) + CNPJ(14) + mod(2) + serie(3) +
  nNFIni(9) + nNFFin(9); CNPJ check digits (489); nNFIni <= nNFFin (224).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.documentos import cnpj_valido, cpf_valido
from engine.errors import Finding
from engine.nfe.chave import check_chave
from engine.nfe.rules._doc import find, findall, finding, local, text


def _inf_eventos(root: etree._Element) -> list[etree._Element]:
    if local(root) == "evento":
        return findall(root, "infEvento")
    if local(root) == "envEvento":
        return findall(root, "evento/infEvento")
    if local(root) == "procEventoNFe":
        return findall(root, "evento/infEvento")
    return []


def _documento(el: etree._Element) -> Iterator[Finding]:
    for tag, cstat in (("CNPJ", "489"), ("CPF", "490")):
        node = find(el, tag)
        valor = text(node)
        if node is None or not valor:
            continue
        ok = cnpj_valido(valor) if tag == "CNPJ" else cpf_valido(valor)
        if not ok:
            yield finding(f"{tag}_INVALIDO", f"{tag} {valor} inválido (dígito verificador ou zeros)", node, cstat)


def rule_eventos(root: etree._Element) -> Iterator[Finding]:
    for inf in _inf_eventos(root):
        tp, ch, seq = text(inf, "tpEvento") or "", text(inf, "chNFe") or "", text(inf, "nSeqEvento") or ""
        ch_el = find(inf, "chNFe")
        if ch:
            for f in check_chave(ch):
                if f.code in ("CHAVE_DV", "CHAVE_CNPJ", "CHAVE_UF", "CHAVE_MODELO"):
                    yield finding("EVENTO_CHAVE", f"chNFe do evento: {f.mensagem}", ch_el, f.cstat)
        yield from _documento(inf)
        if tp and ch and seq.isdigit():
            esperado = f"ID{tp}{ch}{int(seq):02d}"
            ident = inf.get("Id") or ""
            if ident != esperado:
                yield finding(
                    "EVENTO_ID",
                    f"Id do evento {ident!r} não corresponde à concatenação 'ID' + tpEvento + chNFe + nSeqEvento "
                    f"({esperado})",
                    inf,
                    "572",
                )


def rule_inutilizacao(root: etree._Element) -> Iterator[Finding]:
    inf = find(root, "infInut") if local(root) == "inutNFe" else None
    if inf is None:
        return
    yield from _documento(inf)
    campos = [text(inf, c) or "" for c in ("cUF", "ano", "CNPJ", "mod", "serie", "nNFIni", "nNFFin")]
    cuf, ano, cnpj, mod, serie, ini, fin = campos
    if not (serie.isdigit() and ini.isdigit() and fin.isdigit()):
        return  # the schema names the malformed field
    if cnpj == "":
        cnpj = (text(inf, "CPF") or "").zfill(14)
    if int(ini) > int(fin):
        yield finding(
            "INUT_FAIXA",
            f"faixa a inutilizar inválida: número inicial {int(ini)} maior que o final {int(fin)}",
            find(inf, "nNFIni"),
            "224",
        )
    esperado = f"ID{cuf}{ano}{cnpj}{mod}{int(serie):03d}{int(ini):09d}{int(fin):09d}"
    ident = inf.get("Id") or ""
    if ident != esperado:
        yield finding(
            "INUT_ID",
            f"Id da inutilização {ident!r} não corresponde à concatenação dos campos ({esperado})",
            inf,
            None,
        )
