"""`ortho-fiscal certs make-test|inspect`, `ortho-fiscal sign` and `ortho-fiscal verify`.

Passwords come from an environment variable named on the command line (``--password-env``), never
from an argument (arguments are visible in the process list and shell history) and are never
printed. Exit codes: 0 ok/valid, 1 unusable certificate / invalid signature, 2 usage error or
unreadable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_TEST_PASSWORD = "teste"  # noqa: S105 - only for `certs make-test`, documented


def register(sub: Any) -> None:
    certs: argparse.ArgumentParser = sub.add_parser(
        "certs", help="certificados A1 (teste e inspeção)", description="Certificados A1 ICP-Brasil."
    )
    csub = certs.add_subparsers(dest="certs_command", metavar="SUBCOMMAND", required=True)

    mk = csub.add_parser(
        "make-test",
        help="gera uma cadeia de teste (raiz -> intermediária -> e-CNPJ A1) e o .pfx",
        description="Gera um certificado e-CNPJ A1 de TESTE, no formato ICP-Brasil, e a cadeia (PEM).",
    )
    mk.add_argument("--cnpj", required=True, help="CNPJ (numérico ou alfanumérico) do certificado")
    mk.add_argument("--out", required=True, type=Path, help="arquivo .pfx a gravar")
    mk.add_argument(
        "--password-env", help=f"variável de ambiente com a senha do .pfx (padrão: '{DEFAULT_TEST_PASSWORD}')"
    )
    mk.add_argument("--not-before", help="início da validade (AAAA-MM-DD ou ISO 8601; padrão: ontem)")
    mk.add_argument("--not-after", help="fim da validade (AAAA-MM-DD ou ISO 8601; padrão: daqui a 1 ano)")
    mk.add_argument("--razao-social", default="CLINICA ODONTOLOGICA TESTE LTDA", help="nome no certificado")
    mk.add_argument("--legacy", action="store_true", help="cifra PKCS#12 legada (3DES, MAC SHA-1), como ACs antigas")
    mk.add_argument("--trust-out", type=Path, help="PEM da cadeia (raiz e intermediária); padrão: <out>.cadeia.pem")
    mk.set_defaults(handler=_make_test)

    ins = csub.add_parser(
        "inspect",
        help="mostra identidade e validade de um .pfx",
        description="Mostra a identidade ICP-Brasil e a validade de um certificado A1; sai com 1 se inutilizável.",
    )
    ins.add_argument("pfx", type=Path, help="arquivo .pfx/.p12")
    ins.add_argument("--password-env", required=True, help="variável de ambiente com a senha")
    ins.add_argument("--cnpj", help="CNPJ do emitente: confere a raiz do CNPJ do certificado (cStat 213)")
    ins.set_defaults(handler=_inspect)

    sg = sub.add_parser(
        "sign",
        help="assina NFe/evento/inutNFe de um XML",
        description="Assina (XMLDSig, padrão da NF-e) cada NFe, evento ou inutNFe do arquivo.",
    )
    sg.add_argument("xml", type=Path, help="arquivo XML")
    sg.add_argument("--pfx", required=True, type=Path, help="certificado A1 (.pfx/.p12)")
    sg.add_argument("--password-env", required=True, help="variável de ambiente com a senha")
    sg.add_argument("--out", type=Path, help="arquivo de saída (padrão: saída padrão)")
    sg.set_defaults(handler=_sign)

    vf = sub.add_parser(
        "verify",
        help="verifica as assinaturas de um XML",
        description="Verifica cada assinatura (NFe, evento, inutNFe, protNFe, retEvento...) do arquivo.",
    )
    vf.add_argument("xml", type=Path, help="arquivo XML assinado")
    vf.add_argument("--trust", type=Path, help="PEM com as ACs confiáveis (raízes e intermediárias)")
    vf.add_argument("--at", help="data/hora para conferir a validade da cadeia (padrão: a do documento)")
    vf.set_defaults(handler=_verify)


def _err(message: str) -> None:
    print(f"erro: {message}", file=sys.stderr)


def _when(value: str | None, default: datetime) -> datetime:
    if not value:
        return default
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _password(var: str | None, *, default: str | None = None) -> str | None:
    if var is None:
        return default
    value = os.environ.get(var)
    if value is None:
        _err(f"variável de ambiente {var} não definida (deve conter a senha do certificado)")
    return value


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        _err(f"não foi possível ler {path}: {exc.strerror}")
        return None


def _make_test(args: argparse.Namespace) -> int:
    from certificates.identity import is_valid_cnpj, normalize_cnpj
    from certificates.testpki import TestCA

    password = _password(args.password_env, default=DEFAULT_TEST_PASSWORD)
    if password is None:
        return 2
    cnpj = normalize_cnpj(args.cnpj)
    if not is_valid_cnpj(cnpj):
        _err(f"CNPJ inválido (dígitos verificadores não conferem): {args.cnpj}")
        return 2
    now = datetime.now(UTC)
    try:
        not_before = _when(args.not_before, now - timedelta(days=1))
        not_after = _when(args.not_after, now + timedelta(days=365))
    except ValueError:
        _err("data inválida: use AAAA-MM-DD ou ISO 8601")
        return 2
    if not_after <= not_before:
        _err("--not-after deve ser posterior a --not-before")
        return 2
    ca = TestCA.create(now=min(now, not_before), years=max(10, (not_after.year - now.year) + 2))
    issued = ca.issue_ecnpj(cnpj=cnpj, razao_social=args.razao_social, not_before=not_before, not_after=not_after)
    trust_out = args.trust_out or args.out.with_name(args.out.name + ".cadeia.pem")
    try:
        args.out.write_bytes(issued.to_pfx(password, legacy=args.legacy))
        trust_out.write_bytes(ca.trust_pem())
    except OSError as exc:
        _err(f"não foi possível gravar: {exc.strerror}")
        return 2
    print(f"certificado de TESTE gravado em {args.out} (CNPJ {cnpj}, válido até {not_after:%d/%m/%Y})")
    print(f"cadeia (raiz e intermediária) gravada em {trust_out}")
    if args.password_env is None:
        print(f"senha padrão de teste: '{DEFAULT_TEST_PASSWORD}'")
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from certificates.a1 import load_pkcs12, usability_errors
    from certificates.errors import CertificateError

    password = _password(args.password_env)
    data = _read(args.pfx)
    if password is None or data is None:
        return 2
    try:
        a1 = load_pkcs12(data, password)
    except CertificateError as exc:
        print(f"certificado inutilizável: {exc.mensagem} [{exc.code}]")
        return 1
    ident = a1.identity
    lines = [
        ("Tipo", ident.kind),
        ("Titular", ident.holder_name or "-"),
        ("CNPJ", ident.cnpj or "-"),
        ("CPF", ident.cpf or "-"),
        ("Responsável", ident.responsible_name or "-"),
        ("CPF do responsável", ident.responsible_cpf or "-"),
        ("Emissor", a1.issuer),
        ("Número de série", f"{a1.serial_number:X}"),
        ("Válido de", a1.not_before.isoformat()),
        ("Válido até", a1.not_after.isoformat()),
        ("Chave", f"RSA {a1.key_size} bits"),
        ("SHA-256", a1.fingerprint_sha256),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key.ljust(width)}  {value}")
    now = datetime.now(UTC)
    print(f"{'Dias restantes'.ljust(width)}  {a1.days_left(now)}")
    problems = usability_errors(a1, now=now, emitter_cnpj=args.cnpj)
    for problem in problems:
        print(f"certificado inutilizável: {problem.mensagem} [{problem.code}]")
    return 1 if problems else 0


def _sign(args: argparse.Namespace) -> int:
    from certificates.a1 import load_a1
    from certificates.errors import CertificateError
    from certificates.xmldsig import sign_document
    from engine.errors import XmlError
    from engine.xml import parse_xml_file

    password = _password(args.password_env)
    pfx = _read(args.pfx)
    if password is None or pfx is None:
        return 2
    try:
        root = parse_xml_file(args.xml)
    except XmlError as exc:
        _err(exc.mensagem)
        return 2
    try:
        a1 = load_a1(pfx, password, now=datetime.now(UTC))
        signed = sign_document(root, a1)
    except CertificateError as exc:
        _err(f"{exc.mensagem} [{exc.code}]")
        return 1
    if args.out:
        try:
            args.out.write_bytes(signed)
        except OSError as exc:
            _err(f"não foi possível gravar {args.out}: {exc.strerror}")
            return 2
    else:
        sys.stdout.buffer.write(signed + b"\n")
        sys.stdout.flush()
    return 0


def _verify(args: argparse.Namespace) -> int:
    from certificates.trust import TrustStore
    from certificates.xmldsig import verify_all
    from engine.errors import XmlError
    from engine.xml import parse_xml_file

    try:
        root = parse_xml_file(args.xml)
    except XmlError as exc:
        _err(exc.mensagem)
        return 2
    trust = None
    if args.trust:
        pem = _read(args.trust)
        if pem is None:
            return 2
        try:
            trust = TrustStore.from_pem(pem)
        except ValueError as exc:
            _err(str(exc))
            return 2
    try:
        at = _when(args.at, datetime.now(UTC)) if args.at else None
    except ValueError:
        _err("--at inválido: use AAAA-MM-DD ou ISO 8601")
        return 2
    results = verify_all(root, trust=trust, at=at)
    for result in results:
        status = "válida" if result.valid else "INVÁLIDA"
        who = ""
        if result.certificate is not None:
            who = f" — signatário: {result.certificate.subject.rfc4514_string()}"
        ref = f" #{result.reference_id}" if result.reference_id else ""
        print(f"assinatura {status}{ref}: {result.reason} [{result.code}]{who}")
    return 0 if all(r.valid for r in results) else 1
