"""`ortho-fiscal danfe FILE.xml --out FILE.pdf`: the DANFE (NF-e) or DANFE NFC-e of a document.

Exit 0: PDF written; 1: the document has no DANFE (the reason is printed: denied, wrong
protocol, EPEC without registration, NFC-e without QR-Code...); 2: unreadable input (missing file,
not XML, DOCTYPE) or unusable option.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from adapters.danfe import DanfeError, DanfeOptions, plan_danfe, render_danfe
from engine.errors import XmlError

MAX_LOGO_BYTES = 2 * 1024 * 1024


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "danfe",
        help="gera o PDF do DANFE (NF-e) ou do DANFE NFC-e",
        description="Gera o PDF do DANFE (modelo 55, A4) ou do DANFE NFC-e (modelo 65, bobina) de um NFe ou "
        "nfeProc, com as marcações de homologação (SEM VALOR FISCAL), contingência (off-line da NFC-e, SVC-AN, "
        "SVC-RS, EPEC) e o protocolo de autorização quando houver. Saída: 0 PDF gerado, 1 documento sem DANFE "
        "possível (o motivo é impresso), 2 arquivo ilegível ou opção inválida.",
    )
    p.add_argument("file", metavar="FILE.xml", help="NFe ou nfeProc (leiaute 4.00)")
    p.add_argument("--out", metavar="FILE.pdf", help="arquivo PDF de saída (padrão: FILE.pdf ao lado do XML)")
    p.add_argument(
        "--epec",
        metavar="PROC.xml",
        help="procEventoNFe do EPEC (evento 110140) registrado; exigido para NF-e com tpEmis 4 ainda sem autorização",
    )
    p.add_argument("--cancelada", action="store_true", help="imprime a marca d'água CANCELADA")
    p.add_argument("--logo", metavar="IMAGEM", help="logotipo do emitente (PNG ou JPEG)")
    p.add_argument(
        "--bobina", type=int, choices=(80, 58), default=80, help="largura da bobina do DANFE NFC-e em mm (padrão 80)"
    )
    p.set_defaults(handler=_danfe)


def _read(path: str, what: str, limit: int | None = None) -> bytes:
    p = Path(path)
    try:
        if limit is not None and p.stat().st_size > limit:
            raise XmlError(f"{what} {path} excede {limit} bytes", code="ARQUIVO_GRANDE")
        return p.read_bytes()
    except OSError as exc:
        raise XmlError(f"não foi possível ler {what} {path}: {exc.strerror}", code="ARQUIVO_ILEGIVEL") from exc


def _danfe(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else Path(args.file).with_suffix(".pdf")
    try:
        data = _read(args.file, "o arquivo")
        options = DanfeOptions(
            epec_proc_evento=_read(args.epec, "o EPEC") if args.epec else None,
            cancelada=args.cancelada,
            logo=_read(args.logo, "o logotipo", MAX_LOGO_BYTES) if args.logo else None,
            largura_bobina_mm=args.bobina,
        )
        plan = plan_danfe(data, options=options)
        pdf = render_danfe(data, options=options)
    except DanfeError as exc:
        print(f"{args.file}: {exc.path or '-'}: {exc.mensagem}{_cstat(exc.cstat)} [{exc.code}]", file=sys.stderr)
        return 1
    except XmlError as exc:
        line = getattr(exc, "line", None) or 0
        print(f"{args.file}:{line}: {exc.mensagem} [{exc.code}]", file=sys.stderr)
        return 2
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        print(f"{out}: não foi possível gravar o PDF: {exc.strerror}", file=sys.stderr)
        return 2
    marcas = "; ".join(plan.marcas) if plan.marcas else "nenhuma"
    situacao = f"autorizada, protocolo {plan.n_prot}" if plan.autorizado else "sem protocolo de autorização"
    print(f"{out}: {plan.documento} da chave {plan.chave} ({situacao}); marcações: {marcas}")
    return 0


def _cstat(cstat: str | None) -> str:
    return f" (cStat {cstat})" if cstat else ""
