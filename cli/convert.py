"""`ortho-fiscal convert FILE [--to json|xml] [--out FILE]`: the full typed model as JSON <-> XML.

The direction defaults to the other format of the input (XML -> JSON, JSON -> XML). Exit 0 on
success; 1 when the document is of a known kind but a value does not fit the layout; 2 when the
file cannot be read, is neither XML nor JSON, or is not a document the model knows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.errors import XmlError
from engine.nfe import xmlio
from engine.nfe.model import XmlModel
from engine.xml.parser import MAX_XML_BYTES, parse_xml

# A document of a known kind whose content does not fit the layout (exit 1); any other error means
# the input is unreadable or not a document the model knows (exit 2).
_INVALID_CONTENT = {"MODELO_INVALIDO", "XML_ELEMENTO", "XML_ATRIBUTO"}


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "convert",
        help="converte documento NF-e entre XML e JSON (modelo tipado completo)",
        description="Converte um documento da família NF-e (NFe, nfeProc, enviNFe, retEnviNFe, consSitNFe, "
        "retConsSitNFe, consStatServ, retConsStatServ, consReciNFe, retConsReciNFe, inutNFe, retInutNFe, "
        "ProcInutNFe) entre XML e o JSON do modelo tipado completo. O JSON tem uma única chave, o nome do "
        "documento (ex.: {\"NFe\": {...}}), com os nomes de campo do leiaute e valores decimais como texto. "
        "Sem --to, converte XML em JSON e JSON em XML. Saída: 0 convertido; 1 documento com valor fora do "
        "leiaute; 2 arquivo ilegível, que não é XML/JSON, ou documento desconhecido.",
    )
    p.add_argument("file", metavar="FILE", help="arquivo XML ou JSON ('-' lê da entrada padrão)")
    p.add_argument("--to", choices=("json", "xml"), help="formato de saída (padrão: o outro formato)")
    p.add_argument("--out", metavar="FILE", help="arquivo de saída (padrão: saída padrão)")
    p.add_argument(
        "--xml-declaration", action="store_true", help="inclui <?xml version='1.0' encoding='UTF-8'?> no XML"
    )
    p.set_defaults(handler=_convert)


def _read(name: str) -> bytes:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_XML_BYTES + 1)
    else:
        path = Path(name)
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise XmlError(f"arquivo com {size} bytes excede o limite de {MAX_XML_BYTES} bytes", code="XML_GRANDE")
        data = path.read_bytes()
    if len(data) > MAX_XML_BYTES:
        raise XmlError(f"entrada excede o limite de {MAX_XML_BYTES} bytes", code="XML_GRANDE")
    return data


def _load(data: bytes) -> tuple[str, XmlModel]:
    """The input format ("xml" or "json") and its model."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return "xml", xmlio.parse(parse_xml(data))
    if head == b"{":
        return "json", xmlio.from_json(data)
    raise XmlError("a entrada não é XML nem JSON (deve começar com '<' ou '{')", code="XML_INVALIDO")


def _convert(args: argparse.Namespace) -> int:
    try:
        data = _read(args.file)
    except OSError as exc:
        print(f"{args.file}: não foi possível ler o arquivo: {exc.strerror}", file=sys.stderr)
        return 2
    except XmlError as exc:
        print(f"{args.file}: {exc.mensagem}", file=sys.stderr)
        return 2
    try:
        source_format, document = _load(data)
    except XmlError as exc:
        print(f"{args.file}: {exc.mensagem}", file=sys.stderr)
        return 1 if exc.code in _INVALID_CONTENT else 2
    target = args.to or ("json" if source_format == "xml" else "xml")
    if target == "json":
        out = (xmlio.to_json(document) + "\n").encode("utf-8")
    else:
        out = xmlio.render_bytes(document, xml_declaration=args.xml_declaration)
    if args.out:
        try:
            Path(args.out).write_bytes(out)
        except OSError as exc:
            print(f"{args.out}: não foi possível gravar o arquivo: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    return 0

