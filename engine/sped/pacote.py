"""The accountant's monthly package: a zip of every nfeProc, procEventoNFe and procInutNFe of the
period, plus a CSV summary with one line per document.

The CSV is what a Brazilian spreadsheet opens directly: ``;`` separated, decimal comma, UTF-8
with BOM. Columns: modelo, serie, numero, chave, data, situacao, valor, icms, icms_st, ipi, pis,
cofins, eventos. A document's events (cancellation, CC-e) fold into its line: ``situacao`` says
cancelada when a cancellation was registered and ``eventos`` lists every event type. A voided
range is one line with ``numero`` = ``ini-fin``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from engine.errors import Finding
from engine.sped.xmlsource import NFE_NS, Entrada, indexar
from engine.sped.xmlsource import valor_decimal as _d
from engine.xml.parser import parse_xml_file

_N = "{" + NFE_NS + "}"

COLUNAS = ("modelo", "serie", "numero", "chave", "data", "situacao", "valor", "icms", "icms_st", "ipi", "pis",
           "cofins", "eventos")


@dataclass
class ResumoPacote:
    arquivos: int = 0
    documentos: int = 0
    avisos: list[Finding] = field(default_factory=list)


def _br(v: Decimal) -> str:
    return f"{v:.2f}".replace(".", ",")


def _totais(path: Path) -> list[str]:
    root = parse_xml_file(path)
    tot = root.find(f".//{_N}total/{_N}ICMSTot")
    return [_br(_d(tot, _N + "vNF")), _br(_d(tot, _N + "vICMS") + _d(tot, _N + "vFCP")),
            _br(_d(tot, _N + "vST") + _d(tot, _N + "vFCPST")), _br(_d(tot, _N + "vIPI")),
            _br(_d(tot, _N + "vPIS")), _br(_d(tot, _N + "vCOFINS"))]


def escrever_pacote(pasta: str | Path, inicio: dt.date, fim: dt.date, destino: BinaryIO, *,
                    cnpj: str | None = None) -> ResumoPacote:
    """Zip the period's distribution XMLs found under ``pasta`` (optionally of one emitter) into ``destino``.

    Events are included when their document is in the period (a cancellation registered on the
    1st of the next month still belongs to the month's package) or when they themselves are.
    """
    resumo = ResumoPacote()
    entradas = indexar(Path(pasta), avisos=resumo.avisos)
    docs = {e.chave: e for e in entradas
            if e.tipo == "nfe" and inicio <= e.data <= fim and (cnpj is None or e.cnpj == cnpj)}
    eventos: dict[str, list[Entrada]] = {}
    for e in entradas:
        if e.tipo == "evento" and (e.chave in docs or (inicio <= e.data <= fim and (cnpj is None or e.cnpj == cnpj))):
            eventos.setdefault(e.chave, []).append(e)
    inuts = [e for e in entradas
             if e.tipo == "inut" and inicio <= e.data <= fim and (cnpj is None or e.cnpj == cnpj)]
    csv_buf = io.StringIO()
    w = csv.writer(csv_buf, delimiter=";", lineterminator="\r\n")
    w.writerow(COLUNAS)
    linhas: list[tuple[tuple[dt.date, str, int, int], list[str]]] = []
    with zipfile.ZipFile(destino, "w", compression=zipfile.ZIP_DEFLATED) as z:
        nomes: set[str] = set()

        def _adicionar(e: Entrada, nome: str) -> None:
            if nome in nomes:
                return
            nomes.add(nome)
            # Fixed timestamp: the same folder gives the same zip (no wall clock in the engine).
            info = zipfile.ZipInfo(nome, date_time=(e.data.year, e.data.month, e.data.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, e.path.read_bytes())
            resumo.arquivos += 1

        for chave, e in docs.items():
            sufixo = "-nfeProc.xml" if e.status != "contingencia" else "-nfe-contingencia.xml"
            _adicionar(e, f"{e.modelo}/{chave}{sufixo}")
            evs = sorted(eventos.get(chave, []), key=lambda x: (x.data, x.tp_evento, x.path.name))
            for i, ev in enumerate(evs, start=1):
                _adicionar(ev, f"{e.modelo}/eventos/{chave}-{ev.tp_evento}-{i:02d}-procEventoNFe.xml")
            situacao = "cancelada" if any(ev.status == "cancelamento" for ev in evs) else e.status
            linhas.append(((e.data, e.modelo, e.serie, e.numero),
                           [e.modelo, str(e.serie), str(e.numero), chave, e.data.isoformat(), situacao,
                            *_totais(e.path), " ".join(ev.tp_evento for ev in evs)]))
        for chave, evs in eventos.items():
            if chave not in docs:  # event of a document outside the period/folder: still filed
                for i, ev in enumerate(evs, start=1):
                    _adicionar(ev, f"{ev.modelo}/eventos/{chave}-{ev.tp_evento}-{i:02d}-procEventoNFe.xml")
        for e in inuts:
            _adicionar(e, f"{e.modelo}/inutilizacoes/{e.modelo}-{e.serie:03d}-{e.numero:09d}-{e.numero_fim:09d}"
                          "-procInutNFe.xml")
            linhas.append(((e.data, e.modelo, e.serie, e.numero),
                           [e.modelo, str(e.serie), f"{e.numero}-{e.numero_fim}", "", e.data.isoformat(),
                            "inutilizada", "", "", "", "", "", "", ""]))
        linhas.sort(key=lambda par: par[0])
        for _, linha in linhas:
            w.writerow(linha)
        resumo.documentos = len(linhas)
        info = zipfile.ZipInfo("resumo.csv", date_time=(inicio.year, inicio.month, inicio.day, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, csv_buf.getvalue().encode("utf-8-sig"))
    return resumo
