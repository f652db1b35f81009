"""nfeProc assembly: the whole document validated for bytes of unknown origin, only the protNFe when
the caller has just validated the NFe (``sent``); the same bytes either way."""

from __future__ import annotations

import pytest

from engine.errors import ValidationFailed
from engine.sefaz.proc import nfe_proc
from engine.sefaz.xmlbytes import detached
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings

from .fakes import FakeSefaz

N = "{http://www.portalfiscal.inf.br/nfe}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"


def _prot(nfe: bytes, **changes: str) -> bytes:
    prot = FakeSefaz()._prot(parse_xml(nfe))
    for name, text in changes.items():
        prot.find(f"{N}infProt/{N}{name}").text = text  # type: ignore[union-attr]
    return detached(prot)


def _sent(nfe: bytes) -> tuple[str, str]:
    root = parse_xml(nfe)
    digest = root.find(f"{DS}Signature/{DS}SignedInfo/{DS}Reference/{DS}DigestValue")
    return str(root.find(N + "infNFe").get("Id"))[3:], str(digest.text)  # type: ignore[union-attr]


def test_sent_nfe_gives_the_same_valid_nfe_proc_validating_only_the_protocol(nfce_signed: bytes) -> None:
    prot = _prot(nfce_signed)
    fast = nfe_proc(nfce_signed, prot, sent=_sent(nfce_signed))
    assert fast == nfe_proc(nfce_signed, prot)
    assert schema_findings(parse_xml(fast)) == []


def test_sent_nfe_with_a_protocol_that_fails_its_schema_is_refused(nfce_signed: bytes) -> None:
    with pytest.raises(ValidationFailed) as info:
        nfe_proc(nfce_signed, _prot(nfce_signed, cStat="1x0"), sent=_sent(nfce_signed))
    assert info.value.findings[0].code == "XSD" and "cStat" in info.value.findings[0].mensagem


def test_sent_nfe_still_checks_that_the_protocol_is_of_this_document(nfce_signed: bytes, nfe_signed: bytes) -> None:
    with pytest.raises(ValidationFailed) as info:
        nfe_proc(nfce_signed, _prot(nfe_signed), sent=_sent(nfce_signed))
    assert info.value.findings[0].code == "PROTOCOLO_OUTRA_NFE"
    with pytest.raises(ValidationFailed) as info:
        nfe_proc(nfce_signed, _prot(nfce_signed, digVal="AAAAAAAAAAAAAAAAAAAAAAAAAAA="), sent=_sent(nfce_signed))
    assert info.value.findings[0].code == "PROTOCOLO_OUTRO_CONTEUDO"


def test_the_parsed_protocol_tree_gives_the_same_checks_and_bytes_as_its_serialisation(nfce_signed: bytes) -> None:
    good = _prot(nfce_signed)
    tree = parse_xml(good)
    assert nfe_proc(nfce_signed, good, sent=_sent(nfce_signed), prot_tree=tree) == nfe_proc(nfce_signed, good)
    bad = _prot(nfce_signed, cStat="1x0")
    with pytest.raises(ValidationFailed) as info:
        nfe_proc(nfce_signed, bad, sent=_sent(nfce_signed), prot_tree=parse_xml(bad))
    assert info.value.findings[0].code == "XSD"
    other = _prot(nfce_signed, chNFe="3" * 44)
    with pytest.raises(ValidationFailed) as info:
        nfe_proc(nfce_signed, other, sent=_sent(nfce_signed), prot_tree=parse_xml(other))
    assert info.value.findings[0].code == "PROTOCOLO_OUTRA_NFE"
