"""`ortho-fiscal pix brcode|decode`: build and read Pix BR Codes ("Pix Copia e Cola")."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from engine.pix import BRCodeError, PontoIniciacao, decode, encode
from engine.qrimage import png as qr_png
from engine.qrimage import svg as qr_svg


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "pix",
        help="gera e lê BR Codes Pix (QR Code / Pix Copia e Cola)",
        description="Gera e lê BR Codes Pix conforme o Manual de Padrões para Iniciação do Pix (BACEN).",
    )
    psub = p.add_subparsers(dest="pix_command", metavar="SUBCOMMAND", required=True)

    br = psub.add_parser(
        "brcode",
        help="gera o payload de um BR Code (estático com --key, dinâmico com --url)",
        description="Gera o payload do BR Code e imprime na saída padrão; opcionalmente grava o QR em PNG/SVG. "
        "QR estático: --key (CPF, CNPJ, e-mail, +55 telefone ou chave aleatória). QR dinâmico: --url (location "
        "devolvida pelo PSP, sem https://). Saída 0 se gerado, 2 se algum dado é inválido.",
    )
    br.add_argument("--key", help="chave Pix (QR estático)")
    br.add_argument("--url", help="URL do payload da cobrança (QR dinâmico), sem https://")
    br.add_argument("--name", required=True, help="nome do recebedor (até 25 caracteres; acentos removidos)")
    br.add_argument("--city", required=True, help="cidade do recebedor (até 15 caracteres; acentos removidos)")
    br.add_argument("--amount", help="valor em reais, ex.: 150.00 (omitido: o pagador digita)")
    br.add_argument("--txid", help="identificador: estático até 25 [A-Za-z0-9]; dinâmico 26 a 35 (API Pix)")
    br.add_argument("--description", help="informação adicional mostrada ao pagador (só QR estático)")
    br.add_argument("--mcc", default="0000", help="Merchant Category Code (padrão 0000)")
    br.add_argument("--cep", help="CEP do recebedor (opcional)")
    uso = br.add_mutually_exclusive_group()
    uso.add_argument("--single-use", action="store_true", help="ponto de iniciação 12: pagável uma única vez")
    uso.add_argument("--reusable", action="store_true", help="ponto de iniciação 11: pagável várias vezes")
    br.add_argument("--png", type=Path, metavar="FILE", help="grava o QR Code em PNG")
    br.add_argument("--svg", type=Path, metavar="FILE", help="grava o QR Code em SVG")
    br.set_defaults(handler=_brcode)

    dec = psub.add_parser(
        "decode",
        help="lê um BR Code e mostra todos os campos em JSON",
        description="Lê um BR Code (qualquer arranjo EMV), confere o CRC e imprime JSON com cada campo, "
        "crc_ok e os avisos. Saída 0 se válido; 1 se o CRC, a estrutura ou algum campo estiver errado.",
    )
    dec.add_argument("payload", metavar="PAYLOAD", help="o texto do BR Code ('-' lê da entrada padrão)")
    dec.set_defaults(handler=_decode)


def _brcode(args: argparse.Namespace) -> int:
    poi: PontoIniciacao | None = None
    if args.single_use:
        poi = PontoIniciacao.UNICO
    elif args.reusable:
        poi = PontoIniciacao.REUTILIZAVEL
    try:
        payload = encode(
            chave=args.key,
            url=args.url,
            nome=args.name,
            cidade=args.city,
            valor=args.amount,
            txid=args.txid,
            descricao=args.description,
            mcc=args.mcc,
            cep=args.cep,
            ponto_iniciacao=poi,
        )
    except BRCodeError as exc:
        campo = _OPCOES.get(exc.campo, exc.campo)
        print(f"erro: {exc.mensagem}" + (f" ({campo})" if campo else ""), file=sys.stderr)
        return 2
    # Name and city are normalised (accents, length); say so, so the receiver knows what payers see.
    lido = decode(payload)
    for rotulo, original, final in (("--name", args.name, lido.nome), ("--city", args.city, lido.cidade)):
        if final is not None and " ".join(original.split()) != final:
            print(f"aviso: {rotulo} ajustado para {final!r} (caracteres e tamanho do BR Code)", file=sys.stderr)
    try:
        if args.png:
            args.png.write_bytes(qr_png(payload))
        if args.svg:
            args.svg.write_bytes(qr_svg(payload))
    except OSError as exc:
        print(f"erro: não foi possível gravar a imagem: {exc}", file=sys.stderr)
        return 2
    print(payload)
    return 0


# Input field -> the CLI option that carries it, for error messages.
_OPCOES = {
    "chave": "--key",
    "url": "--url",
    "nome": "--name",
    "cidade": "--city",
    "valor": "--amount",
    "txid": "--txid",
    "descricao": "--description",
    "mcc": "--mcc",
    "cep": "--cep",
}


def _decode(args: argparse.Namespace) -> int:
    texto = sys.stdin.read() if args.payload == "-" else args.payload
    try:
        brcode = decode(texto)
    except BRCodeError as exc:
        out: dict[str, object] = {"crc_ok": False, "valido": False, "erro": exc.mensagem, "posicao": exc.posicao}
        if exc.campo:
            out["campo"] = exc.campo
        print(json.dumps(out, ensure_ascii=False, indent=2))
        print(f"erro: {exc.mensagem}", file=sys.stderr)
        return 1
    print(json.dumps(brcode.as_dict(), ensure_ascii=False, indent=2))
    return 0 if brcode.valido else 1
