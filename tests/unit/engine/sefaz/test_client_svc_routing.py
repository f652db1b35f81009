"""Where the client asks about an NF-e issued for the SVC (tpEmis 6/7 in its chave): the SVC while it
holds the document, the origin authorizer once it does not (NT 2013.007: consulta and cancelamento at
the SVC only for what it authorized itself; everything it authorized is at the origin once that one is
back). Two fake authorizers behind one transport, told apart by the endpoint URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

import states
from certificates.a1 import A1Certificate
from certificates.xmldsig import sign_document
from engine.nfe.contingencia import to_epec, to_svc
from engine.ports import TransportError, TransportRequest, TransportResponse
from engine.sefaz import ReenvioBloqueado, SefazClient
from engine.sefaz.client import EPEC_NAO_SINCRONIZADO, ClientPolicy
from engine.xml.parser import parse_xml

from .conftest import NOW
from .fakes import FakeClock, FakeSefaz

N = "{http://www.portalfiscal.inf.br/nfe}"
XJUST = "Autorizador da UF fora de operacao (status 108)"


@dataclass
class TwoAuthorizers:
    """SVC-AN and SEFAZ-SP as two fakes; ``down`` names the ones that raise a connection failure."""

    svc: FakeSefaz = field(default_factory=FakeSefaz)
    origin: FakeSefaz = field(default_factory=FakeSefaz)
    down: set[str] = field(default_factory=set)
    calls: list[tuple[str, bytes]] = field(default_factory=list)

    def post(self, request: TransportRequest) -> TransportResponse:
        which = "svc" if "sefazvirtual" in request.url else "origin"
        self.calls.append((which, request.body))
        if which in self.down:
            raise TransportError("conexão recusada", kind="connect", delivered=False)
        return (self.svc if which == "svc" else self.origin).post(request)


def _client(transport: TwoAuthorizers, a1: A1Certificate) -> SefazClient:
    return SefazClient(transport, FakeClock(NOW), a1=a1, policy=ClientPolicy(retries=0))  # type: ignore[arg-type]


def _chave(nfe: bytes) -> str:
    return str(parse_xml(nfe).find(N + "infNFe").get("Id"))[3:]  # type: ignore[union-attr]


def _reissued(nfe_signed: bytes, a1: A1Certificate, make: Callable[..., object]) -> bytes:
    root = make(nfe_signed, now=NOW - timedelta(minutes=1), xjust=XJUST, transmitida=False, csrt=None)
    return sign_document(root, a1)  # type: ignore[arg-type]


@pytest.fixture
def svc_nfe(nfe_signed: bytes, a1: A1Certificate) -> bytes:
    signed = _reissued(nfe_signed, a1, to_svc)
    assert _chave(signed)[34] == "6"  # SP -> SVC-AN
    return signed


def _authorize_at(fake: FakeSefaz, nfe: bytes, a1: A1Certificate) -> None:
    assert SefazClient(fake, FakeClock(NOW), a1=a1).authorize(nfe).autorizado  # type: ignore[arg-type]


def test_svc_nfe_is_consulted_at_the_svc_while_it_holds_it(svc_nfe: bytes, a1: A1Certificate) -> None:
    two = TwoAuthorizers(down={"origin"})  # the reason for the SVC: the origin is down
    _authorize_at(two.svc, svc_nfe, a1)
    result = _client(two, a1).consulta(_chave(svc_nfe), "homologacao")
    assert result.cstat == "100" and result.protocolo is not None
    assert [w for w, _ in two.calls] == ["svc"]
    ep = states.endpoint("SP", "55", "homologacao", "NFeConsultaProtocolo4", contingency=True)
    assert two.svc.requests[-1].url == ep.url and ep.autorizador == "SVC-AN"


def test_svc_nfe_is_found_at_the_origin_after_the_svc_is_deactivated(svc_nfe: bytes, a1: A1Certificate) -> None:
    two = TwoAuthorizers()
    _authorize_at(two.origin, svc_nfe, a1)  # shared with the origin (NT 2013.007 04.8); the SVC says 217
    result = _client(two, a1).consulta(_chave(svc_nfe), "homologacao")
    assert result.cstat == "100" and [w for w, _ in two.calls] == ["svc", "origin"]
    two.calls.clear()
    two.down = {"svc"}  # SVC switched off altogether: straight on to the origin
    assert _client(two, a1).consulta(_chave(svc_nfe), "homologacao").cstat == "100"
    assert [w for w, _ in two.calls] == ["svc", "origin"]


def test_when_only_the_svc_answers_its_217_is_the_answer(svc_nfe: bytes, a1: A1Certificate) -> None:
    two = TwoAuthorizers(down={"origin"})
    result = _client(two, a1).consulta(_chave(svc_nfe), "homologacao")
    assert result.cstat == "217"  # the worker may then re-send the identical bytes to the SVC
    two.down = {"svc", "origin"}
    with pytest.raises(TransportError):
        _client(two, a1).consulta(_chave(svc_nfe), "homologacao")


def test_a_normal_or_epec_chave_is_consulted_only_at_the_origin(nfe_signed: bytes, a1: A1Certificate) -> None:
    two = TwoAuthorizers()
    _client(two, a1).consulta(_chave(nfe_signed), "homologacao")
    epec = _reissued(nfe_signed, a1, to_epec)
    _client(two, a1).consulta(_chave(epec), "homologacao")
    assert [w for w, _ in two.calls] == ["origin", "origin"]


def test_svc_nfe_is_cancelled_at_the_svc_or_with_the_same_event_at_the_origin(svc_nfe: bytes,
                                                                               a1: A1Certificate) -> None:
    chave = _chave(svc_nfe)
    two = TwoAuthorizers()
    _authorize_at(two.svc, svc_nfe, a1)
    result = _client(two, a1).cancel(chave, "135260000000001", "Venda desfeita a pedido do cliente", "homologacao")
    assert result.evento is not None and result.evento.registrado and [w for w, _ in two.calls] == ["svc"]

    later = TwoAuthorizers()
    _authorize_at(later.origin, svc_nfe, a1)
    later.down = {"svc"}  # the SVC was deactivated
    result = _client(later, a1).cancel(chave, "135260000000001", "Venda desfeita a pedido do cliente", "homologacao")
    assert result.evento is not None and result.evento.registrado
    assert [w for w, _ in later.calls] == ["svc", "origin"]
    # The identical signed event at both: one event whatever answered.
    svc_event = parse_xml(later.calls[0][1]).find(f".//{N}evento")
    origin_event = parse_xml(later.calls[1][1]).find(f".//{N}evento")
    assert svc_event is not None and origin_event is not None
    assert svc_event.find(f"{N}infEvento").get("Id") == origin_event.find(f"{N}infEvento").get("Id")  # type: ignore[union-attr]


def test_the_correction_letter_of_an_svc_nfe_goes_to_the_origin(svc_nfe: bytes, a1: A1Certificate) -> None:
    two = TwoAuthorizers()
    _authorize_at(two.origin, svc_nfe, a1)
    result = _client(two, a1).carta_correcao(_chave(svc_nfe), "Corrige o endereco de entrega do destinatario", 1,
                                             "homologacao")
    assert result.evento is not None and result.evento.registrado and [w for w, _ in two.calls] == ["origin"]


def test_468_epec_not_yet_synchronised_never_blocks_the_identical_resend(nfe_signed: bytes,
                                                                           a1: A1Certificate) -> None:
    epec = _reissued(nfe_signed, a1, to_epec)
    fake = FakeSefaz(reject_with=EPEC_NAO_SINCRONIZADO)
    client = SefazClient(fake, FakeClock(NOW), a1=a1)  # type: ignore[arg-type]
    assert client.authorize(epec).cstat == "468"
    fake.reject_with = None  # the AN shared the EPEC with the origin
    assert client.authorize(epec).autorizado
    fake.reject_with = "225"
    other = _reissued(nfe_signed, a1, to_svc)
    assert client.authorize(other).cstat == "225"
    with pytest.raises(ReenvioBloqueado):  # any other rejection still blocks the identical bytes
        client.authorize(other)
