"""CNPJ/CPF check digits of every party of the NF-e, and the DV of referenced keys (MOC 7.0 groups
C, E, F, G, GA, X, BA; cStat per party as in the MOC rejection table).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.documentos import cnpj_valido, cpf_valido
from engine.errors import Finding
from engine.nfe.chave import dv_chave
from engine.nfe.rules._doc import Doc, finding, iter_text

# (path below infNFe, tag, human name, cStat)
_PARTIES: tuple[tuple[str, str, str, str | None], ...] = (
    ("emit", "CNPJ", "CNPJ do emitente", "207"),
    ("emit", "CPF", "CPF do emitente", "401"),
    ("dest", "CNPJ", "CNPJ do destinatário", "208"),
    ("dest", "CPF", "CPF do destinatário", "237"),
    ("retirada", "CNPJ", "CNPJ do local de retirada", "512"),
    ("retirada", "CPF", "CPF do local de retirada", "540"),
    ("entrega", "CNPJ", "CNPJ do local de entrega", "514"),
    ("entrega", "CPF", "CPF do local de entrega", "541"),
    ("autXML", "CNPJ", "CNPJ autorizado a obter o XML (autXML)", "489"),
    ("autXML", "CPF", "CPF autorizado a obter o XML (autXML)", "490"),
    ("transp/transporta", "CNPJ", "CNPJ do transportador", "542"),
    ("transp/transporta", "CPF", "CPF do transportador", "543"),
    ("ide/NFref/refNF", "CNPJ", "CNPJ da NF modelo 1/1A referenciada", "548"),
    ("ide/NFref/refNFP", "CNPJ", "CNPJ da NF de produtor referenciada", "549"),
    ("ide/NFref/refNFP", "CPF", "CPF da NF de produtor referenciada", "550"),
    ("infIntermed", "CNPJ", "CNPJ do intermediador da transação", "489"),
    ("pag/detPag/card", "CNPJ", "CNPJ da instituição de pagamento (card)", "489"),
    ("infRespTec", "CNPJ", "CNPJ do responsável técnico", "489"),
)


def rule_documentos(doc: Doc) -> Iterator[Finding]:
    for parent, tag, nome, cstat in _PARTIES:
        for el, valor in iter_text(doc.inf, f"{parent}/{tag}"):
            if not valor:
                continue
            ok = cnpj_valido(valor) if tag == "CNPJ" else cpf_valido(valor)
            if not ok:
                yield finding(
                    f"NFE_{tag}_INVALIDO",
                    f"{nome} inválido: {valor} (dígito verificador não confere ou número zerado)",
                    el,
                    cstat,
                )
    for el, chave in iter_text(doc.inf, "ide/NFref/refNFe"):
        if re.fullmatch(r"[0-9A-Z]{44}", chave):  # a malformed key is reported by the schema
            dv = dv_chave(chave[:43])
            if dv != chave[43]:
                yield finding(
                    "NFE_REFNFE_DV",
                    f"chave da NF-e referenciada {chave} com dígito verificador inválido (calculado {dv})",
                    el,
                    "547",
                )
