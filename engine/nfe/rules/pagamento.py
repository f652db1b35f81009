"""Payments (MOC 7.0 group YA, NT 2016.002 / NT 2020.006).

* YA09 (cStat 866): sum of vPag greater than vNF requires vTroco.
* YA09 (cStat 869): vTroco, when there is change, must be sum of vPag - vNF.
* NFC-e (cStat 767): the payments must cover the total (sum of vPag >= vNF); the same check is
  applied to the NF-e unless the payment is "90 - sem pagamento" (devolução, ajuste, remessa),
  where SEFAZ has no rejection for it (no cStat then), or "91 - pagamento posterior" (Informe
  Técnico 2024.002 v1.10, in production since 03/11/2025: the payment happens after the sale, with
  vPag 0), where the sum is not compared with vNF at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from engine.errors import Finding
from engine.nfe.rules._doc import Doc, brl, dec, find, findall, finding, text


def rule_pagamento(doc: Doc) -> Iterator[Finding]:
    pag = find(doc.inf, "pag")
    vnf = dec(doc.total, "ICMSTot/vNF")
    if pag is None or vnf is None:
        return
    det_pags = findall(pag, "detPag")
    soma = sum((dec(d, "vPag") or Decimal(0) for d in det_pags), Decimal(0))
    troco_el = find(pag, "vTroco")
    troco = dec(troco_el)
    # tPag 90 (sem pagamento) and 91 (pagamento posterior) carry no payment to compare with vNF.
    sem_pagamento = any(text(d, "tPag") in ("90", "91") for d in det_pags)
    if soma > vnf and troco is None:
        yield finding(
            "NFE_PAG_SEM_TROCO",
            f"soma dos pagamentos {brl(soma)} maior que o total da nota vNF {brl(vnf)} sem informar o troco (vTroco)",
            None,
            "866",
            fallback=pag,
            suffix="vTroco",
        )
    elif troco is not None and (troco > 0 or soma > vnf) and troco != soma - vnf:
        # A zero vTroco with payments not exceeding vNF (e.g. tPag 90, vPag 0.00) is accepted by
        # SEFAZ (authorized documents carry it), so 869 applies only when there is change to give.
        yield finding(
            "NFE_PAG_TROCO",
            f"troco vTroco {brl(troco)} incorreto: deve ser a soma dos pagamentos {brl(soma)} menos vNF {brl(vnf)} "
            f"= {brl(soma - vnf)}",
            troco_el,
            "869",
        )
    if soma < vnf and not sem_pagamento:
        yield finding(
            "NFE_PAG_INSUFICIENTE",
            f"soma dos pagamentos {brl(soma)} menor que o total da nota vNF {brl(vnf)}",
            pag,
            "767" if doc.mod == "65" else None,
        )
