"""SOAP 1.2 envelopes of the NF-e 4.00 web services and extraction of the answer.

MOC 7.0, Anexo I ("Padrão de Comunicação"): SOAP 1.2, no ``nfeCabecMsg`` header in version 4.00,
the message inside ``soap12:Body/nfeDadosMsg`` in the namespace of the service
(``http://www.portalfiscal.inf.br/nfe/wsdl/<operação>``, from ``states.endpoint``); the answer is
``nfeResultMsg`` in the same namespace, wrapping the ``ret*`` element of the NF-e namespace.
"""

from __future__ import annotations

from lxml import etree

from engine.errors import XmlError
from engine.sefaz.errors import RespostaInvalida
from engine.sefaz.xmlbytes import embed, slot, strip_declaration
from engine.xml.parser import parse_xml
from states import Endpoint

SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
NFE_NS = "http://www.portalfiscal.inf.br/nfe"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
_ENVELOPE = f"{{{SOAP12_NS}}}Envelope"
_BODY = f"{{{SOAP12_NS}}}Body"
_FAULT = f"{{{SOAP12_NS}}}Fault"
_NFE = f"{{{NFE_NS}}}"


def content_type(endpoint: Endpoint) -> str:
    """SOAP 1.2 carries the action in the Content-Type (RFC 3902), not in a SOAPAction header."""
    return f'application/soap+xml; charset=utf-8; action="{endpoint.soap_action}"'


def envelope(endpoint: Endpoint, message: bytes) -> bytes:
    """``message`` (the bytes of consStatServ, enviNFe, envEvento...) inside the SOAP 1.2 envelope."""
    env = etree.Element(
        f"{{{SOAP12_NS}}}Envelope",
        nsmap={"soap12": SOAP12_NS, "xsi": XSI_NS, "xsd": XSD_NS},
    )
    body = etree.SubElement(env, f"{{{SOAP12_NS}}}Body")
    dados = etree.SubElement(body, f"{{{endpoint.namespace}}}nfeDadosMsg", nsmap={None: endpoint.namespace})  # type: ignore[dict-item]
    slot(dados)
    return embed(env, [message], xml_declaration=True)


class Envelopes:
    """``envelope`` with the envelope's bytes around the message built once per service namespace.

    The envelope of a service is the same for every call but for the message inside it; building it
    with lxml each time was ~10 us of CPU per SOAP call (issue 5 §9). The bytes before and after the
    message are those ``envelope`` writes (it builds them, split at its slot), so ``wrap`` returns
    exactly what ``envelope`` returns. One instance per client: bounded by the services' namespaces
    (a fixed set from ``states``), only ever added to, never a fiscal value.
    """

    def __init__(self) -> None:
        self._parts: dict[str, tuple[bytes, bytes]] = {}

    def wrap(self, endpoint: Endpoint, message: bytes) -> bytes:
        parts = self._parts.get(endpoint.namespace)
        if parts is None:
            marker = b"<ortho-fiscal-envelope-message/>"
            head, _, tail = envelope(endpoint, marker).partition(marker)
            parts = self._parts[endpoint.namespace] = (head, tail)
        return b"".join((parts[0], strip_declaration(message), parts[1]))


def _text(el: etree._Element | None) -> str:
    return "".join(str(t) for t in el.itertext()).strip() if el is not None else ""


def answer(body: bytes, *, status: int = 200) -> etree._Element:
    """The ``ret*`` element of a SOAP answer; ``RespostaInvalida`` for anything else.

    HTTP 500 with a SOAP Fault is a server error (SOAP 1.2 binding), not a SEFAZ result.
    """
    try:
        root = parse_xml(body)
    except XmlError as exc:
        raise RespostaInvalida(f"resposta da SEFAZ (HTTP {status}) não é XML válido: {exc.mensagem}") from exc
    if root.tag != _ENVELOPE:
        raise RespostaInvalida(f"resposta da SEFAZ (HTTP {status}) não é um envelope SOAP 1.2")
    # First child of the tag with iterchildren (filtered in C): what find() gives, without lxml's ElementPath
    # generators in Python, on every SEFAZ answer.
    soap_body = next(root.iterchildren(_BODY), None)
    if soap_body is None:
        raise RespostaInvalida(f"resposta da SEFAZ (HTTP {status}) sem soap:Body")
    fault = next(soap_body.iterchildren(_FAULT), None)
    if fault is not None:
        reason = _text(fault.find(f"{{{SOAP12_NS}}}Reason")) or _text(fault)
        raise RespostaInvalida(f"a SEFAZ respondeu com SOAP Fault (HTTP {status}): {reason[:300]}")
    for el in soap_body.iter(etree.Element):
        if isinstance(el.tag, str) and el.tag.startswith(_NFE):
            return el
    raise RespostaInvalida(f"resposta da SEFAZ (HTTP {status}) sem mensagem de retorno da NF-e")
