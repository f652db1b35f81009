"""Checks of envEvento / evento / procEventoNFe and inutNFe that the XSD cannot express.

* Evento (MOC 7.0 item 5.8, leiaute do evento HP07): Id = "ID" + tpEvento + chNFe + nSeqEvento
  (2 digits), cStat 572; chNFe with a valid DV (236); author CNPJ/CPF check digits (489/490).
* Cancelamento por substituição (110112, NT 2018.004, NFC-e): the generic event schema skips
  detEvento (xs:any) and the official e110112 schema could not be obtained byte-exact (see
  schemas/xsd/README.md), so its fields are checked here as that schema defines them: descEvento,
  cOrgaoAutor, tpAutor 1, verAplic, nProt (15 digits), xJust (15-255), chNFeRef (a valid NFC-e chave
  other than chNFe); a violation is a schema error (225).
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


_DESC_SUBSTITUICAO = "Cancelamento por substituicao"


def _substituicao(inf: etree._Element, chave: str) -> Iterator[Finding]:
    det = find(inf, "detEvento")
    if det is None:
        return

    def erro(campo: str, mensagem: str) -> Finding:
        node = find(det, campo)
        return finding("EVENTO_SUBSTITUICAO", f"{campo}: {mensagem}", node if node is not None else det, "225")

    if text(det, "descEvento") != _DESC_SUBSTITUICAO:
        yield erro("descEvento", f"deve ser exatamente {_DESC_SUBSTITUICAO!r}")
    if not (text(det, "cOrgaoAutor") or "").isdigit() or len(text(det, "cOrgaoAutor") or "") != 2:
        yield erro("cOrgaoAutor", "código IBGE da UF do autor (2 dígitos) ausente ou inválido")
    if text(det, "tpAutor") != "1":
        yield erro("tpAutor", "o autor do cancelamento por substituição é a empresa emitente (tpAutor 1)")
    if not 1 <= len(text(det, "verAplic") or "") <= 20:
        yield erro("verAplic", "versão do aplicativo (1 a 20 caracteres) ausente")
    n_prot = text(det, "nProt") or ""
    if not (n_prot.isdigit() and len(n_prot) == 15):
        yield erro("nProt", "protocolo de autorização da NFC-e cancelada deve ter 15 dígitos")
    if not 15 <= len((text(det, "xJust") or "").strip()) <= 255:
        yield erro("xJust", "justificativa deve ter de 15 a 255 caracteres")
    ref = text(det, "chNFeRef") or ""
    if len(ref) != 44 or [f for f in check_chave(ref) if f.code in ("CHAVE_DV", "CHAVE_FORMATO")]:
        yield erro("chNFeRef", "chave da NFC-e substituta ausente ou inválida")
    elif ref == chave:
        yield erro("chNFeRef", "a NFC-e substituta deve ter chave diferente da cancelada")
    if chave[20:22] != "65" or (len(ref) == 44 and ref[20:22] != "65"):
        yield erro("chNFeRef", "cancelamento por substituição só se aplica à NFC-e (modelo 65)")


def rule_eventos(root: etree._Element) -> Iterator[Finding]:
    for inf in _inf_eventos(root):
        tp, ch, seq = text(inf, "tpEvento") or "", text(inf, "chNFe") or "", text(inf, "nSeqEvento") or ""
        ch_el = find(inf, "chNFe")
        if ch:
            for f in check_chave(ch):
                if f.code in ("CHAVE_DV", "CHAVE_CNPJ", "CHAVE_UF", "CHAVE_MODELO"):
                    yield finding("EVENTO_CHAVE", f"chNFe do evento: {f.mensagem}", ch_el, f.cstat)
        yield from _documento(inf)
        if tp == "110112":
            yield from _substituicao(inf, ch)
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
