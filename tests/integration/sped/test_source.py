"""adapters.sped_source.BancoDocumentos at scale (both databases): documents inserted through the
emission repository in an order unrelated to their dates come out ordered by (date, model, series,
number), and the memory used while streaming them does not grow with their number."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
import uuid
from dataclasses import replace

import pytest
from lxml import etree

from adapters.db.emitters import create_emitter
from adapters.sped_source import BancoDocumentos
from engine.emission import DocStatus
from engine.nfe.build.emitter import parse_emitente
from engine.xml.parser import parse_xml
from tests.integration.emission.conftest import MASTER, emitente_config, new_cnpj
from tests.integration.sped.conftest import Month

_N = "{http://www.portalfiscal.inf.br/nfe}"


def _variant(template: bytes, chave: str, numero: int, dh_emi: str) -> bytes:
    """The stored NFC-e with another chave, number and dhEmi (the source does not check signatures)."""
    root = parse_xml(template)
    inf = root.find(f"{_N}infNFe")
    assert inf is not None
    inf.set("Id", "NFe" + chave)
    ide = inf.find(f"{_N}ide")
    assert ide is not None
    ide.find(f"{_N}nNF").text = str(numero)  # type: ignore[union-attr]
    ide.find(f"{_N}dhEmi").text = dh_emi  # type: ignore[union-attr]
    return etree.tostring(root)


def _fill(month: Month, n: int) -> tuple[str, str]:
    """A new emitter of t1 with ``n`` authorized NFC-e whose dates run backwards as numbers grow."""
    db = month.resources.db
    now = dt.datetime.now(dt.UTC)
    cnpj = new_cnpj()
    with db.write() as conn:
        rec = create_emitter(conn, tenant_id="t1", emitente=parse_emitente(emitente_config(cnpj)), keyring=MASTER,
                             now=now)
    with month.env.repo.reader() as uow:
        base = uow.get_document("t1", ref="venda-1")
    assert base is not None and base.signed_xml is not None and base.chave is not None
    ano, mes = int(month.period[:4]), int(month.period[5:])
    with month.env.repo.unit_of_work() as uow:
        for i in range(1, n + 1):
            chave = base.chave[:6] + cnpj + base.chave[20:25] + f"{i:09d}" + base.chave[34:]
            dia = 28 - (i * 28 // (n + 1))  # later numbers, earlier days
            dh = f"{ano:04d}-{mes:02d}-{dia:02d}T10:00:00-03:00"
            uow.insert_document(replace(
                base, id=uuid.uuid4().hex, emitter_id=rec.id, ref=f"scale-{cnpj}-{i}", number=i, chave=chave,
                signed_xml=_variant(base.signed_xml, chave, i, dh), status=DocStatus.AUTHORIZED))
    return rec.id, cnpj


def _consume(month: Month, emitter_id: str, cnpj: str) -> tuple[int, int, float, list[tuple[object, ...]]]:
    inicio = dt.date(int(month.period[:4]), int(month.period[5:]), 1)
    fim = inicio.replace(day=28)
    lidos: list[int] = []
    fonte = BancoDocumentos(month.resources.db, emitter_id, progresso=lidos.append, progresso_cada=100)
    keys: list[tuple[object, ...]] = []
    tracemalloc.start()
    started = time.perf_counter()
    try:
        n = 0
        for fato in fonte.documentos(cnpj, inicio, fim):
            n += 1
            if n % 50 == 0:
                keys.append(fato.chave_ordem)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fonte.avisos == []
    assert lidos == list(range(100, n + 1, 100))  # progress while the month is read, before the first fact
    return n, peak, elapsed, keys


@pytest.mark.parametrize("small,large", [(150, 600)])
def test_streamed_in_date_order_with_memory_independent_of_the_count(month: Month, small: int, large: int) -> None:
    a = _consume(month, *_fill(month, small))
    b = _consume(month, *_fill(month, large))
    assert (a[0], b[0]) == (small, large)
    assert b[3] == sorted(b[3]) and b[3][0] != b[3][-1]  # dates ran backwards in the table: sorted here
    # Four times the documents, (about) the same peak: nothing is kept per document. The slack is the
    # spool's insert batch (500 facts, about 0.5 MiB), which the smaller month never fills.
    assert b[1] < a[1] * 1.5 + 512 * 1024, (a[1], b[1])
    print(f"\nBancoDocumentos: {large} documentos em {b[2]:.2f} s ({large / b[2]:.0f}/s sob tracemalloc), "
          f"pico {b[1] / 1024:.0f} KiB ({small}: {a[1] / 1024:.0f} KiB)")
