"""SOAP 1.2 framing of the SEFAZ 4.00 web services (MOC 7.0, Anexo I "Padrão de Comunicação"):
request ``soap12:Envelope/soap12:Body/nfeDadosMsg`` and answer ``.../nfeResultMsg``, both in the
namespace ``http://www.portalfiscal.inf.br/nfe/wsdl/<Operation>``; no SOAP header since 4.00."""

from __future__ import annotations

import functools

from lxml import etree

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSDL_BASE = "http://www.portalfiscal.inf.br/nfe/wsdl/"
NFE = "http://www.portalfiscal.inf.br/nfe"
CONTENT_TYPE = "application/soap+xml; charset=utf-8"
# The declaration exactly as the SEFAZ (.NET/ASMX) front-ends write it (lxml would use single quotes).
_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


class SoapError(Exception):
    """The request is not a SOAP 1.2 call of this service: answered with a SOAP Fault."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code  # soap12 Sender | Receiver
        self.reason = reason


def parser() -> etree.XMLParser:
    """No DTDs, no entities, no network: the same hardening a SEFAZ front-end applies."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_request(body: bytes, operation: str, xml_parser: etree.XMLParser | None = None) -> etree._Element:
    """The message inside nfeDadosMsg, as a standalone element (copied out of the envelope).
    ``xml_parser``: one made by ``parser()`` that the caller reuses (a new one otherwise)."""
    try:
        root = etree.fromstring(body, xml_parser or parser())
    except etree.XMLSyntaxError as exc:
        raise SoapError("Sender", f"XML mal formado: {exc}") from exc
    if root.tag != f"{{{SOAP12}}}Envelope":
        raise SoapError("VersionMismatch", "esperado soap12:Envelope (SOAP 1.2)")
    # The first child with that name, as find selects it (without ElementPath's per-call set-up).
    body_el = next(root.iterchildren(f"{{{SOAP12}}}Body"), None)
    if body_el is None:
        raise SoapError("Sender", "soap12:Body ausente")
    dados = next(body_el.iterchildren(f"{{{WSDL_BASE}{operation}}}nfeDadosMsg"), None)
    if dados is None:
        raise SoapError("Sender", f"nfeDadosMsg no namespace {WSDL_BASE}{operation} não encontrado no Body")
    children = [c for c in dados if isinstance(c.tag, str)]
    if len(children) != 1:
        raise SoapError("Sender", "nfeDadosMsg deve conter exatamente uma mensagem")
    # Taken out of the envelope without a copy: lxml declares on the removed element the namespaces
    # it uses from its former ancestors, and it has no parent any more (its own root for the XSD
    # validation, as a copy was).
    message = children[0]
    dados.remove(message)
    return message


def envelope(operation: str, message: etree._Element) -> bytes:
    """The answer: ``message`` inside ``soap:Envelope/soap:Body/nfeResultMsg`` of ``operation``.

    A message that is the root of its own document (every answer the simulator builds) is serialised
    alone and framed by the envelope's bytes before and after it (``_frame``, made by lxml once per
    operation): the same bytes as serialising the envelope around it (its namespace declarations are
    its own either way; tests/integration/simulator/test_soap_envelope.py compares both for every
    service), without moving the answer's tree into an envelope document first."""
    if message.getparent() is not None:
        return envelope_tree(operation, message)
    head, tail = _frame(operation)
    return head + etree.tostring(message, encoding="utf-8") + tail


def envelope_tree(operation: str, message: etree._Element) -> bytes:
    """``envelope`` by building the envelope's tree around ``message`` (which it moves there)."""
    env = etree.Element(f"{{{SOAP12}}}Envelope", nsmap={"soap": SOAP12})
    body = etree.SubElement(env, f"{{{SOAP12}}}Body")
    nsmap = {None: WSDL_BASE + operation}
    result = etree.SubElement(body, f"{{{WSDL_BASE}{operation}}}nfeResultMsg", nsmap=nsmap)  # type: ignore[arg-type]
    result.append(message)
    return _DECLARATION + etree.tostring(env, encoding="utf-8")


@functools.lru_cache(maxsize=64)
def _frame(operation: str) -> tuple[bytes, bytes]:
    """The bytes of ``envelope_tree``'s answer before and after the message, for ``operation``:
    serialised by lxml around a marker text and split there."""
    marker = "MENSAGEM"
    env = etree.Element(f"{{{SOAP12}}}Envelope", nsmap={"soap": SOAP12})
    body = etree.SubElement(env, f"{{{SOAP12}}}Body")
    nsmap = {None: WSDL_BASE + operation}
    result = etree.SubElement(body, f"{{{WSDL_BASE}{operation}}}nfeResultMsg", nsmap=nsmap)  # type: ignore[arg-type]
    result.text = marker
    head, tail = (_DECLARATION + etree.tostring(env, encoding="utf-8")).split(marker.encode("ascii"))
    return head, tail


def fault(code: str, reason: str) -> bytes:
    env = etree.Element(f"{{{SOAP12}}}Envelope", nsmap={"soap": SOAP12})
    body = etree.SubElement(env, f"{{{SOAP12}}}Body")
    f = etree.SubElement(body, f"{{{SOAP12}}}Fault")
    code_el = etree.SubElement(f, f"{{{SOAP12}}}Code")
    etree.SubElement(code_el, f"{{{SOAP12}}}Value").text = f"soap:{code}"
    reason_el = etree.SubElement(f, f"{{{SOAP12}}}Reason")
    text = etree.SubElement(reason_el, f"{{{SOAP12}}}Text")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "pt-BR")
    text.text = reason
    return _DECLARATION + etree.tostring(env, encoding="utf-8")
