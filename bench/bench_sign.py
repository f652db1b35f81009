"""Signing benchmark: NFC-e (3 items) and NF-e (50 items), signatures per second.

Run: ``.venv/bin/python -m bench.bench_sign [--seconds S]``

Columns, all measured in this run on the same documents with the same RSA-2048 key:

* floor            one RSA-2048 PKCS#1 v1.5 SHA-1 signature + lxml C14N + SHA-1 of the infNFe;
* ortho-fiscal     ``certificates.xmldsig.sign_document`` (our signer; returns the signed bytes);
* signxml          signxml 5.2 configured for the profile (``Sha1XMLSigner``), as an alternative;
* python-xmlsec    libxmlsec1 through python-xmlsec, template signing (the C reference);
* PyNFe            ``pynfe.processamento.assinatura.AssinaturaA1.assinar`` (``bench`` extra);
* erpbrasil        ``erpbrasil.assinatura.Assinatura.assina_xml2``: it pins signxml<4 and
                   pyOpenSSL<24.3 (so cryptography<44), which cannot live beside our signxml 5.2 /
                   cryptography 50; set ``BENCH_ERPBRASIL_PYTHON`` to the interpreter of a separate
                   virtualenv with it installed and it is timed there, in the same run, on the same files.

Goal (issue 3): within 1.5x of the floor and faster than both libraries.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from certificates.sha1_profile import Sha1XMLSigner
from certificates.testpki import TestCA
from certificates.xmldsig import sign_document

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
NF = f"{{{NFE_NS}}}"
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PASSWORD = "bench"  # throwaway test certificate
SAMPLES = Path(__import__("nfelib").__file__).parent / "nfe" / "samples" / "v4_0"


def _unsigned(path: Path) -> etree._Element:
    root = etree.parse(str(path), etree.XMLParser(remove_blank_text=True)).getroot()
    for sig in list(root.iter(f"{{{DS_NS}}}Signature")):
        sig.getparent().remove(sig)  # type: ignore[union-attr]
    nfe = root if etree.QName(root).localname == "NFe" else root.find(NF + "NFe")
    assert nfe is not None
    return etree.fromstring(etree.tostring(nfe))


def with_items(nfe: etree._Element, count: int) -> etree._Element:
    """Repeat the sample's items up to ``count`` (``nItem`` 1..count), keeping the schema order."""
    inf = nfe.find(NF + "infNFe")
    assert inf is not None
    dets = inf.findall(NF + "det")
    last = dets[-1]
    for det in dets:
        inf.remove(det)
    anchor = inf.find(NF + "total")
    assert anchor is not None
    for n in range(1, count + 1):
        det = copy.deepcopy(dets[(n - 1) % len(dets)])
        det.set("nItem", str(n))
        anchor.addprevious(det)
    del last
    return nfe


def documents() -> dict[str, etree._Element]:
    nfce = with_items(_unsigned(SAMPLES / "nfce_contingencia.xml"), 3)
    nfe = with_items(_unsigned(SAMPLES / "leiauteNFe" / "35180834128745000152550010000476051695511860-nfe.xml"), 50)
    return {"NFC-e (3 itens)": nfce, "NF-e (50 itens)": nfe}


ROUNDS = 15


def _rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second of CPU time of this process: other processes on a shared machine change
    the wall-clock time of a call, not its CPU time."""
    n = 0
    cpu = time.process_time()
    deadline = time.perf_counter() + seconds
    while True:
        fn()
        n += 1
        if time.perf_counter() >= deadline:
            return n / max(time.process_time() - cpu, 1e-9)


def measure(cells: dict[tuple[str, str], Callable[[], object]], seconds: float) -> dict[tuple[str, str], float]:
    """Best rate of each cell over ``ROUNDS`` interleaved rounds: every implementation is measured
    right after the others, so a load spike from other processes (the machine is shared) hits
    them alike, and the best round is the least disturbed one (as ``timeit`` does)."""
    for fn in cells.values():
        for _ in range(5):
            fn()
    best = dict.fromkeys(cells, 0.0)
    for _ in range(ROUNDS):
        for key, fn in cells.items():
            best[key] = max(best[key], _rate(fn, seconds / ROUNDS))
    return best


def _erpbrasil(python: str, docs: dict[str, Path], pfx: Path, seconds: float) -> dict[str, float] | str:
    script = r"""
import json, sys, time
from lxml import etree
from erpbrasil.assinatura.certificado import Certificado
from erpbrasil.assinatura.assinatura import Assinatura
args = json.loads(sys.argv[1])
assinatura = Assinatura(Certificado(args["pfx"], args["password"]))
out = {}
for name, path in args["docs"].items():
    data = open(path, "rb").read()
    ref = etree.fromstring(data).find(".//{http://www.portalfiscal.inf.br/nfe}infNFe").get("Id")
    def once():
        assinatura.assina_xml2(etree.fromstring(data), ref)
    for _ in range(5):
        once()
    best = 0.0
    for _ in range(15):
        n, start, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - start < args["seconds"] / 15:
            once()
            n += 1
        best = max(best, n / max(time.process_time() - cpu, 1e-9))
    out[name] = best
print(json.dumps(out))
"""
    payload = json.dumps(
        {"pfx": str(pfx), "password": PASSWORD, "docs": {k: str(v) for k, v in docs.items()}, "seconds": seconds}
    )
    done = subprocess.run([python, "-c", script, payload], capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        return "falhou: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de assinatura XMLDSig (NF-e/NFC-e)")
    parser.add_argument("--seconds", type=float, default=1.0, help="tempo de medição por célula (padrão 1 s)")
    args = parser.parse_args(argv)

    ca = TestCA.create(now=NOW)
    issued = ca.issue_ecnpj(cnpj="11222333000181", not_before=NOW, not_after=NOW.replace(year=2027))
    a1 = issued.to_a1()
    key = issued.private_key
    key_pem, cert_pem = issued.key_pem(), issued.cert_pem()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sign-"))
    pfx_path = tmp / "a1.pfx"
    pfx_path.write_bytes(issued.to_pfx(PASSWORD))
    docs = documents()
    doc_files: dict[str, Path] = {}
    for i, (name, doc) in enumerate(docs.items()):
        doc_files[name] = tmp / f"doc{i}.xml"
        doc_files[name].write_bytes(etree.tostring(doc))

    columns: dict[str, dict[str, float | str]] = {}
    cells: dict[tuple[str, str], Callable[[], object]] = {}

    def add(column: str, doc_name: str, value: Callable[[], object] | float | str) -> None:
        columns.setdefault(column, {})[doc_name] = value if isinstance(value, float | str) else 0.0
        if not isinstance(value, float | str):
            cells[(column, doc_name)] = value

    try:
        import xmlsec
    except ImportError:  # pragma: no cover
        xmlsec = None
    try:
        from pynfe.processamento.assinatura import AssinaturaA1

        pynfe: object | str = AssinaturaA1(str(pfx_path), PASSWORD)
    except Exception as exc:  # report it, do not crash the benchmark
        pynfe = f"não instalado ({type(exc).__name__}: {exc}); pip install -c requirements.lock -e '.[bench]'"

    for name, doc in docs.items():
        inf = doc.find(NF + "infNFe")
        assert inf is not None
        ref = "#" + inf.get("Id", "")

        def floor(inf: etree._Element = inf) -> bytes:
            digest = hashlib.sha1(etree.tostring(inf, method="c14n")).digest()
            # RSA over a SignedInfo-sized message (the real SignedInfo is ~700 bytes).
            return key.sign(digest + b"." * 700, padding.PKCS1v15(), hashes.SHA1())

        add("floor (RSA + C14N + SHA-1)", name, floor)

        work = copy.deepcopy(doc)
        add("ortho-fiscal (sign_document)", name, lambda work=work: sign_document(work, a1))

        signer = Sha1XMLSigner()
        add(
            "signxml 5.2 (Sha1XMLSigner)",
            name,
            lambda doc=doc, signer=signer, ref=ref: etree.tostring(
                signer.sign(copy.deepcopy(doc), key=key, cert=cert_pem.decode(), reference_uri=ref)
            ),
        )

        if xmlsec is not None:
            template = etree.fromstring(sign_document(copy.deepcopy(doc), a1))
            xkey = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)

            def via_xmlsec(template: etree._Element = template, xkey: object = xkey) -> bytes:
                tree = copy.deepcopy(template)
                ctx = xmlsec.SignatureContext()
                ctx.key = xkey
                inf_copy = tree.find(NF + "infNFe")
                ctx.register_id(inf_copy, "Id")
                ctx.sign(tree.find(f"{{{DS_NS}}}Signature"))
                return etree.tostring(tree)

            add("python-xmlsec (libxmlsec1)", name, via_xmlsec)

        if isinstance(pynfe, str):
            add("PyNFe 0.6.5", name, pynfe)
        else:
            assinar = pynfe.assinar  # type: ignore[attr-defined]
            add(
                "PyNFe 0.6.5",
                name,
                lambda doc=doc, assinar=assinar: assinar(copy.deepcopy(doc)),
            )

    for (column, doc_name), rate in measure(cells, args.seconds).items():
        columns[column][doc_name] = rate

    erp_python = os.environ.get("BENCH_ERPBRASIL_PYTHON")
    if erp_python:
        erp = _erpbrasil(erp_python, doc_files, pfx_path, args.seconds)
        for name in docs:
            add("erpbrasil.assinatura 1.8.1", name, erp if isinstance(erp, str) else erp[name])
    else:
        for name in docs:
            add(
                "erpbrasil.assinatura 1.8.1",
                name,
                "não medido: exige signxml<4 e pyOpenSSL<24.3 (incompatível com signxml 5.2/cryptography 50); "
                "defina BENCH_ERPBRASIL_PYTHON",
            )

    floor_col = columns["floor (RSA + C14N + SHA-1)"]
    print(
        f"Assinaturas por segundo de CPU (1 núcleo, RSA-2048, Python {sys.version.split()[0]}, "
        f"{args.seconds:g} s/célula)"
    )
    header = f"{'implementação':32}" + "".join(f"{n:>28}" for n in docs)
    print(header)
    print("-" * len(header))
    notes: list[str] = []
    for column, cells in columns.items():
        line = f"{column:32}"
        for name in docs:
            value = cells[name]
            if isinstance(value, str):
                line += f"{'n/d':>28}"
                if value not in notes:
                    notes.append(f"{column}: {value}")
            else:
                base = floor_col[name]
                assert isinstance(base, float)
                cell = f"{value:8.0f}/s {1000 / value:6.3f} ms {base / value:4.2f}x"
                line += f"{cell:>28}"
        print(line)
    print("(Nx = tempo por assinatura em relação ao piso; meta: ortho-fiscal <= 1.5x)")
    for note in notes:
        print("nota:", note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
