"""SEFAZ business rules the XSD cannot express, over the lxml tree of a document (so they work for
documents built here, parsed from files or read from storage).

``nfe_findings(root, now=...)`` runs every NF-e/NFC-e rule on an NFe or nfeProc root;
``event_findings(root)`` the checks of envEvento / procEventoNFe / inutNFe. Each Finding carries a
stable ``code``, the field as XPath and as dotted model path, a pt-BR message and the cStat it
avoids. The catalogue is docs/validation.md.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from engine.errors import Finding
from engine.nfe.contingencia import contingency_findings
from engine.nfe.qrcode import check_qrcode
from engine.nfe.rules._doc import doc_of, find, local, nfes_of
from engine.nfe.rules.chave import rule_chave
from engine.nfe.rules.documentos import rule_documentos
from engine.nfe.rules.eventos import rule_eventos, rule_inutilizacao
from engine.nfe.rules.ide import rule_dhemi, rule_nfce, rule_uf
from engine.nfe.rules.pagamento import rule_pagamento
from engine.nfe.rules.totais import rule_icmstot, rule_issqntot, rule_reforma, rule_vnf, rule_vprod_item

__all__ = ["event_findings", "nfe_findings"]

_NFE_RULES = (
    rule_chave,
    rule_documentos,
    rule_uf,
    rule_nfce,
    rule_vprod_item,
    rule_icmstot,
    rule_issqntot,
    rule_vnf,
    rule_reforma,
    rule_pagamento,
)


def nfe_findings(root: etree._Element, *, now: dt.datetime) -> list[Finding]:
    """Business-rule findings of an NFe / nfeProc / enviNFe document (empty for other roots).

    ``now`` is an aware datetime (the caller's clock): dhEmi may not be later than now + 5 min.
    """
    if now.tzinfo is None:
        raise ValueError("now deve ter fuso horário (datetime aware)")
    findings: list[Finding] = []
    for nfe in nfes_of(root):
        doc = doc_of(nfe)
        if doc is None:
            continue
        for rule in _NFE_RULES:
            findings.extend(rule(doc))
        findings.extend(rule_dhemi(doc, now))
        # Contingency fields (556/557/558/711/713/783) and, for an NFC-e that has one, the QR-Code
        # against the document (395-399, 464); a missing infNFeSupl is rule_ide's 394 already.
        findings.extend(contingency_findings(nfe, now=now))
        if doc.mod == "65" and find(nfe, "infNFeSupl") is not None:
            findings.extend(check_qrcode(nfe))
    return findings


def event_findings(root: etree._Element) -> list[Finding]:
    """Checks of envEvento / evento / procEventoNFe / inutNFe roots (empty for other roots)."""
    kind = local(root)
    if kind == "inutNFe":
        return list(rule_inutilizacao(root))
    if kind in ("envEvento", "evento", "procEventoNFe"):
        return list(rule_eventos(root))
    return []
