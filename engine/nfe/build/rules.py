"""Cross-field rules of the friendly input that would otherwise become a SEFAZ rejection.

Each finding names the JSON field, says what is wrong in pt-BR and carries the cStat it avoids.
(Document-level rules on the rendered XML — chave, DV, totals — live in the rules module of
``engine.nfe`` and run in ``validate``; these run before anything is built.)
"""

from __future__ import annotations

from decimal import Decimal

import states
from engine.errors import Finding
from engine.nfe.build.emitter import Emitente
from engine.nfe.build.input import Venda
from engine.nfe.build.money import ZERO

NAO_PRESENCIAL = (2, 3, 4, 9)  # indPres values that require indIntermed (NT 2020.006)


def validar_venda(venda: Venda, emitente: Emitente) -> list[Finding]:
    f: list[Finding] = []

    def add(code: str, path: str, mensagem: str, cstat: str | None = None) -> None:
        f.append(Finding(code=code, path=path, mensagem=mensagem, cstat=cstat))

    cliente = venda.cliente
    if cliente is not None and cliente.endereco is not None:
        end = cliente.endereco
        if end.codigo_municipio[:2] != states.uf(end.uf).codigo:
            add("DEST_MUNICIPIO_UF", "cliente.endereco.codigo_municipio",
                f"município {end.codigo_municipio} não pertence à UF {end.uf}", "275")
    if venda.modelo == 65:
        if cliente is not None and cliente.ie:
            add("NFCE_DEST_IE", "cliente.ie", "NFC-e não pode ter IE do destinatário (consumidor final)", "729")
        if venda.presenca not in (1, 4):
            add("NFCE_PRESENCA", "presenca", "NFC-e só é aceita para venda presencial (1) ou entrega a domicílio (4)",
                "717")
        if venda.presenca != 4 and (venda.frete.modalidade != 9 or venda.frete.valor > ZERO):
            add("NFCE_FRETE", "frete", "NFC-e sem entrega a domicílio deve ter modalidade de frete 9 e valor 0", "753")
        if venda.presenca == 4:
            if cliente is None:
                add("NFCE_ENTREGA_DEST", "cliente", "NFC-e de entrega a domicílio exige o cliente identificado", "787")
            elif cliente.endereco is None:
                add("NFCE_ENTREGA_END", "cliente.endereco",
                    "NFC-e de entrega a domicílio exige o endereço do cliente", "788")
        if not venda.consumidor_final:
            add("NFCE_CONSUMIDOR_FINAL", "consumidor_final", "NFC-e é sempre para consumidor final (indFinal=1)")
        if not venda.pagamentos:
            add("NFCE_SEM_PAGAMENTO", "pagamentos", "NFC-e exige ao menos uma forma de pagamento", "769")
        if emitente.qrcode_versao == 2 and emitente.csc is None:
            add("NFCE_SEM_CSC", "emitente.csc", "QR-Code versão 2 exige o CSC do emitente", "796")
    else:
        if cliente is None:
            add("NFE_SEM_DEST", "cliente", "NF-e exige a identificação do cliente (CPF ou CNPJ)", "719")
        else:
            if not cliente.nome:
                add("NFE_DEST_NOME", "cliente.nome", "NF-e exige o nome do cliente", "724")
            if cliente.endereco is None:
                add("NFE_DEST_ENDERECO", "cliente.endereco", "NF-e exige o endereço do cliente", "726")
        if venda.presenca == 4:
            add("NFE_PRESENCA_4", "presenca", "presença 4 (entrega a domicílio) é exclusiva da NFC-e", "794")
    if venda.intermediador is not None and venda.presenca not in NAO_PRESENCIAL:
        add("INTERMEDIADOR_PRESENCIAL", "intermediador",
            "intermediador só pode ser informado em operação não presencial (presenca 2, 3, 4 ou 9)")
    for i, pag in enumerate(venda.pagamentos):
        if pag.forma == "90" and venda.modelo == 65:
            add("NFCE_SEM_PAGAMENTO_90", f"pagamentos[{i}].forma", "NFC-e não aceita a forma 90 (sem pagamento)")
        if pag.valor == ZERO and pag.forma not in ("90", "91"):
            add("PAGAMENTO_ZERO", f"pagamentos[{i}].valor", "valor do pagamento deve ser maior que zero")
        if pag.forma == "91" and pag.valor != ZERO:
            # Informe Técnico 2024.002 v1.10: the deferred part is declared with vPag 0.00.
            add("PAGAMENTO_POSTERIOR_VALOR", f"pagamentos[{i}].valor",
                "forma 91 (pagamento posterior) é informada com valor 0: a parte paga depois não tem valor aqui")
        if pag.forma in ("03", "04") and pag.cartao is None:
            add("CARTAO_AUSENTE", f"pagamentos[{i}].cartao",
                "pagamento com cartão exige os dados do cartão (ao menos 'integracao')", "391")
        if pag.cartao is not None and pag.cartao.integracao == 1:
            c = pag.cartao
            for campo, valor in (("cnpj_credenciadora", c.cnpj_credenciadora), ("bandeira", c.bandeira),
                                 ("autorizacao", c.autorizacao)):
                if not valor:
                    add("CARTAO_INTEGRADO", f"pagamentos[{i}].cartao.{campo}",
                        "pagamento integrado (TEF) exige CNPJ da credenciadora, bandeira e autorização", "392")
    return f


def validar_pagamentos(venda: Venda, v_nf: Decimal) -> tuple[Decimal | None, list[Finding]]:
    """Payments must cover vNF unless part is deferred (tPag 91); the excess is the change (vTroco).
    Returns (vTroco, findings)."""
    if not venda.pagamentos:
        return None, []
    total = sum((p.valor for p in venda.pagamentos), ZERO)
    posterior = any(p.forma == "91" for p in venda.pagamentos)  # the rest is paid later (IT 2024.002 v1.10)
    if total < v_nf and not posterior:
        cstat = "767" if venda.modelo == 65 else None
        return None, [Finding(code="PAGAMENTO_INSUFICIENTE", path="pagamentos", cstat=cstat,
                              mensagem=f"a soma dos pagamentos ({total}) é menor que o total da nota ({v_nf})")]
    troco = total - v_nf
    return (troco if troco > ZERO else None), []
