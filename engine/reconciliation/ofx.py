"""OFX 1.x (SGML) and 2.x (XML) bank statements, lexed with ofxtools.

Why only ofxtools' lexer (``ofxtools.Parser.TreeBuilder``) and not ``OFXTree.parse().convert()``:
Brazilian banks' files break the strict model in harmless ways that would reject a whole
statement: ``CHARSET:UTF-8`` or ``WINDOWS-1252`` (ofxtools' header accepts only ISO-8859-1, 1252
and NONE), NAME longer than 32 characters, amounts with a decimal comma, dates with ``[-3:BRT]``
or ``[-03:EST]`` zones. So the header is read here (tolerantly), the body is decoded with the
declared charset and fed to ofxtools' tree builder, and the few elements we need are read from
the tree with per-field errors naming the line.

Safety of OFX 2 (XML): ofxtools does not use an XML parser at all; its lexer is one regular
expression over tags and text, so there is no DTD, no entity expansion and no external reference
to exploit (checked in ofxtools 1.1.1, ``Parser.TreeBuilder.regex``). To keep the project's
rule (no DTD anywhere, engine.xml.parser), a document with ``<!DOCTYPE`` or ``<!ENTITY`` is
refused here anyway. Character references are not expanded by the lexer; the five predefined XML
entities are replaced in the text we keep.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal, InvalidOperation

from ofxtools.Parser import ParseError, TreeBuilder

from engine.reconciliation.hashing import com_hashes
from engine.reconciliation.model import Fonte, ReconciliationError, StatementLine

# OFX 1.x header charsets seen in Brazilian banks' files -> Python codecs.
_CHARSETS = {
    "1252": "cp1252", "WINDOWS-1252": "cp1252", "CP1252": "cp1252",
    "ISO-8859-1": "latin-1", "8859-1": "latin-1", "LATIN1": "latin-1", "LATIN-1": "latin-1",
    "UTF-8": "utf-8", "UTF8": "utf-8", "NONE": "utf-8",
}
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding=["']([\w-]+)["']""")
_OFX_PI = re.compile(r"<\?OFX[^>]*\?>")
_POSITION = re.compile(r"position=\[(\d+):")
# endToEndId: E + ISPB (8) + AAAAMMDDHHMM (12) + 11 alphanumerics (Manual de Padrões do Pix, item 2.1);
# several banks write it in the MEMO of a received Pix.
_E2E = re.compile(r"\b(E\d{20}[A-Za-z0-9]{11})\b")
_CPF_CNPJ = re.compile(r"\b(\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}|\d{3}\.\d{3}\.\d{3}-\d{2})\b")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def _decode(data: bytes) -> tuple[str, int]:
    """Decoded text and the offset where the OFX body (``<OFX>``) starts."""
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise ReconciliationError("OFX com DTD/entidades declaradas não é aceito (XXE)", line=1, campo="cabeçalho")
    m = _XML_DECL.match(data)
    if m is not None or data.lstrip().startswith(b"<?xml"):
        codec = m.group(1).decode("ascii").lower() if m else "utf-8"
        text = _decode_with(data, codec)
        pi = _OFX_PI.search(text)
        if pi is None:
            raise ReconciliationError("OFX 2 sem a instrução <?OFX ...?>", line=1, campo="cabeçalho")
        start = text.find("<OFX>", pi.end())
    else:
        cut = data.find(b"<")
        if cut < 0:
            raise ReconciliationError("não há o elemento <OFX>", line=1, campo="OFX")
        header = dict(
            (k.strip().upper(), v.strip().upper())
            for k, _, v in (ln.partition(":") for ln in data[:cut].decode("ascii", "replace").splitlines())
            if k.strip()
        )
        if "OFXHEADER" not in header:
            raise ReconciliationError("cabeçalho OFX 1 sem OFXHEADER", line=1, campo="OFXHEADER")
        charset = header.get("CHARSET", "1252")
        if header.get("ENCODING") in {"UTF-8", "UNICODE"}:
            charset = "UTF-8"
        codec = _CHARSETS.get(charset)
        if codec is None:
            raise ReconciliationError(f"CHARSET {charset!r} desconhecido", line=1, campo="CHARSET")
        text = _decode_with(data, codec)
        start = text.find("<OFX>")
    if start < 0:
        raise ReconciliationError("não há o elemento <OFX>", line=1, campo="OFX")
    return text, start


def _decode_with(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        # Banks that declare UTF-8 and send cp1252 exist; cp1252 maps almost every byte.
        return data.decode("cp1252", "replace")


def _text(el: ET.Element | None) -> str:
    if el is None or el.text is None:
        return ""
    s = el.text.strip()
    if "&" in s:
        for ent, ch in _ENTITIES:
            s = s.replace(ent, ch)
    return s


def _amount(s: str, line: int) -> Decimal:
    raw = s.replace(" ", "")
    if "," in raw:  # decimal comma (pt-BR), dots as thousands separators
        raw = raw.replace(".", "").replace(",", ".")
    try:
        v = Decimal(raw)
    except InvalidOperation:
        raise ReconciliationError(f"valor {s!r} não é numérico", line=line, campo="TRNAMT") from None
    if not v.is_finite():
        raise ReconciliationError(f"valor {s!r} não é numérico", line=line, campo="TRNAMT")
    return v.quantize(Decimal("0.01"))


def _date(s: str, line: int, campo: str) -> date:
    digits = s[:8]
    try:
        if len(digits) != 8 or not digits.isdigit():
            raise ValueError
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ReconciliationError(f"data {s!r} inválida (esperado AAAAMMDD...)", line=line, campo=campo) from None


class _CheckedBuilder(TreeBuilder):
    """ofxtools' builder with closing tags checked (ElementTree's own check is an ``assert``)."""

    def __init__(self) -> None:
        super().__init__()
        self._open: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self._open.append(tag)
        return super().start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        if not self._open or self._open[-1] != tag:
            aberto = self._open[-1] if self._open else "nenhum"
            raise ParseError(f"</{tag}> fecha um elemento que não está aberto (aberto: <{aberto}>)")
        self._open.pop()
        return super().end(tag)


def parse_ofx(data: bytes) -> list[StatementLine]:
    """Every transaction (STMTTRN) of every statement in the file; raises before returning anything."""
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 BOM written by some export tools
        data = data[3:]
    text, start = _decode(data)
    base_line = text.count("\n", 0, start) + 1

    def line_at(pos: int) -> int:
        return base_line + text.count("\n", start, start + pos)

    body = text[start:]
    builder = _CheckedBuilder()
    try:
        builder.feed(body)
        root = builder.close()
    except (ParseError, AssertionError, IndexError) as exc:
        m = _POSITION.search(str(exc))
        line = line_at(int(m.group(1))) if m else None
        raise ReconciliationError(f"OFX malformado: {exc}", line=line, campo="OFX") from exc
    if root is None or root.tag != "OFX":
        raise ReconciliationError("o documento não é um OFX (raiz diferente de <OFX>)", line=base_line, campo="OFX")

    trn_positions = [m.start() for m in re.finditer(r"<STMTTRN>", body)]
    out: list[StatementLine] = []
    k = 0
    for stmt in root.iter():
        if stmt.tag not in {"STMTRS", "CCSTMTRS"}:
            continue
        acct = stmt.find("BANKACCTFROM")
        if acct is None:
            acct = stmt.find("CCACCTFROM")
        conta = "/".join(p for p in (_text(acct.find(t)) for t in ("BANKID", "BRANCHID", "ACCTID")) if p) \
            if acct is not None else ""
        for trn in stmt.iter("STMTTRN"):
            line = line_at(trn_positions[k]) if k < len(trn_positions) else base_line
            k += 1
            amt_txt = _text(trn.find("TRNAMT"))
            if not amt_txt:
                raise ReconciliationError("transação sem TRNAMT", line=line, campo="TRNAMT")
            valor = _amount(amt_txt, line)
            if valor == 0:
                continue  # informational lines (saldo) move no money
            posted = _text(trn.find("DTPOSTED"))
            if not posted:
                raise ReconciliationError("transação sem DTPOSTED", line=line, campo="DTPOSTED")
            memo = _text(trn.find("MEMO"))
            name = _text(trn.find("NAME")) or _text(trn.find("PAYEE/NAME"))
            e2e = _E2E.search(memo) or _E2E.search(name)
            doc = _CPF_CNPJ.search(memo) or _CPF_CNPJ.search(name)
            out.append(StatementLine(
                fonte=Fonte.OFX, conta=conta, data=_date(posted, line, "DTPOSTED"), valor=abs(valor),
                direcao="D" if valor < 0 else "C", descricao=" ".join(p for p in (name, memo) if p),
                fitid=_text(trn.find("FITID")), end_to_end_id=e2e.group(1) if e2e else "",
                seu_numero=_text(trn.find("CHECKNUM")) or _text(trn.find("REFNUM")), pagador_nome=name,
                pagador_documento=re.sub(r"\D", "", doc.group(1)) if doc else "", linha=line,
            ))
    return com_hashes(out)
