"""Streaming EFD ICMS/IPI writer: one pass over the source, constant memory in the number of documents.

The file must list the participants (0150), units (0190) and items (0200) of block 0 **before**
the documents of block C that reference them, and the apuração (E110) and the record counts
(9900) after. Reading the source twice would cost a second full database scan / XML parse, so
the writer reads it once: block C is spooled to a temporary file while the block-0 registries,
the E110 totals and the per-record counts are collected; then block 0 is written, the spool is
copied (64 KiB chunks) and the remaining blocks follow.

Memory is O(distinct participants + distinct items + C190 combinations of one document + 1601
pairs of payment institution and intermediary), not
O(documents): only NF-e (55) carry a COD_PART, and own-issue NF-e/NFC-e need no C170, so a month
of one million NFC-e keeps a handful of registry entries.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from engine.errors import ConfigurationError
from engine.sped import records as r
from engine.sped.config import Estabelecimento
from engine.sped.facts import DocumentoFiscal, FonteDocumentos, Item, NumeracaoInutilizada, Participante, Situacao
from engine.sped.layout import ORDEM_BLOCOS, versao_para

# Codes 04 (denied) and 05 (voided) are discontinued from January 2023 (Guia 3.1.8, C100 campo 06;
# Ajustes SINIEF 34/2021 and 38/2021 already made them optional from 01/12/2021).
FIM_COD_SIT_04_05 = dt.date(2022, 12, 31)

# CFOP excluded from / added to E110.VL_TOT_DEBITOS (Guia 3.1.8, E110 campo 02).
CFOP_TRANSFERENCIA_SALDO = "5605"

Progresso = Callable[[int], None]

_LOTE = 2048  # lines joined and encoded per write


class _Saida:
    """Lines to a binary stream: ISO-8859-1, CR LF, counted per record type."""

    __slots__ = ("_buf", "_out", "contagem", "linhas")

    def __init__(self, out: BinaryIO, contagem: dict[str, int]):
        self._out = out
        self._buf: list[str] = []
        self.contagem = contagem
        self.linhas = 0

    def linha(self, campos: list[str]) -> None:
        reg = campos[0]
        self.contagem[reg] = self.contagem.get(reg, 0) + 1
        self.linhas += 1
        self._buf.append("|" + "|".join(campos) + "|\r\n")
        if len(self._buf) >= _LOTE:
            self.flush()

    def flush(self) -> None:
        if self._buf:
            # Text is ISO-8859-1 by the layout; a character outside it becomes "?" rather than
            # aborting a month's export (the NF-e itself is UTF-8).
            self._out.write("".join(self._buf).encode("latin-1", errors="replace"))
            self._buf.clear()


@dataclass
class ResumoEfd:
    """What was written: line counts per record, documents by situation, what was left out and why."""

    linhas: int = 0
    registros: dict[str, int] = field(default_factory=dict)
    documentos: int = 0  # C100 written
    por_situacao: dict[str, int] = field(default_factory=dict)
    omitidos: int = 0  # denied/voided after 2022, or third-party documents not bookkept
    cod_ver: str = ""
    cod_ver_inferido: bool = False
    vl_icms_recolher: Decimal = Decimal("0.00")
    pagamentos_eletronicos: int = 0  # regular sales paid by card/Pix (1010.IND_CART, register 1601)
    registros_1601: int = 0
    sem_instituicao: int = 0  # electronic payments whose document lacks the institution's CNPJ
    vl_sem_instituicao: Decimal = Decimal("0.00")  # their value, left out of 1601 (see avisos)
    avisos: list[str] = field(default_factory=list)  # pt-BR notes for the accountant


def _expandir(fatos: Iterator[DocumentoFiscal | NumeracaoInutilizada], cnpj: str
              ) -> Iterator[DocumentoFiscal]:
    """Voided ranges become one document per number (COD_SIT 05, no chave)."""
    for fato in fatos:
        if isinstance(fato, NumeracaoInutilizada):
            for n in range(fato.num_ini, fato.num_fin + 1):
                yield DocumentoFiscal(modelo=fato.modelo, serie=fato.serie, numero=n, chave="", dt_doc=fato.data,
                                      situacao=Situacao.INUTILIZADO)
        else:
            yield fato


def _acumular_1601(doc: DocumentoFiscal, totais: dict[tuple[str, str], Decimal],
                   participantes: dict[str, Participante], resumo: ResumoEfd) -> None:
    """Add a regular sale's electronic payments to its (institution, intermediary) total.

    Both parties go to 0150 with their CNPJ as COD_PART (1601 campos 02 and 03 must exist in 0150).
    The NF-e carries no name for them, so the CNPJ is also the 0150 NOME until the accountant edits it.
    """
    # Payments above the document's value (vTroco given back) are capped at vNF: 1601 reports the
    # value of the sales, not the amount handed over (the change is deducted from the last payment).
    excesso = max(sum((p.valor for p in doc.pagamentos), Decimal("0.00")) - doc.vl_doc, Decimal("0.00"))
    for pag in reversed(doc.pagamentos):
        valor = pag.valor
        if excesso:
            corte = min(excesso, valor)
            valor -= corte
            excesso -= corte
        if not pag.cnpj_ip:
            resumo.sem_instituicao += 1
            resumo.vl_sem_instituicao += valor
            continue
        for cnpj in (pag.cnpj_ip, pag.cnpj_it):
            if cnpj:
                participantes.setdefault(cnpj, Participante(cod_part=cnpj, nome=cnpj, cnpj=cnpj))
        chave = (pag.cnpj_ip, pag.cnpj_it)
        totais[chave] = totais.get(chave, Decimal("0.00")) + valor


def _vencimento(fim: dt.date, dia: int) -> dt.date:
    """Day ``dia`` of the month after the period (clamped to the month's last day)."""
    proximo = fim + dt.timedelta(days=1)
    for d in range(dia, 27, -1):
        try:
            return proximo.replace(day=d)
        except ValueError:
            continue
    return proximo.replace(day=min(dia, 28))


def escrever_efd(fonte: FonteDocumentos, estab: Estabelecimento, inicio: dt.date, fim: dt.date, destino: BinaryIO,
                 *, progresso: Progresso | None = None, progresso_cada: int = 10_000) -> ResumoEfd:
    """Write the EFD ICMS/IPI of ``estab`` for ``[inicio, fim]`` to ``destino`` (binary stream).

    ``progresso(n)`` is called every ``progresso_cada`` documents and once at the end.
    Raises ConfigurationError when the apuração has ICMS to pay and the configuration lacks the
    E116 data (COD_REC, due date).
    """
    versao = versao_para(fim)
    resumo = ResumoEfd(cod_ver=versao.cod_ver, cod_ver_inferido=versao.inferida)
    contagem: dict[str, int] = {}
    reporta_04_05 = fim <= FIM_COD_SIT_04_05
    participantes: dict[str, Participante] = {}
    itens: dict[str, Item] = {}
    unidades: dict[str, None] = {}
    apuracao = r.Apuracao(vl_sld_credor_ant=estab.saldo_credor_anterior)
    # 1601: one running total per (institution, intermediary) — O(institutions), not O(documents).
    totais_1601: dict[tuple[str, str], Decimal] = {}
    sem_pis_cofins = estab.entrega_efd_contribuicoes

    with tempfile.TemporaryFile(prefix="efd-bloco-c-") as spool:
        bloco_c = _Saida(spool, contagem)
        n_docs = 0
        for doc in _expandir(fonte.documentos(estab.cnpj, inicio, fim), estab.cnpj):
            n_docs += 1
            if progresso is not None and n_docs % progresso_cada == 0:
                progresso(n_docs)
            sit = doc.situacao
            if sit in (Situacao.DENEGADO, Situacao.INUTILIZADO) and not reporta_04_05:
                resumo.omitidos += 1
                continue
            resumo.por_situacao[sit.value] = resumo.por_situacao.get(sit.value, 0) + 1
            if doc.pagamento_eletronico and sit.escriturada:
                resumo.pagamentos_eletronicos += 1
                if doc.ind_oper == "1" and doc.ind_emit == "0":
                    _acumular_1601(doc, totais_1601, participantes, resumo)
            cod_part = ""
            if doc.modelo == "55" and doc.participante is not None and sit.escriturada:
                # The same sanitised code in C100 and 0150 (a '|' in a code would split the field).
                cod_part = r.texto(doc.participante.cod_part, 60)
                participantes.setdefault(cod_part, doc.participante)
            bloco_c.linha(r.c100(doc, cod_part=cod_part, sem_pis_cofins=sem_pis_cofins, dt_fin=fim))
            if not sit.escriturada:
                continue  # Exceção 1: no child records
            # Own-issue NF-e/NFC-e: C100 + C190 only (Exceção 2); third-party NF-e: C170 per item.
            if doc.ind_emit == "1":
                for it in doc.itens:
                    bloco_c.linha(r.c170(it))
                    itens.setdefault(r.texto(it.cod_item, 60), it)
                    unidades.setdefault(r.texto(it.unid, 6))
            for g in r.agrupar_c190(doc.itens):
                bloco_c.linha(g.campos())
                if sit.extemporanea:
                    apuracao.deb_esp += g.vl_icms if doc.ind_oper == "1" else Decimal("0.00")
                elif doc.ind_oper == "1":
                    if g.cfop != CFOP_TRANSFERENCIA_SALDO:
                        apuracao.vl_tot_debitos += g.vl_icms
                elif g.cfop != "1605":
                    apuracao.vl_tot_creditos += g.vl_icms
        bloco_c.flush()
        resumo.documentos = contagem.get("C100", 0)
        tem_c = bloco_c.linhas > 0

        saida = _Saida(destino, contagem)
        # Bloco 0
        saida.linha(r.r0000(estab, versao.cod_ver, inicio, fim))
        saida.linha(r.abertura("0001", True))
        if estab.ind_ativ == "0" and estab.clas_estab_ind:
            saida.linha(r.r0002(estab.clas_estab_ind))
        saida.linha(r.r0005(estab))
        saida.linha(r.r0100(estab.contabilista))
        for p in participantes.values():
            saida.linha(r.r0150(p))
        for u in unidades:
            saida.linha(r.r0190(u, u))
        for it in itens.values():
            saida.linha(r.r0200(it))
        # 0990 counts 0000 too (Guia 3.1.8, 0990).
        saida.linha(r.encerramento("0990", saida.linhas + 1))
        # Bloco B: only establishments domiciled in DF report it (ISS); the others open and close it.
        saida.linha(r.abertura("B001", False))
        saida.linha(r.encerramento("B990", 2))
        # Bloco C (spooled)
        saida.linha(r.abertura("C001", tem_c))
        saida.flush()
        spool.seek(0)
        shutil.copyfileobj(spool, destino, 64 * 1024)
    saida.linhas += bloco_c.linhas
    saida.linha(r.encerramento("C990", bloco_c.linhas + 2))
    # Bloco D: no transport services.
    saida.linha(r.abertura("D001", False))
    saida.linha(r.encerramento("D990", 2))
    # Bloco E
    for aj in estab.ajustes:
        apuracao.ajustar(aj.cod_aj_apur, aj.descricao or "", aj.valor)
    antes_e = saida.linhas
    saida.linha(r.abertura("E001", True))
    saida.linha(r.r_e100(inicio, fim))
    saida.linha(apuracao.e110())
    for campos in apuracao.e111():
        saida.linha(campos)
    a_recolher = apuracao.vl_icms_recolher + apuracao.deb_esp
    if a_recolher > 0:
        # E116 is required when VL_ICMS_RECOLHER + DEB_ESP > 0 (their sum equals the sum of VL_OR).
        ob = estab.obrigacao
        if ob is None:
            raise ConfigurationError(
                f"a apuração tem ICMS a recolher ({r.num(a_recolher)}): informe 'obrigacao' (cod_rec e "
                "dia_vencimento) na configuração do estabelecimento para o registro E116",
                code="SPED_E116_SEM_CONFIGURACAO", path="obrigacao")
        saida.linha(r.r_e116(ob.cod_or, a_recolher, _vencimento(fim, ob.dia_vencimento), ob.cod_rec, inicio))
    saida.linha(r.encerramento("E990", saida.linhas - antes_e + 1))
    resumo.vl_icms_recolher = apuracao.vl_icms_recolher
    # Blocos G (CIAP), H (inventário), K (produção/estoque): not applicable to this profile.
    for bloco in "GHK":
        saida.linha(r.abertura(f"{bloco}001", False))
        saida.linha(r.encerramento(f"{bloco}990", 2))
    # Bloco 1: 1010 is always required.
    saida.linha(r.abertura("1001", True))
    saida.linha(r.r1010(estab, ind_cart="S" if totais_1601 else "N"))
    for (ip, intermediador), total in sorted(totais_1601.items()):
        # Sales of goods (NF-e/NFC-e) are all in the ICMS field (TOT_VS); ISS and others stay zero
        # because these documents carry no services (Guia 3.1.8, 1601 campos 04-06).
        saida.linha(r.r1601(ip, intermediador, total, Decimal("0.00"), Decimal("0.00")))
    resumo.registros_1601 = len(totais_1601)
    saida.linha(r.encerramento("1990", 3 + len(totais_1601)))
    # Bloco 9: one 9900 per record type (including 9900, 9990 and 9999 themselves).
    saida.linha(r.abertura("9001", True))
    tipos = [*sorted(contagem, key=lambda reg: (ORDEM_BLOCOS.index(reg[0]), reg)), "9900", "9990", "9999"]
    n9900 = len(tipos)
    finais = {"9900": n9900, "9990": 1, "9999": 1}
    for reg in tipos:
        saida.linha(r.r9900(reg, finais.get(reg, contagem.get(reg, 0))))
    saida.linha(r.encerramento("9990", 1 + n9900 + 2))  # 9001 + 9900s + 9990 + 9999
    saida.linha(r.encerramento("9999", saida.linhas + 1))
    saida.flush()
    if progresso is not None:
        progresso(n_docs)
    resumo.linhas = saida.linhas
    if resumo.omitidos:
        resumo.avisos.append(f"{resumo.omitidos} documento(s) denegado(s) ou número(s) inutilizado(s) não "
                             "escriturado(s): os códigos de situação 04 e 05 só valem até 31/12/2022")
    if resumo.sem_instituicao:
        resumo.avisos.append(
            f"{resumo.sem_instituicao} pagamento(s) eletrônico(s) somando {r.num(resumo.vl_sem_instituicao)} sem o "
            "CNPJ da instituição de pagamento no documento (detPag/card/CNPJ): ficaram fora do registro 1601, que "
            "exige COD_PART_IP; inclua-os no PVA com a instituição do contrato (credenciadora ou PSP)")
    if versao.inferida:
        resumo.avisos.append(f"COD_VER {versao.cod_ver} (leiaute {versao.leiaute}) foi inferido, não lido da tabela "
                             "oficial 3.1.1: confirme no portal do SPED antes de transmitir")
    resumo.registros = dict(contagem)
    return resumo
