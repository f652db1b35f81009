"""Validate a document as SEFAZ would: official schema (chosen by the root element), the business
rules the schema cannot express, and the XMLDSig signature when there is one.

An unsigned NFe / evento / inutNFe is validated "as it will be once signed": the one schema error
about the missing ``Signature`` becomes a note, so the output of ``build`` can be checked before
signing. A present signature has its digest and value checked by ``certificates.xmldsig``
(trusting the chain is ``verify --trust``'s job).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lxml import etree

from engine.errors import Finding
from engine.nfe.rules import event_findings, nfe_findings
from engine.nfe.rules._doc import find, local, locate, nfe_of, source_line, text
from engine.xsd import DSIG_NS, choose_schema, schema_findings

__all__ = ["Report", "validate_document", "verify_signatures"]

_SIGNATURE = f"{{{DSIG_NS}}}Signature"
# libxml2's message when a complex type ends before its required ds:Signature child.
_MISSING_SIGNATURE = re.compile(
    r"Element '\{[^}]*\}(NFe|evento|inutNFe)': Missing child element\(s\)\. Expected is "
    r"(?:one of )?\( (?:[^)]*, )?\{" + re.escape(DSIG_NS) + r"\}Signature \)\."
)


@dataclass(frozen=True, slots=True)
class Report:
    """Outcome of ``validate_document``: ``valid`` when no finding has severity ``error``."""

    kind: str
    schema: str
    findings: tuple[Finding, ...] = field(default=())
    signed: bool = False
    mod: str | None = None  # 55 / 65 for NF-e documents

    @property
    def descricao(self) -> str:
        """What the document is, for messages: ``NF-e``, ``NFC-e``, ``nfeProc (NFC-e)``, ``inutNFe``..."""
        modelo = {"55": "NF-e", "65": "NFC-e"}.get(self.mod or "")
        if modelo is None:
            return self.kind
        return modelo if self.kind == "NFe" else f"{self.kind} ({modelo})"

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "error"]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary (for the API and ``validate --json``)."""
        return {
            "documento": self.descricao,
            "raiz": self.kind,
            "schema": self.schema,
            "valido": self.valid,
            "assinado": self.signed,
            "erros": [f.as_dict() for f in self.errors],
            "notas": [f.as_dict() for f in self.notes],
        }


def _named(root: etree._Element, f: Finding) -> Finding:
    """Replace libxml2's positional XPath (``/*/*[1]``) by the named one and the model path."""
    if not f.xpath:
        return f
    try:
        found = root.getroottree().xpath(f.xpath)
    except etree.XPathError:
        return f
    if not isinstance(found, list) or len(found) != 1 or not isinstance(found[0], etree._Element):
        return f
    xpath, path = locate(found[0])
    return Finding(
        code=f.code,
        mensagem=f.mensagem,
        path=path,
        xpath=xpath,
        cstat=f.cstat,
        line=f.line,
        severity=f.severity,
    )


def _schema(root: etree._Element, relpath: str) -> list[Finding]:
    out: list[Finding] = []
    for f in schema_findings(root, relpath):
        m = _MISSING_SIGNATURE.search(f.mensagem)
        if m:
            out.append(
                Finding(
                    code="ASSINATURA_AUSENTE",
                    mensagem=f"documento {m.group(1)} ainda não assinado: validado como ficará depois da assinatura",
                    path=f.path,
                    xpath=f.xpath,
                    line=f.line,
                    severity="note",
                )
            )
        else:
            out.append(f)
    return [_named(root, f) for f in out]


def verify_signatures(root: etree._Element) -> list[Finding]:
    """Digest and signature value of every ds:Signature in ``root`` (certificates.xmldsig).

    Each invalid signature gives an ``ASSINATURA_INVALIDA`` finding (cStat 297, "Assinatura
    difere do calculado"; 298 when the structure is not the NF-e pattern).
    """
    parents: list[etree._Element] = []
    for sig in root.iter(_SIGNATURE):
        parent = sig.getparent()
        if parent is not None and parent not in parents:
            parents.append(parent)
    if not parents:
        return []
    # Imported here so that documents without signature never load the crypto stack.
    from certificates.xmldsig import verify_signature

    out: list[Finding] = []
    for parent in parents:
        result = verify_signature(parent)
        if result.valid:
            continue
        xpath, path = locate(parent)
        cstat = "297" if result.code in ("DIGEST_INVALIDO", "ASSINATURA_INVALIDA") else "298"
        out.append(
            Finding(
                code="ASSINATURA_INVALIDA",
                mensagem=f"assinatura digital de {local(parent)} inválida ({result.code}): {result.reason}",
                path=path,
                xpath=xpath + "/Signature",
                cstat=cstat,
                line=source_line(parent),
            )
        )
    return out


def _proc_findings(root: etree._Element) -> list[Finding]:
    """nfeProc: the protocol must be about this very NF-e (protNFe/infProt/chNFe = the key of the Id)."""
    if local(root) != "nfeProc":
        return []
    nfe = nfe_of(root)
    inf = find(nfe, "infNFe")
    ch_el = find(root, "protNFe/infProt/chNFe")
    ch = text(ch_el)
    ident = (inf.get("Id") or "") if inf is not None else ""
    if ch_el is None or not ch or not ident.startswith("NFe") or ident[3:] == ch:
        return []
    xpath, path = locate(ch_el)
    return [
        Finding(
            code="PROC_CHAVE",
            mensagem=f"protocolo (protNFe) é da chave {ch}, mas a NF-e tem a chave {ident[3:]}",
            path=path,
            xpath=xpath,
            line=source_line(ch_el),
        )
    ]


def validate_document(root: etree._Element, *, now: dt.datetime) -> Report:
    """Schema + business rules + signature of an NFe, nfeProc, envEvento, procEventoNFe or inutNFe
    (any other NF-e message gets schema and signature only).

    Raises ``SchemaError`` when the root is not a document we know. ``now`` (aware) is the caller's
    clock for the dhEmi check.
    """
    choice = choose_schema(root)
    findings = _schema(root, choice.relpath)
    findings += nfe_findings(root, now=now)
    findings += event_findings(root)
    findings += _proc_findings(root)
    signed = any(True for _ in root.iter(_SIGNATURE))
    if signed:
        findings += verify_signatures(root)
    findings.sort(key=lambda f: (f.severity != "error", f.line or 0))
    nfe = nfe_of(root)
    mod = text(nfe, "infNFe/ide/mod") if nfe is not None else None
    return Report(kind=choice.kind, schema=choice.relpath, findings=tuple(findings), signed=signed, mod=mod)
