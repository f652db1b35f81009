"""EFD ICMS/IPI benchmark: records/s and peak memory writing a month of N documents.

Run: ``.venv/bin/python -m bench.bench_sped [--sizes 10000,100000,1000000] [--no-reference]``

Each (writer, size) runs in its own process so the peak memory (``ru_maxrss``) is that run's
alone. The documents are synthetic facts generated on the fly (no XML parsing): 80 % NFC-e with
one or two items, 20 % NF-e with a customer drawn from 500 and up to three items, ICMS 18 % and
CST 40 mixed, a cancelled document every 97. Both writers consume the same generator and write the
same records (block 0 with 0150, C100 + C190 per document, E100/E110, block 9) to a file; the
python-sped run leaves out 0005, 0100, E116 and 1010 (8 lines):

* ortho-fiscal   ``engine.sped.escrever_efd`` (streaming: block C spooled, registries collected);
* python-sped    the ``python-sped`` package (``bench`` extra), ``ArquivoDigital`` + ``Registro*``
                 objects, ``prepare()`` then ``write_to`` — it holds every record in memory.

Columns: records (lines written), seconds, records/s, peak RSS of the process and the growth of
the peak over the process after its imports (what the export itself costs). Goal (issue 7): at
least 5x python-sped's speed, and under 50 MB at 1,000,000 documents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from bench.common import table

SIZES = (10_000, 100_000, 1_000_000)
INICIO, FIM = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
CNPJ = "45997418000153"
CONFIG = {
    "cnpj": CNPJ, "nome": "INSTITUTO DE ORTODONTIA AVANCADA S.A.", "uf": "SP", "ie": "123456789012",
    "cod_mun": "3550308", "ind_perfil": "A", "ind_ativ": "1", "fantasia": "Instituto Orto+", "cep": "01426001",
    "end": "Rua Oscar Freire", "num": "500", "bairro": "Jardim Paulista", "fone": "1130305050",
    "contabilista": {"nome": "Carla Menezes", "cpf": "52998224725", "crc": "SP123456O8",
                     "email": "carla@contabil.example.com", "cod_mun": "3550308"},
    "obrigacao": {"cod_rec": "046-2", "dia_vencimento": 20},
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def documentos(n: int) -> Iterator[object]:
    """The synthetic month, generated lazily, ordered by date and number."""
    from engine.sped import DocumentoFiscal, Item, Participante, Situacao

    d2 = Decimal("0.01")
    itens = [
        Item(num_item=1, cod_item="ESC-001", descr="Escova", unid="UN", qtd=Decimal(2), vl_item=Decimal("37.80"),
             cst_icms="000", cfop="5102", vl_bc_icms=Decimal("37.80"), aliq_icms=Decimal("18.00"),
             vl_icms=Decimal("6.80")),
        Item(num_item=2, cod_item="ALN-SET", descr="Alinhadores", unid="KIT", qtd=Decimal(1),
             vl_item=Decimal("2400.00"), vl_desc=Decimal("240.00"), cst_icms="040", cfop="5102"),
        Item(num_item=3, cod_item="FIO-050", descr="Fio dental", unid="UN", qtd=Decimal(1), vl_item=Decimal("12.50"),
             cst_icms="000", cfop="5102", vl_bc_icms=Decimal("12.50"), aliq_icms=Decimal("18.00"),
             vl_icms=Decimal("2.25")),
    ]
    clientes = [Participante(cod_part=f"{10000000000 + k:011d}", nome=f"Cliente {k}", cpf=f"{10000000000 + k:011d}",
                             cod_mun="3550308", end="Rua das Flores", num=str(k), bairro="Centro") for k in range(500)]
    modelos: dict[tuple[str, int], DocumentoFiscal] = {}
    for modelo in ("55", "65"):
        for k in (1, 2, 3):
            its = tuple(itens[:k])
            modelos[(modelo, k)] = DocumentoFiscal(
                modelo=modelo, serie=1, numero=1, chave="", dt_doc=INICIO,
                vl_doc=sum((i.vl_opr for i in its), Decimal(0)).quantize(d2),
                vl_merc=sum((i.vl_item for i in its), Decimal(0)), vl_desc=sum((i.vl_desc for i in its), Decimal(0)),
                vl_bc_icms=sum((i.vl_bc_icms for i in its), Decimal(0)),
                vl_icms=sum((i.vl_icms for i in its), Decimal(0)), itens=its)
    numeros = {"55": 0, "65": 0}
    # The chave's DV (mod 11, weights 2..9 from the right) of the fixed parts is computed once; only
    # nNF varies (positions 26-34), so each key costs nine multiplications instead of 43.
    cnf = "48151623"
    prefixos = {m: f"352603{CNPJ}{m}001" for m in ("55", "65")}
    soma_fixa = {m: sum((ord(c) - 48) * (2 + i % 8) for i, c in enumerate(reversed(prefixos[m] + "0" * 9 + "1" + cnf)))
                 for m in prefixos}
    pesos_num = [2 + (i + 9) % 8 for i in range(9)][::-1]  # nNF sits 9 positions from the right (tpEmis + cNF)
    datas = [INICIO + dt.timedelta(days=d) for d in range(31)]
    regular, cancelado = Situacao.REGULAR, Situacao.CANCELADO
    for k in range(n):
        modelo = "55" if k % 5 == 0 else "65"
        numeros[modelo] += 1
        num = numeros[modelo]
        base = modelos[(modelo, 1 + k % 3 if modelo == "55" else 1 + k % 2)]
        digitos = f"{num:09d}"
        resto = (soma_fixa[modelo] + sum(int(c) * w for c, w in zip(digitos, pesos_num, strict=True))) % 11
        chave = f"{prefixos[modelo]}{digitos}1{cnf}{0 if resto < 2 else 11 - resto}"
        yield DocumentoFiscal(
            modelo=modelo, serie=1, numero=num, chave=chave, dt_doc=datas[k * 31 // n],
            situacao=cancelado if k % 97 == 96 else regular, vl_doc=base.vl_doc, vl_merc=base.vl_merc,
            vl_desc=base.vl_desc, vl_bc_icms=base.vl_bc_icms, vl_icms=base.vl_icms, itens=base.itens,
            participante=clientes[k % 500] if modelo == "55" else None)


class _Fonte:
    def __init__(self, n: int):
        self.n = n

    def documentos(self, cnpj: str, inicio: dt.date, fim: dt.date) -> Iterator[object]:
        return documentos(self.n)


def run_ours(n: int, path: str) -> dict[str, float]:
    from engine.sped import escrever_efd, parse_estabelecimento

    estab = parse_estabelecimento(CONFIG)
    base = _rss_mb()
    start = time.perf_counter()
    with open(path, "wb") as fh:
        resumo = escrever_efd(_Fonte(n), estab, INICIO, FIM, fh)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    return {"records": resumo.linhas, "seconds": elapsed, "rss": _rss_mb(), "base": base}


def _br(v: Decimal) -> str:
    return f"{v:.2f}".replace(".", ",")


def run_python_sped(n: int, path: str) -> dict[str, float]:
    from sped.efd.icms_ipi import registros as R
    from sped.efd.icms_ipi.arquivos import ArquivoDigital

    from engine.sped import Situacao
    from engine.sped.records import agrupar_c190

    base = _rss_mb()
    start = time.perf_counter()
    arq = ArquivoDigital()
    r0000 = arq._registro_abertura
    for campo, valor in (("COD_VER", "020"), ("COD_FIN", "0"), ("DT_INI", INICIO), ("DT_FIN", FIM),
                         ("NOME", CONFIG["nome"]), ("CNPJ", CNPJ), ("UF", "SP"), ("IE", CONFIG["ie"]),
                         ("COD_MUN", "3550308"), ("IND_PERFIL", "A"), ("IND_ATIV", "1")):
        setattr(r0000, campo, valor)
    bloco_c = arq._blocos["C"]
    participantes: dict[str, object] = {}
    debitos = Decimal("0.00")
    for doc in documentos(n):
        c100 = R.RegistroC100()
        c100.IND_OPER, c100.IND_EMIT, c100.COD_MOD = doc.ind_oper, doc.ind_emit, doc.modelo  # type: ignore[attr-defined]
        c100.COD_SIT, c100.SER, c100.NUM_DOC, c100.CHV_NFE = doc.situacao.value, "001", str(doc.numero), doc.chave  # type: ignore[attr-defined]
        bloco_c.add(c100)
        if doc.situacao is not Situacao.REGULAR:  # type: ignore[attr-defined]
            continue
        if doc.participante is not None:  # type: ignore[attr-defined]
            c100.COD_PART = doc.participante.cod_part  # type: ignore[attr-defined]
            participantes.setdefault(doc.participante.cod_part, doc.participante)  # type: ignore[attr-defined]
        c100.DT_DOC, c100.VL_DOC, c100.IND_PGTO = doc.dt_doc, doc.vl_doc, "0"  # type: ignore[attr-defined]
        c100.VL_DESC, c100.VL_ABAT_NT, c100.VL_MERC, c100.IND_FRT = doc.vl_desc, Decimal(0), doc.vl_merc, "9"  # type: ignore[attr-defined]
        c100.VL_FRT, c100.VL_SEG, c100.VL_OUT_DA = doc.vl_frt, doc.vl_seg, doc.vl_out_da  # type: ignore[attr-defined]
        c100.VL_BC_ICMS, c100.VL_ICMS = doc.vl_bc_icms, doc.vl_icms  # type: ignore[attr-defined]
        if doc.modelo == "55":  # type: ignore[attr-defined]
            c100.VL_BC_ICMS_ST, c100.VL_ICMS_ST, c100.VL_IPI = doc.vl_bc_icms_st, doc.vl_icms_st, doc.vl_ipi  # type: ignore[attr-defined]
        for g in agrupar_c190(doc.itens):  # type: ignore[attr-defined]
            # python-sped's C190 fields are plain text: the caller formats the numbers.
            c190 = R.RegistroC190()
            c190.CST_ICMS, c190.CFOP, c190.ALIQ_ICMS = g.cst_icms, g.cfop, _br(g.aliq_icms) if g.aliq_icms else ""
            c190.VL_OPR, c190.VL_BC_ICMS, c190.VL_ICMS = _br(g.vl_opr), _br(g.vl_bc_icms), _br(g.vl_icms)
            c190.VL_BC_ICMS_ST, c190.VL_ICMS_ST = _br(g.vl_bc_icms_st), _br(g.vl_icms_st)
            c190.VL_RED_BC, c190.VL_IPI = _br(g.vl_red_bc), _br(g.vl_ipi)
            bloco_c.add(c190)
            debitos += g.vl_icms
    for p in participantes.values():
        r0150 = R.Registro0150()
        r0150.COD_PART, r0150.NOME, r0150.COD_PAIS, r0150.CPF = p.cod_part, p.nome, "01058", p.cpf  # type: ignore[attr-defined]
        r0150.COD_MUN, r0150.END, r0150.NUM, r0150.BAIRRO = p.cod_mun, p.end, p.num, p.bairro  # type: ignore[attr-defined]
        arq._blocos["0"].add(r0150)
    e100 = R.RegistroE100()
    e100.DT_INI, e100.DT_FIN = INICIO, FIM
    e110 = R.RegistroE110()
    e110.VL_TOT_DEBITOS = e110.VL_SLD_APURADO = e110.VL_ICMS_RECOLHER = _br(debitos)
    arq._blocos["E"].add(e100)
    arq._blocos["E"].add(e110)
    arq.prepare()
    with open(path, "w", encoding="latin-1", newline="") as fh:
        arq.write_to(fh)
    elapsed = time.perf_counter() - start
    with open(path, "rb") as fh:
        records = sum(1 for _ in fh)
    return {"records": records, "seconds": elapsed, "rss": _rss_mb(), "base": base}


def _child(which: str, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-m", "bench.bench_sped", "--child", which, str(n),
                              str(Path(tmp) / "efd.txt")], capture_output=True, text=True, check=False,
                             cwd=Path(__file__).resolve().parents[1])
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--no-reference", action="store_true", help="skip python-sped")
    parser.add_argument("--child", nargs=3, metavar=("WRITER", "N", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        which, n, path = args.child
        res = (run_ours if which == "ours" else run_python_sped)(int(n), path)
        print(json.dumps(res))
        return 0
    try:
        import sped  # noqa: F401
        reference = not args.no_reference
        motivo = ""
    except ImportError:
        reference, motivo = False, "python-sped not installed (pip install -c requirements.lock -e '.[bench]')"
    rows: list[list[object]] = []
    status = 0
    for n in (int(s) for s in args.sizes.split(",")):
        ours = _child("ours", n)
        ours_rate = ours["records"] / ours["seconds"]
        ref_rate = None
        if reference:
            try:
                ref = _child("python-sped", n)
                ref_rate = ref["records"] / ref["seconds"]
                rows.append([f"{n:,}", "python-sped 1.1.4", f"{int(ref['records']):,}", f"{ref['seconds']:.2f}",
                             f"{ref_rate:,.0f}", f"{ref['rss']:.0f}", f"{ref['rss'] - ref['base']:.0f}", ""])
            except RuntimeError as exc:
                rows.append([f"{n:,}", "python-sped 1.1.4", "-", "-", "-", "-", "-", f"failed: {exc}"])
        speed_ok = ref_rate is None or ours_rate >= 5 * ref_rate
        mem_ok = n < 1_000_000 or ours["rss"] < 50
        goal = (f"{ours_rate / ref_rate:.1f}x python-sped (goal >= 5x)" if ref_rate else "speed: no reference")
        goal += f"; peak {ours['rss']:.0f} MB" + (" (goal < 50 MB)" if n >= 1_000_000 else "")
        goal += "" if speed_ok and mem_ok else "  <-- GOAL MISSED"
        rows.append([f"{n:,}", "ortho-fiscal", f"{int(ours['records']):,}", f"{ours['seconds']:.2f}",
                     f"{ours_rate:,.0f}", f"{ours['rss']:.0f}", f"{ours['rss'] - ours['base']:.0f}", goal])
        print(f"{n:,} documents done", file=sys.stderr, flush=True)
    print(table(["documents", "writer", "records", "seconds", "records/s", "peak RSS MB", "export MB", "goal"], rows))
    if motivo:
        print(f"\n{motivo}")
    return status


if __name__ == "__main__":
    sys.exit(main())
