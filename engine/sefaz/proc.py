"""Distribution documents (MOC 7.0, 5.1): the signed document exactly as sent + SEFAZ's answer.

* ``nfe_proc``: ``nfeProc`` = NFe + protNFe (procNFe_v4.00.xsd);
* ``proc_evento``: ``procEventoNFe`` = evento + retEvento (per-event schema, generic otherwise);
* ``proc_inut``: ``ProcInutNFe`` = inutNFe + retInutNFe (procInutNFe_v4.00.xsd).

The signed bytes are embedded unchanged (xmlbytes.embed), never re-serialised; before assembling we
check that the answer belongs to the document (chave, and digVal = the NFe's DigestValue), and the
result is validated against its XSD.
"""

from __future__ import annotations

import functools

from lxml import etree

from engine.errors import Finding, ValidationFailed
from engine.sefaz.messages import NFE_NS, validated
from engine.sefaz.xmlbytes import embed, fill, slot, split
from engine.xml.parser import parse_xml
from engine.xsd import fragment_findings

_N = "{" + NFE_NS + "}"
_DS = "{http://www.w3.org/2000/09/xmldsig#}"


def _fail(code: str, mensagem: str) -> ValidationFailed:
    return ValidationFailed([Finding(code=code, mensagem=mensagem)])


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path)
    return found.text.strip() if found is not None and found.text else ""


def _inf_text(root: etree._Element, inf: str, name: str) -> str:
    """``_text(root, f"{_N}{inf}/{_N}{name}")`` (first ``name`` under any ``inf`` child, as find() gives)
    walked with iterchildren in C rather than ElementPath's Python generators: this runs for every
    document authorised."""
    for parent in root.iterchildren(_N + inf):
        for found in parent.iterchildren(_N + name):
            return found.text.strip() if found.text else ""
    return ""


def _container(name: str, versao: str) -> etree._Element:
    return etree.Element(_N + name, {"versao": versao}, nsmap={None: NFE_NS})  # type: ignore[dict-item]


def nfe_proc(nfe: bytes, prot_nfe: bytes, *, sent: tuple[str, str] | None = None,
             prot_tree: etree._Element | None = None) -> bytes:
    """``nfeProc`` of an authorised (or denied) NFe: the signed bytes as sent and the protNFe as received.

    ``sent`` = (chave, DigestValue) of ``nfe`` when the caller validated these very bytes against the
    NF-e schema moments ago (SefazClient: inside the enviNFe it sent, then checked). The NFe is then
    neither parsed nor validated again: only the protNFe, the part that came from outside, is validated
    against its official type (TProtNFe); an nfeProc of a valid NFe and a valid protNFe is valid by
    construction (procNFe_v4.00.xsd: TNfeProc is the sequence TNFe, TProtNFe). Without ``sent`` the
    whole nfeProc is validated (bytes of unknown origin).

    ``prot_tree``: the element ``prot_nfe`` is the serialisation of, when the caller has it
    (``ProtocoloNFe.tree``, detached from SEFAZ's answer): checked and validated instead of parsing
    ``prot_nfe`` again. Only with ``sent``; without it the bytes are parsed and the nfeProc validated whole.
    """
    prot = prot_tree if (prot_tree is not None and sent is not None) else parse_xml(prot_nfe)
    if sent is not None:
        chave, digest = sent
    else:
        doc = parse_xml(nfe)
        inf = doc.find(_N + "infNFe")
        chave = str(inf.get("Id", ""))[3:] if inf is not None else ""
        digest = _text(doc, f"{_DS}Signature/{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
    ch_prot = _inf_text(prot, "infProt", "chNFe")
    if chave != ch_prot:
        raise _fail("PROTOCOLO_OUTRA_NFE", f"o protocolo é da chave {ch_prot}, não da NF-e {chave}")
    dig_val = _inf_text(prot, "infProt", "digVal")
    if dig_val and digest != dig_val:
        # The chave matches but SEFAZ authorised other bytes (a rebuilt document): 539 territory.
        raise _fail("PROTOCOLO_OUTRO_CONTEUDO", "o digVal do protocolo difere do DigestValue da NF-e assinada: "
                    "o protocolo é de outro conteúdo com a mesma chave")
    assembled = fill(_nfe_proc_parts(), [nfe, prot_nfe])
    if sent is None:
        return validated(assembled)
    findings = fragment_findings(prot, "nfe_v4.00/leiauteNFe_v4.00.xsd", "TProtNFe")
    if findings:
        raise ValidationFailed(findings)
    return assembled


@functools.cache
def _nfe_proc_parts() -> tuple[bytes, ...]:
    """The ``nfeProc`` container around its two slots, serialised once per process: the same bytes for
    every document (constant bytes, not state), ~8 us of lxml work saved per authorization."""
    root = _container("nfeProc", "4.00")
    slot(root)
    slot(root)
    return split(root, 2, xml_declaration=True)


def proc_evento(evento: bytes, ret_evento: bytes) -> bytes:
    """``procEventoNFe`` of a registered event (135/136/155/124)."""
    ev, ret = parse_xml(evento), parse_xml(ret_evento)
    ch_ev = _text(ev, f"{_N}infEvento/{_N}chNFe")
    ch_ret = _text(ret, f"{_N}infEvento/{_N}chNFe")
    tp_ev = _text(ev, f"{_N}infEvento/{_N}tpEvento")
    tp_ret = _text(ret, f"{_N}infEvento/{_N}tpEvento")
    if ch_ev != ch_ret or (tp_ret and tp_ev != tp_ret):
        raise _fail("RETORNO_OUTRO_EVENTO", f"o retorno é do evento {tp_ret} da chave {ch_ret}, não de {tp_ev}/{ch_ev}")
    root = _container("procEventoNFe", "1.00")
    slot(root)
    slot(root)
    return validated(embed(root, [evento, ret_evento], xml_declaration=True))


def proc_inut(inut: bytes, ret_inut: bytes) -> bytes:
    """``ProcInutNFe`` of a homologated inutilização (102). The root is spelled with a capital P in the
    official procInutNFe_v4.00.xsd (the file name is lower-case; engine.xsd maps only the latter)."""
    root = _container("ProcInutNFe", str(parse_xml(inut).get("versao", "4.00")))
    slot(root)
    slot(root)
    return validated(embed(root, [inut, ret_inut], xml_declaration=True), "nfe_v4.00/procInutNFe_v4.00.xsd")
