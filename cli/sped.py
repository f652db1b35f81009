"""`ortho-fiscal sped validate|export|package`: the accountant's EFD ICMS/IPI commands.

* ``sped validate FILE``: structural validation of an EFD file (ours or from elsewhere); one line
  per problem, ``FILE:LINE: REG: message``; exit 0 valid (notes only), 1 invalid, 2 unreadable.
* ``sped export --emitter CNPJ --period YYYY-MM --out FILE [--database-url URL | --data-dir DIR]``:
  the EFD of one establishment and month from the service database (documents, events, voided
  ranges and the emitter's stored EFD configuration; ``--config`` replaces the stored one); or,
  with ``--xml-dir DIR --config ESTAB.json``, from a folder of distribution XMLs. Progress on
  stderr; the file is validated after writing.
* ``sped package --emitter CNPJ --period YYYY-MM --out FILE.zip [--database-url URL | --data-dir DIR]``
  (or ``--xml-dir DIR``, where ``--emitter`` is optional): the month's nfeProc/procEventoNFe/
  procInutNFe in a zip with a CSV summary.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from engine.documentos import normalizar
from engine.errors import Finding, FiscalError
from engine.sped import (
    PastaXml,
    escrever_efd,
    escrever_pacote,
    load_estabelecimento,
    periodo,
    validar_arquivo,
)
from engine.sped.config import ConfiguracaoInvalida


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "sped", help="EFD ICMS/IPI (SPED Fiscal): validar, gerar e empacotar o mês",
        description="EFD ICMS/IPI para o contador: validação estrutural, geração a partir dos XMLs do mês e o "
        "pacote mensal de XMLs com resumo CSV.")
    s = p.add_subparsers(dest="sped_command", metavar="COMANDO", required=True)

    v = s.add_parser("validate", help="valida a estrutura de um arquivo da EFD ICMS/IPI",
                     description="Valida hierarquia e ordem dos registros, campos obrigatórios, formatos, contagens "
                     "(X990, 9900, 9999), totais do C100 contra os C190, apuração E110 e regras condicionais do "
                     "PVA. Saída: 0 válido, 1 inválido, 2 arquivo ilegível.")
    v.add_argument("file", metavar="FILE", help="arquivo da EFD (texto ISO-8859-1)")
    v.set_defaults(handler=_validate)

    e = s.add_parser("export", help="gera a EFD ICMS/IPI de um estabelecimento e mês",
                     description="Gera a EFD ICMS/IPI do estabelecimento (CNPJ) e mês a partir de uma pasta com os "
                     "XMLs de distribuição (nfeProc, procEventoNFe, procInutNFe e NFe em contingência). O arquivo "
                     "gerado é validado em seguida.")
    e.add_argument("--emitter", required=True, metavar="CNPJ", help="CNPJ do estabelecimento")
    e.add_argument("--period", required=True, metavar="AAAA-MM", help="mês de referência")
    e.add_argument("--xml-dir", metavar="DIR",
                   help="pasta com os XMLs (lida recursivamente); sem ela, lê o banco de dados do serviço")
    e.add_argument("--config", metavar="ESTAB.json",
                   help="configuração do estabelecimento (perfil, contabilista, apuração); obrigatória com "
                   "--xml-dir; com o banco, substitui a configuração cadastrada")
    _db_args(e)
    e.add_argument("--out", required=True, metavar="FILE", help="arquivo da EFD a gerar")
    e.add_argument("--quiet", action="store_true", help="sem progresso no stderr")
    e.set_defaults(handler=_export)

    k = s.add_parser("package", help="pacote mensal: zip dos XMLs do período + resumo CSV",
                     description="Zip com todos os nfeProc, procEventoNFe e procInutNFe do período e um resumo.csv "
                     "(uma linha por documento: modelo, série, número, chave, data, situação, valor e tributos).")
    k.add_argument("--xml-dir", metavar="DIR",
                   help="pasta com os XMLs (lida recursivamente); sem ela, lê o banco de dados do serviço")
    k.add_argument("--period", required=True, metavar="AAAA-MM", help="mês de referência")
    k.add_argument("--out", required=True, metavar="FILE.zip", help="zip a gerar")
    k.add_argument("--emitter", metavar="CNPJ",
                   help="CNPJ do emitente (obrigatório com o banco; com --xml-dir, filtra os documentos)")
    _db_args(k)
    k.set_defaults(handler=_package)


def _db_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database-url", default=None,
                   help="URL do banco (padrão ORTHO_DATABASE_URL ou SQLite no --data-dir)")
    p.add_argument("--data-dir", default=None, help="diretório de dados (padrão ORTHO_DATA_DIR ou ./data)")


def _database(args: argparse.Namespace) -> Any:
    from adapters.db.engine import Database
    from api.settings import Settings

    settings = Settings.from_env(data_dir=args.data_dir, database_url=args.database_url)
    return Database(settings.effective_database_url)


def _fonte_banco(args: argparse.Namespace, cnpj: str) -> tuple[Any, Any, Any] | None:
    """(database, emitter row, Estabelecimento) for the database commands; None after printing why not."""
    from adapters import sped_source

    db = _database(args)
    try:
        with db.read() as conn:
            row = sped_source.resolver_emitente(conn, cnpj, tenant_id=None)
            if row is None:
                print(f"ortho-fiscal sped: emitente {cnpj} não cadastrado no banco", file=sys.stderr)
                db.dispose()
                return None
            estab = load_estabelecimento(args.config) if getattr(args, "config", None) else (
                sped_source.estabelecimento(conn, row) if hasattr(args, "config") else None)
    except ConfiguracaoInvalida as exc:
        onde = args.config or "configuração da EFD cadastrada"
        for f in exc.findings:
            print(f"{onde}: {f.path}: {f.mensagem}", file=sys.stderr)
        db.dispose()
        return None
    except BaseException:
        db.dispose()
        raise
    return db, row, estab


def _line(file: str, f: Finding) -> str:
    prefix = "advertência: " if f.severity != "error" else ""
    return f"{file}:{f.line or 0}: {f.path or '-'}: {prefix}{f.mensagem} [{f.code}]"


def _validate(args: argparse.Namespace) -> int:
    try:
        achados = validar_arquivo(args.file)
    except OSError as exc:
        print(f"{args.file}:0: -: arquivo ilegível: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for f in achados:
        print(_line(args.file, f))
    erros = sum(1 for f in achados if f.severity == "error")
    if erros:
        print(f"{args.file}: inválido ({erros} erro(s))", file=sys.stderr)
        return 1
    print(f"{args.file}: válido", file=sys.stderr)
    return 0


def _periodo(texto: str) -> tuple[Any, Any] | None:
    try:
        return periodo(texto)
    except ValueError as exc:
        print(f"ortho-fiscal sped: {exc}", file=sys.stderr)
        return None


def _export(args: argparse.Namespace) -> int:
    datas = _periodo(args.period)
    if datas is None:
        return 2
    cnpj = normalizar(args.emitter)
    db = None
    fonte: Any
    if args.xml_dir:
        pasta = Path(args.xml_dir)
        if not pasta.is_dir():
            print(f"ortho-fiscal sped: pasta não encontrada: {pasta}", file=sys.stderr)
            return 2
        if not args.config:
            print("ortho-fiscal sped: --config é obrigatório com --xml-dir", file=sys.stderr)
            return 2
        try:
            estab = load_estabelecimento(args.config)
        except ConfiguracaoInvalida as exc:
            for f in exc.findings:
                print(f"{args.config}: {f.path}: {f.mensagem}", file=sys.stderr)
            return 2
        fonte = PastaXml(pasta)
    else:
        from adapters.sped_source import BancoDocumentos

        aberto = _fonte_banco(args, cnpj)
        if aberto is None:
            return 2
        db, row, estab = aberto
        lendo = time.monotonic()

        def lidos(n: int) -> None:
            if not args.quiet:
                print(f"\r{n} documento(s) lido(s) do banco em {time.monotonic() - lendo:.1f} s".ljust(60), end="",
                      file=sys.stderr, flush=True)

        fonte = BancoDocumentos(db, row.id, progresso=lidos)
    try:
        return _export_de(args, fonte, estab, cnpj, datas)
    finally:
        if db is not None:
            db.dispose()


def _export_de(args: argparse.Namespace, fonte: Any, estab: Any, cnpj: str, datas: tuple[Any, Any]) -> int:
    if cnpj != estab.cnpj:
        print(f"ortho-fiscal sped: --emitter {cnpj} difere do CNPJ da configuração ({estab.cnpj})", file=sys.stderr)
        return 2
    inicio = time.monotonic()

    def progresso(n: int) -> None:
        if not args.quiet:
            print(f"\r{n} documento(s) processado(s) em {time.monotonic() - inicio:.1f} s".ljust(60), end="",
                  file=sys.stderr, flush=True)

    out = Path(args.out)
    # Written next to the destination and renamed at the end: a failed export never leaves half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if str(out.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            resumo = escrever_efd(fonte, estab, datas[0], datas[1], fh, progresso=progresso, progresso_cada=1000)
        os.replace(tmp, out)
    except FiscalError as exc:
        os.unlink(tmp)
        print(f"\northo-fiscal sped: {exc.path + ': ' if exc.path else ''}{exc.mensagem} [{exc.code}]",
              file=sys.stderr)
        return 1
    except BaseException:
        os.unlink(tmp)
        raise
    if not args.quiet:
        print(file=sys.stderr)
    for aviso in fonte.avisos:
        print(f"nota: {aviso.path}: {aviso.mensagem}", file=sys.stderr)
    for aviso in resumo.avisos:
        print(f"nota: {aviso}", file=sys.stderr)
    situacoes = ", ".join(f"COD_SIT {k}: {v}" for k, v in sorted(resumo.por_situacao.items()))
    recolher = f"{resumo.vl_icms_recolher:.2f}".replace(".", ",")
    print(f"{out}: {resumo.linhas} linhas, {resumo.documentos} documento(s) ({situacoes or 'nenhum'}), "
          f"COD_VER {resumo.cod_ver}, ICMS a recolher {recolher}", file=sys.stderr)
    achados = validar_arquivo(out)
    for f in achados:
        print(_line(str(out), f))
    return 1 if any(f.severity == "error" for f in achados) else 0


def _package(args: argparse.Namespace) -> int:
    datas = _periodo(args.period)
    if datas is None:
        return 2
    out = Path(args.out)
    if args.xml_dir:
        pasta = Path(args.xml_dir)
        if not pasta.is_dir():
            print(f"ortho-fiscal sped: pasta não encontrada: {pasta}", file=sys.stderr)
            return 2
        with open(out, "wb") as fh:
            resumo = escrever_pacote(pasta, datas[0], datas[1], fh,
                                     cnpj=normalizar(args.emitter) if args.emitter else None)
    else:
        from adapters.sped_source import escrever_pacote_banco

        if not args.emitter:
            print("ortho-fiscal sped: --emitter é obrigatório sem --xml-dir (pacote a partir do banco)",
                  file=sys.stderr)
            return 2
        aberto = _fonte_banco(args, normalizar(args.emitter))
        if aberto is None:
            return 2
        db, row, _ = aberto
        try:
            with open(out, "wb") as fh:
                resumo = escrever_pacote_banco(db, row.id, datas[0], datas[1], fh)
        finally:
            db.dispose()
    for aviso in resumo.avisos:
        print(f"nota: {aviso.path}: {aviso.mensagem}", file=sys.stderr)
    print(f"{out}: {resumo.arquivos} XML(s), {resumo.documentos} linha(s) no resumo.csv", file=sys.stderr)
    return 0
