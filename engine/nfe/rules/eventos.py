"""Checks of envEvento / evento / procEventoNFe and inutNFe that the XSD cannot express.

* Evento (MOC 7.0 item 5.8, leiaute do evento HP07): Id = "ID" + tpEvento + chNFe + nSeqEvento
  (2 digits), cStat 572; chNFe with a valid DV (236); author CNPJ/CPF check digits (489/490).
* Cancelamento por substituição (110112, NT 2018.004, NFC-e): the generic event schema skips
  detEvento (xs:any) and the official e110112 schema could not be obtained byte-exact (see
  schemas/xsd/README.md), so its fields are checked here as that schema defines them: descEvento,
  cOrgaoAutor, tpAutor 1, verAplic, nProt (15 digits), xJust (15-255), chNFeRef (a valid NFC-e chave
  other than chNFe); a violation is a schema error (225).
* Conciliação Financeira (ECONF, tpEvento 110750, NT 2024.002): no official e110750 schema is in
  our set, so detEvento is checked here (``conciliacao_findings``): descEvento "ECONF", verAplic,
  1-100 detPag each with indPag 0/1, tPag (NF-e YA02 table), xPag when tPag 99, vPag > 0 with two
  decimals, dPag AAAA-MM-DD, CNPJPag+UFPag together (CNPJIF only with them), tBand, cAut,
  CNPJReceb+UFReceb together; the field order follows the detPag order the event copies from the
  NF-e group YA (NT 2023.004 / NT 2024.002 as published by the nfephp sped-nfe builder); a violation
  is a schema error (225). cOrgao is 92 (SVRS) for NF-e, the UF's code for NFC-e (NT 2024.002 P08).
* Inutilização (leiaute DP07): Id = "ID" + cUF + ano(2) + CNPJ(14) + mod(2) + serie(3) +
  nNFIni(9) + nNFFin(9); CNPJ check digits (489); nNFIni <= nNFFin (224).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

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


DESC_CONCILIACAO = "ECONF"
C_ORGAO_SVRS = "92"  # NT 2024.002 P08: the ECONF of an NF-e (modelo 55) is received by the SVRS
# tPag of the NF-e group YA (MOC 7.0 YA02, NT 2020.006, NT 2023.004).
T_PAG = frozenset(
    {"01", "02", "03", "04", "05", "10", "11", "12", "13", "15", "16", "17", "18", "19", "20", "21", "22", "90", "99"}
)
_UFS = frozenset(
    {"AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI",
     "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO"}
)  # fmt: skip
# Order of the detPag children in the ECONF (the NF-e YA order with dPag, CNPJPag/UFPag/CNPJIF and
# CNPJReceb/UFReceb of NT 2023.004).
ORDEM_DET_PAG = (
    "indPag", "tPag", "xPag", "vPag", "dPag", "CNPJPag", "UFPag", "CNPJIF", "tBand", "cAut", "CNPJReceb", "UFReceb",
)  # fmt: skip
MAX_DET_PAG = 100
_VALOR = re.compile(r"^(0|[1-9][0-9]{0,12})\.[0-9]{2}$")  # TDec_1302
_DATA = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _det_pag_findings(pag: etree._Element, i: int) -> Iterator[Finding]:
    def erro(campo: str, mensagem: str) -> Finding:
        node = find(pag, campo)
        return finding(
            "EVENTO_CONCILIACAO", f"detPag[{i}]/{campo}: {mensagem}", node if node is not None else pag, "225"
        )

    nomes = [local(c) for c in pag if isinstance(c.tag, str)]
    unknown = [n for n in nomes if n not in ORDEM_DET_PAG]
    if unknown:
        yield erro(unknown[0], "campo não previsto no grupo detPag do ECONF")
    elif nomes != sorted(nomes, key=ORDEM_DET_PAG.index) or len(set(nomes)) != len(nomes):
        yield erro(nomes[0], f"campos fora da ordem do leiaute ({', '.join(ORDEM_DET_PAG)}) ou repetidos")
    ind = text(pag, "indPag")
    if ind is not None and ind not in ("0", "1"):
        yield erro("indPag", "deve ser 0 (à vista) ou 1 (a prazo)")
    t_pag = text(pag, "tPag") or ""
    if t_pag not in T_PAG:
        yield erro("tPag", f"meio de pagamento {t_pag!r} fora da tabela do leiaute (YA02)")
    x_pag = text(pag, "xPag")
    if x_pag is not None and not 2 <= len(x_pag) <= 60:
        yield erro("xPag", "descrição do meio de pagamento deve ter de 2 a 60 caracteres")
    if t_pag == "99" and not x_pag:
        yield erro("xPag", "obrigatório quando tPag = 99 (outros)")
    v_pag = text(pag, "vPag") or ""
    if not _VALOR.match(v_pag) or Decimal(v_pag) <= 0:
        yield erro("vPag", f"valor pago {v_pag!r} deve ser maior que zero, com duas casas decimais")
    d_pag = text(pag, "dPag") or ""
    try:
        ok_data = bool(_DATA.match(d_pag)) and date.fromisoformat(d_pag) is not None
    except ValueError:
        ok_data = False
    if not ok_data:
        yield erro("dPag", f"data do pagamento {d_pag!r} deve ser AAAA-MM-DD")
    for cnpj_tag, uf_tag in (("CNPJPag", "UFPag"), ("CNPJReceb", "UFReceb")):
        cnpj, uf = text(pag, cnpj_tag), text(pag, uf_tag)
        if (cnpj is None) != (uf is None):
            yield erro(cnpj_tag if cnpj is None else uf_tag, f"{cnpj_tag} e {uf_tag} são informados juntos")
        if cnpj is not None and not cnpj_valido(cnpj):
            yield erro(cnpj_tag, f"CNPJ {cnpj} inválido (dígito verificador)")
        if uf is not None and uf not in _UFS:
            yield erro(uf_tag, f"sigla de UF {uf!r} inválida")
    cnpj_if = text(pag, "CNPJIF")
    if cnpj_if is not None:
        if text(pag, "CNPJPag") is None:
            yield erro("CNPJIF", "só pode ser informado junto com CNPJPag/UFPag")
        elif not cnpj_valido(cnpj_if):
            yield erro("CNPJIF", f"CNPJ {cnpj_if} inválido (dígito verificador)")
    t_band = text(pag, "tBand")
    if t_band is not None and not (len(t_band) == 2 and t_band.isdigit()):
        yield erro("tBand", "bandeira do cartão deve ter 2 dígitos")
    c_aut = text(pag, "cAut")
    if c_aut is not None and not 1 <= len(c_aut) <= 128:
        yield erro("cAut", "código de autorização/identificador da transação deve ter de 1 a 128 caracteres")


def conciliacao_findings(inf: etree._Element) -> Iterator[Finding]:
    """detEvento of an ECONF (110750) and its cOrgao (see the module docstring)."""
    det = find(inf, "detEvento")
    chave = text(inf, "chNFe") or ""
    if det is None:
        return

    def erro(campo: str, mensagem: str, cstat: str = "225") -> Finding:
        node = find(det, campo)
        return finding("EVENTO_CONCILIACAO", f"{campo}: {mensagem}", node if node is not None else det, cstat)

    if text(det, "descEvento") != DESC_CONCILIACAO:
        yield erro("descEvento", f"deve ser exatamente {DESC_CONCILIACAO!r}")
    if not 1 <= len(text(det, "verAplic") or "") <= 20:
        yield erro("verAplic", "versão do aplicativo (1 a 20 caracteres) ausente")
    pags = findall(det, "detPag")
    if not 1 <= len(pags) <= MAX_DET_PAG:
        yield erro("detPag", f"informe de 1 a {MAX_DET_PAG} pagamentos (há {len(pags)})")
    for i, pag in enumerate(pags):
        yield from _det_pag_findings(pag, i)
    c_orgao = text(inf, "cOrgao") or ""
    esperado = C_ORGAO_SVRS if chave[20:22] == "55" else chave[0:2]
    if len(chave) == 44 and c_orgao != esperado:
        node = find(inf, "cOrgao")
        destino = "NF-e vai ao SVRS (92)" if esperado == C_ORGAO_SVRS else "NFC-e vai à UF da chave"
        yield finding(
            "EVENTO_CONCILIACAO",
            f"cOrgao {c_orgao!r}: o ECONF de {destino} — esperado {esperado} (NT 2024.002)",
            node if node is not None else inf,
            "226",
        )


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
        if tp == "110750":
            yield from conciliacao_findings(inf)
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
