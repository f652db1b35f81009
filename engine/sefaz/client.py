"""Use cases of the SEFAZ client: status, authorization (sync / async batch), consulta, events
(cancelamento, cancelamento por substituição, CC-e, EPEC), inutilização and cadastro.

Every call goes through ``_call``: circuit breaker, rate limit, SOAP envelope, transport, answer.
SEFAZ answers are returned as typed results (results.py), rejections included. What this module
guarantees on top of the messages:

* a retry re-sends the IDENTICAL envelope bytes (never a rebuilt document: a changed dhEmi or cNF
  gives 539); documents are re-sent only when the transport failed before delivery, or after a
  consulta by chave showed SEFAZ does not have the document (217);
* a duplicity (204) is resolved by consulta to the original protocol when its digVal is our digest;
* bytes SEFAZ rejected are never re-sent (``ReenvioBloqueado``), and a document rejected repeatedly
  with the same cStat is held back: the loop that provokes 656;
* rate limits and the breaker are keyed by CNPJ/UF/service (protection.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lxml import etree

import states
from certificates.a1 import A1Certificate
from engine.errors import Finding, ValidationFailed, XmlError
from engine.nfe.rules.eventos import C_ORGAO_SVRS
from engine.ports import Clock, Transport, TransportError, TransportRequest
from engine.sefaz import cstat as cs
from engine.sefaz import messages as msg
from engine.sefaz.errors import ReenvioBloqueado, RespostaInvalida, SefazError
from engine.sefaz.proc import nfe_proc, proc_evento, proc_inut
from engine.sefaz.protection import CircuitBreaker, RateLimiter
from engine.sefaz.results import (
    Cadastro,
    Consulta,
    Inutilizacao,
    ProtocoloNFe,
    ResultadoEvento,
    RetornoLote,
    StatusServico,
    parse_cadastro,
    parse_consulta,
    parse_env_evento,
    parse_inut,
    parse_lote,
    parse_status,
)
from engine.sefaz.soap import Envelopes, answer
from engine.xml.parser import parse_xml
from states import Endpoint

_N = "{" + msg.NFE_NS + "}"
_DS = "{http://www.w3.org/2000/09/xmldsig#}"


@dataclass(frozen=True, slots=True)
class ClientPolicy:
    """Retry and polling knobs (docs/sefaz.md).

    ``retries``: extra attempts of the identical bytes after a failure (queries: any failure;
    documents: only failures before delivery). ``poll_attempts``: consReciNFe polls of one recibo
    (SEFAZ blocks a recibo consulted too often). ``min_poll_s``: floor of the wait when tMed is 0.
    ``same_rejection_limit``: rejections with one cStat of one document before we stop sending it.
    """

    retries: int = 2
    backoff_s: float = 1.0
    poll_attempts: int = 6
    min_poll_s: float = 1.0
    same_rejection_limit: int = 3
    ver_aplic: str = "OrthoFiscal"


@dataclass(frozen=True, slots=True)
class Autorizacao:
    """Outcome of an authorization: the lote's answer, the document's protocol, and the nfeProc
    (signed NFe bytes as sent + protNFe) when SEFAZ authorised (100/150) or denied it."""

    lote: RetornoLote
    protocolo: ProtocoloNFe | None = None
    nfe_proc: bytes | None = None
    via_consulta: bool = False  # resolved by consulta after a timeout or a 204
    avisos: tuple[str, ...] = ()  # e.g. SEFAZ's protNFe failed the schema: no nfeProc assembled

    @property
    def cstat(self) -> str:
        return self.protocolo.cstat if self.protocolo is not None else self.lote.cstat

    @property
    def xmotivo(self) -> str:
        return self.protocolo.xmotivo if self.protocolo is not None else self.lote.xmotivo

    @property
    def categoria(self) -> cs.Categoria:
        return cs.categoria(self.cstat)

    @property
    def autorizado(self) -> bool:
        return self.protocolo is not None and self.protocolo.autorizado


@dataclass(frozen=True, slots=True)
class AutorizacaoLote:
    lote: RetornoLote
    autorizacoes: dict[str, Autorizacao] = field(default_factory=dict)  # by chave


@dataclass(frozen=True, slots=True)
class _NFeInfo:
    chave: str
    uf: str
    modelo: str
    ambiente: str
    contingencia: bool
    digest: str


def _nfe_info(nfe: bytes) -> _NFeInfo:
    return _info_of(parse_xml(nfe))


def _info_of(root: etree._Element) -> _NFeInfo:
    """Routing facts and digest of a parsed NFe (a root of its own or the NFe inside a parsed enviNFe)."""
    inf = next(root.iterchildren(_N + "infNFe"), None)  # root.find(), filtered in C
    if root.tag != _N + "NFe" or inf is None:
        raise ValidationFailed([Finding(code="NAO_E_NFE", mensagem="o documento não é uma NFe (raiz NFe/infNFe)")])
    # Child by child with iterchildren (filtered in C): find() with a path runs lxml's ElementPath
    # generators in Python, and this runs for every document sent.
    digest_el: etree._Element | None = root
    for name in ("Signature", "SignedInfo", "Reference", "DigestValue"):
        digest_el = next(digest_el.iterchildren(_DS + name), None) if digest_el is not None else None
    if digest_el is None or not digest_el.text:
        raise ValidationFailed([Finding(code="NFE_NAO_ASSINADA", xpath="NFe/Signature", cstat="297",
                                        mensagem="a NF-e não está assinada: assine antes de transmitir")])

    ide_el = next(inf.iterchildren(_N + "ide"), None)

    def ide(name: str) -> str:
        # The first of a repeated element, as find() did; four lookups filtered in C cost less than a Python
        # loop over the twenty-odd children of ide.
        found = next(ide_el.iterchildren(_N + name), None) if ide_el is not None else None
        text = found.text if found is not None else None
        return text.strip() if text else ""

    return _NFeInfo(
        chave=str(inf.get("Id", ""))[3:], uf=ide("cUF"), modelo=ide("mod"),
        ambiente="producao" if ide("tpAmb") == "1" else "homologacao",
        # tpEmis 6 SVC-AN / 7 SVC-RS go to the contingency authorizer (MOC B22).
        contingencia=ide("tpEmis") in _TP_EMIS_SVC, digest=digest_el.text.strip(),
    )


# 468 "NF-e com Tipo Emissão = 4, sem EPEC correspondente": the origin authorizer has not received the EPEC
# from the Ambiente Nacional yet (NT 2014.001, validation 2AB08-40). It heals by itself: the IDENTICAL
# tpEmis 4 bytes must be accepted later, so this rejection never blocks a re-send.
EPEC_NAO_SINCRONIZADO = "468"

# EPECStatusServico of SP's NFC-e EPEC: 107 = the EPEC service is switched on; anything else = not available
# (SEFAZ-SP activates it only during an outage of its NFC-e authorizer; docs/nfce-epec-sp.md §2).
EPEC_ATIVO = "107"

# tpEmis (B22, the chave's 35th digit) of an NF-e authorized by the SVC of its UF: 6 SVC-AN, 7 SVC-RS.
_TP_EMIS_SVC = frozenset({"6", "7"})
# NT 2013.007 (SVC) v1.03: while active, the SVC answers the consulta and takes the cancelamento only for
# the NF-e it authorized itself (CC-e and inutilização are not offered there); every NF-e it authorizes is
# shared with the Ambiente Nacional and is in the origin authorizer's base once that one is back (item
# 04.8). So a tpEmis 6/7 chave is asked at the SVC first and at the origin when the SVC cannot settle it:
# 217 (não consta: deactivated, or the origin already has it), 108/109 (paralisado), 113 (SVC em
# desativação), 114 (SVC desabilitada pela SEFAZ de origem) - or no answer at all.
_SVC_NAO_RESOLVE = frozenset({"217", "108", "109", "113", "114"})


def _svc_chave(chave: str) -> bool:
    """Whether the chave is of an NF-e (model 55) issued for the SVC (tpEmis 6/7 at position 35)."""
    return len(chave) == 44 and chave[20:22] == "55" and chave[34] in _TP_EMIS_SVC


class SefazClient:
    """One emitter's client. ``a1`` signs events and inutilizações (the transport holds the TLS identity).

    ``base_override`` points every endpoint at the simulator (``states.endpoint(base_override=...)``).
    """

    def __init__(
        self,
        transport: Transport,
        clock: Clock,
        *,
        a1: A1Certificate | None = None,
        base_override: str | None = None,
        limiter: RateLimiter | None = None,
        breaker: CircuitBreaker | None = None,
        policy: ClientPolicy | None = None,
    ) -> None:
        self.transport = transport
        self.clock = clock
        self.a1 = a1
        self.base_override = base_override
        self.limiter = limiter or RateLimiter(clock)
        self.breaker = breaker or CircuitBreaker(clock)
        self.policy = policy or ClientPolicy()
        self._rejected: OrderedDict[str, tuple[str, str]] = OrderedDict()  # sha256(bytes) -> (cStat, xMotivo)
        # documento -> cStat -> times. By document: the guard before every send looks at one document's
        # rejections, not at every rejection of the last hour (up to 10 000 pairs walked per send before).
        self._rejections: dict[str, dict[str, list[float]]] = {}
        self._rejection_pairs = 0  # (documento, cStat) pairs held: the bound the pruning keeps
        self._lock = threading.Lock()
        self._envelopes = Envelopes()  # the SOAP envelope's bytes per service, built once
        # Resolved endpoints by the arguments of ``endpoint``: the registry is static data read once per process
        # and ``base_override`` is fixed per client, so a resolution never changes (~4 us of registry lookups
        # per call saved, issue 5 §9). Failures (ServiceNotOffered...) are not kept: they raise every time.
        self._endpoints: dict[tuple[str | int, str | int, str, str, bool], Endpoint] = {}

    # ------------------------------------------------------------------------------ plumbing

    def endpoint(
        self, uf: str, modelo: str | int, ambiente: str, service: str, *, contingency: bool = False
    ) -> Endpoint:
        key = (uf, modelo, ambiente, service, contingency)
        found = self._endpoints.get(key)
        if found is None:
            if len(self._endpoints) >= 4096:  # UF x model x environment x service, and the spellings callers use
                self._endpoints.clear()
            found = self._endpoints[key] = states.endpoint(uf, modelo, ambiente, service, contingency=contingency,
                                                           base_override=self.base_override)
        return found

    def _cnpj(self, fallback: str = "") -> str:
        if self.a1 is not None and self.a1.identity.cnpj:
            return self.a1.identity.cnpj
        return fallback

    def _call(
        self,
        endpoint: Endpoint,
        message: bytes,
        *,
        cnpj: str,
        documento: str | None = None,
        retry_delivered: bool,
    ) -> etree._Element:
        """Send ``message`` and return the ``ret*`` element. Retries re-send the same ``body`` object."""
        body = self._envelopes.wrap(endpoint, message)
        request = TransportRequest(endpoint.url, body, endpoint.soap_action, endpoint.tls_min_version)
        key = (endpoint.url, endpoint.service)
        descricao = f"{endpoint.service} {endpoint.autorizador} ({endpoint.uf}, modelo {endpoint.modelo})"
        attempt = 0
        while True:
            self.breaker.before(key, descricao)
            self.limiter.acquire(cnpj=cnpj, uf=endpoint.uf, service=endpoint.service, documento=documento)
            try:
                response = self.transport.post(request)
                ret = answer(response.body, status=response.status)
            except TransportError as exc:
                self.breaker.failure(key)
                # A TLS failure (untrusted server, refused certificate) does not heal by retrying.
                if attempt >= self.policy.retries or exc.kind == "tls" or (exc.delivered and not retry_delivered):
                    raise
            except RespostaInvalida:
                self.breaker.failure(key)
                if attempt >= self.policy.retries or not retry_delivered:
                    raise
            else:
                code = _first_cstat(ret)
                if code in cs.PARALISADO:
                    self.breaker.failure(key)  # a result, but the service is down: open after a few
                else:
                    self.breaker.success(key)
                return ret
            attempt += 1
            self.clock.sleep(self.policy.backoff_s * attempt)

    def _guard_resend(self, payload: bytes, documento: str) -> str:
        digest = hashlib.sha256(payload).hexdigest()
        with self._lock:
            previous = self._rejected.get(digest)
            if previous is not None:
                raise ReenvioBloqueado(
                    f"{documento}: este mesmo XML já foi rejeitado pela SEFAZ (cStat {previous[0]}: {previous[1]}); "
                    "corrija o documento antes de reenviar (reenvios repetidos levam ao bloqueio 656)",
                    cstat=previous[0],
                )
            now = self.clock.monotonic()
            for code, times in self._rejections.get(documento, {}).items():
                recent = [t for t in times if t > now - 3600.0]
                if len(recent) >= self.policy.same_rejection_limit:
                    raise ReenvioBloqueado(
                        f"{documento}: rejeitado {len(recent)} vezes com cStat {code} na última hora; corrija a "
                        "causa antes de reenviar (a SEFAZ bloqueia por consumo indevido, cStat 656)",
                        cstat=code,
                    )
        return digest

    def _note_outcome(self, digest: str, documento: str, code: str, motivo: str) -> None:
        if cs.categoria(code) != "rejeicao" or code in (cs.DUPLICIDADE_NFE, cs.CONSUMO_INDEVIDO, EPEC_NAO_SINCRONIZADO):
            return
        with self._lock:
            self._rejected[digest] = (code, motivo)
            while len(self._rejected) > 10_000:
                self._rejected.popitem(last=False)
            now = self.clock.monotonic()
            by_code = self._rejections.setdefault(documento, {})
            if code not in by_code:
                self._rejection_pairs += 1
            by_code[code] = [*(t for t in by_code.get(code, ()) if t > now - 3600.0), now]
            if self._rejection_pairs > 10_000:  # forget (documento, cStat) with no rejection in the last hour
                kept = {doc: {c: v for c, v in codes.items() if v[-1] > now - 3600.0}
                        for doc, codes in self._rejections.items()}
                self._rejections = {doc: codes for doc, codes in kept.items() if codes}
                self._rejection_pairs = sum(len(codes) for codes in self._rejections.values())

    def _id_lote(self) -> str:
        return str(int(self.clock.now().timestamp() * 1000) % 10**15)

    def _need_a1(self) -> A1Certificate:
        if self.a1 is None:
            raise SefazError("certificado A1 do emitente necessário para assinar eventos e inutilizações")
        return self.a1

    # ------------------------------------------------------------------------------ services

    def status(self, uf: str, modelo: str | int, ambiente: str, *, contingency: bool = False) -> StatusServico:
        """NFeStatusServico4: 107 em operação."""
        ep = self.endpoint(uf, modelo, ambiente, "NFeStatusServico4", contingency=contingency)
        ret = self._call(ep, msg.cons_stat_serv(ep), cnpj=self._cnpj(), retry_delivered=True)
        return parse_status(ret)

    def consulta(self, chave: str, ambiente: str) -> Consulta:
        """NFeConsultaProtocolo4 by chave: situação, protNFe and events.

        An NF-e issued for the SVC (tpEmis 6/7 in the chave) is asked at the SVC of its UF first and at
        the origin authorizer when the SVC cannot settle it (``_SVC_NAO_RESOLVE`` or no answer), so the
        recovery worker settles such a document both while the SVC is active and after it is
        deactivated. When only one of the two answers, that answer is returned; when neither does, the
        origin's failure is raised."""
        origin = self.endpoint(chave[0:2], chave[20:22], ambiente, "NFeConsultaProtocolo4")
        if not _svc_chave(chave):
            return self._consulta_at(origin, chave)
        svc = self.endpoint(chave[0:2], chave[20:22], ambiente, "NFeConsultaProtocolo4", contingency=True)
        at_svc: Consulta | None = None
        try:
            at_svc = self._consulta_at(svc, chave)
        except (TransportError, SefazError):
            at_svc = None  # the SVC is silent or its breaker is open: the origin may have it
        if at_svc is not None and at_svc.cstat not in _SVC_NAO_RESOLVE:
            return at_svc
        try:
            at_origin = self._consulta_at(origin, chave)
        except (TransportError, SefazError):
            if at_svc is not None:
                return at_svc
            raise
        if at_svc is not None and cs.categoria(at_origin.cstat) == "erro_servico":
            return at_svc  # the origin is still down: the SVC's answer (217) is the one that means something
        return at_origin

    def _consulta_at(self, ep: Endpoint, chave: str) -> Consulta:
        ret = self._call(ep, msg.cons_sit_nfe(ep, chave), cnpj=self._cnpj(chave[6:20]), documento=chave,
                         retry_delivered=True)
        return parse_consulta(ret)

    def authorize(self, nfe: bytes, *, id_lote: str | None = None) -> Autorizacao:
        """NFeAutorizacao4, synchronous (indSinc 1): one signed NFe, sent as the given bytes.

        After a timeout the document may be at SEFAZ: we consult by chave first and re-send the identical
        bytes only if SEFAZ does not have it (217). A 204 (duplicidade) resolves to the original protocol.
        """
        # The enviNFe is parsed once: its NFe gives the routing facts (no parse of the NFe bytes alone) and the
        # same tree is validated against the enviNFe schema - the bytes sent. Checks run in the order they
        # always did: NF-e facts, re-send guard, endpoint, lote rules, schema.
        id_lote = id_lote or self._id_lote()
        message = msg.envi_nfe_bytes([nfe], id_lote=id_lote, sincrono=True)
        envi, sent = _parse_sent(message, nfe)
        info = _info_of(sent)
        digest = self._guard_resend(nfe, info.chave)
        ep = self.endpoint(info.uf, info.modelo, info.ambiente, "NFeAutorizacao4", contingency=info.contingencia)
        msg.check_envi_nfe([nfe], id_lote=id_lote, sincrono=True)
        msg.validated_tree(envi)
        cnpj = self._cnpj(info.chave[6:20])
        for attempt in range(self.policy.retries + 1):
            try:
                ret = self._call(ep, message, cnpj=cnpj, documento=None, retry_delivered=False)
            except TransportError as exc:
                if not exc.delivered:
                    raise
                found = self._resolve(nfe, info)
                if found is not None:
                    return found
                if attempt >= self.policy.retries:
                    raise
                continue  # SEFAZ does not have it (217): the identical message again
            lote = parse_lote(ret)
            if lote.cstat == cs.LOTE_RECEBIDO and lote.n_rec:  # the authorizer chose async processing
                return self._poll(ep, lote, {info.chave: nfe}, cnpj).autorizacoes.get(info.chave, Autorizacao(lote))
            return self._finish(nfe, info, digest, lote)
        raise AssertionError("unreachable")  # pragma: no cover

    def _finish(self, nfe: bytes, info: _NFeInfo, digest: str, lote: RetornoLote) -> Autorizacao:
        prot = next((p for p in lote.protocolos if p.chave == info.chave), None)
        if prot is None:
            self._note_outcome(digest, info.chave, lote.cstat, lote.xmotivo)
            return Autorizacao(lote)
        if prot.cstat == cs.DUPLICIDADE_NFE:
            found = self._resolve(nfe, info)
            if found is not None:
                return Autorizacao(lote, found.protocolo, found.nfe_proc, via_consulta=True, avisos=found.avisos)
        self._note_outcome(digest, info.chave, prot.cstat, prot.xmotivo)
        if not (prot.autorizado or prot.denegado):
            return Autorizacao(lote, prot)
        # These bytes passed the schema inside the enviNFe of this call: only the protNFe is new (validated as the
        # tree parse_prot detached from the answer, the one prot.xml serialises).
        proc, avisos = _assemble(lambda: nfe_proc(nfe, prot.xml, sent=(info.chave, info.digest), prot_tree=prot.tree))
        return Autorizacao(lote, prot, proc, avisos=avisos)

    def _resolve(self, nfe: bytes, info: _NFeInfo) -> Autorizacao | None:
        """The protocol SEFAZ already has for these bytes (digVal = our DigestValue), if any."""
        consulta = self.consulta(info.chave, info.ambiente)
        prot = consulta.protocolo
        if prot is None or prot.dig_val != info.digest:
            return None
        if not (prot.autorizado or prot.denegado):
            return None
        lote = RetornoLote(cstat=consulta.cstat, xmotivo=consulta.xmotivo, protocolos=(prot,))
        proc, avisos = _assemble(lambda: nfe_proc(nfe, prot.xml))
        return Autorizacao(lote, prot, proc, via_consulta=True, avisos=avisos)

    def authorize_batch(self, nfes: Sequence[bytes], *, id_lote: str | None = None) -> AutorizacaoLote:
        """NFeAutorizacao4 asynchronous (indSinc 0): up to 50 NFe of one UF/model/environment, then
        NFeRetAutorizacao4 by recibo, waiting tMed between polls."""
        infos = [_nfe_info(n) for n in nfes]
        targets = {(i.uf, i.modelo, i.ambiente, i.contingencia) for i in infos}
        if len(targets) != 1:
            raise ValidationFailed([Finding(code="LOTE_MISTO", path="NFe", cstat="225",
                                            mensagem="um lote só pode ter NF-e da mesma UF, modelo e ambiente")])
        for n, i in zip(nfes, infos, strict=True):
            self._guard_resend(n, i.chave)
        first = infos[0]
        ep = self.endpoint(first.uf, first.modelo, first.ambiente, "NFeAutorizacao4", contingency=first.contingencia)
        message = msg.envi_nfe(list(nfes), id_lote=id_lote or self._id_lote(), sincrono=False)
        cnpj = self._cnpj(first.chave[6:20])
        lote = parse_lote(self._call(ep, message, cnpj=cnpj, retry_delivered=False))
        if lote.cstat != cs.LOTE_RECEBIDO or not lote.n_rec:
            return AutorizacaoLote(lote)
        return self._poll(ep, lote, {i.chave: n for i, n in zip(infos, nfes, strict=True)}, cnpj)

    def _poll(self, ep: Endpoint, recebido: RetornoLote, docs: dict[str, bytes], cnpj: str) -> AutorizacaoLote:
        ret_ep = self.endpoint(ep.uf, ep.modelo, ep.ambiente, "NFeRetAutorizacao4", contingency=ep.contingencia)
        message = msg.cons_reci_nfe(ret_ep, recebido.n_rec)
        wait = max(float(recebido.t_med or 0), self.policy.min_poll_s)
        lote = recebido
        for _ in range(self.policy.poll_attempts):
            self.clock.sleep(wait)
            lote = parse_lote(self._call(ret_ep, message, cnpj=cnpj, documento=recebido.n_rec, retry_delivered=True))
            if lote.cstat != cs.LOTE_EM_PROCESSAMENTO:
                break
            wait = max(float(lote.t_med or 0), wait, self.policy.min_poll_s)
        autorizacoes: dict[str, Autorizacao] = {}
        for chave, nfe in docs.items():
            info = _nfe_info(nfe)
            autorizacoes[chave] = self._finish(nfe, info, hashlib.sha256(nfe).hexdigest(), lote)
        return AutorizacaoLote(lote, autorizacoes)

    # ------------------------------------------------------------------------------ events

    def _send_event(self, ep: Endpoint, evento: bytes, chave: str, *,
                    fallback: Endpoint | None = None) -> ResultadoEvento:
        """Send one event. With ``fallback`` (the origin authorizer of an SVC NF-e, ``ep`` being its
        SVC) the identical event bytes go to ``fallback`` when ``ep`` cannot settle it (see consulta)."""
        digest = self._guard_resend(evento, chave)
        message = msg.env_evento([evento], id_lote=self._id_lote())
        cnpj = self._cnpj(chave[6:20])
        # An event re-sent as identical bytes cannot register twice (573 duplicidade de evento).
        if fallback is None:
            result = parse_env_evento(self._call(ep, message, cnpj=cnpj, retry_delivered=True))
        else:
            result = self._event_svc_first(ep, fallback, message, cnpj)
        procs: list[bytes] = []
        avisos: list[str] = []
        for ev in result.eventos:
            if ev.registrado:
                proc, problems = _assemble(lambda ev=ev: proc_evento(evento, ev.xml))  # type: ignore[misc]
                procs.extend([proc] if proc is not None else [])
                avisos.extend(problems)
            else:
                self._note_outcome(digest, chave, ev.cstat, ev.xmotivo)
        if not result.eventos:
            self._note_outcome(digest, chave, result.cstat, result.xmotivo)
        return ResultadoEvento(result.cstat, result.xmotivo, result.eventos, tuple(procs), tuple(avisos))

    def _event_svc_first(self, svc: Endpoint, origin: Endpoint, message: bytes, cnpj: str) -> ResultadoEvento:
        at_svc: ResultadoEvento | None = None
        try:
            at_svc = parse_env_evento(self._call(svc, message, cnpj=cnpj, retry_delivered=True))
        except (TransportError, SefazError):
            at_svc = None
        if at_svc is not None and not _svc_nao_resolve(at_svc):
            return at_svc
        try:
            at_origin = parse_env_evento(self._call(origin, message, cnpj=cnpj, retry_delivered=True))
        except (TransportError, SefazError):
            if at_svc is not None:
                return at_svc
            raise
        down = cs.categoria(at_origin.cstat) == "erro_servico" or (
            at_origin.evento is not None and cs.categoria(at_origin.evento.cstat) == "erro_servico")
        if at_svc is not None and down:
            return at_svc  # the origin is still down: the SVC's answer is the one that means something
        return at_origin

    def _event_endpoint(self, chave: str, ambiente: str) -> Endpoint:
        return self.endpoint(chave[0:2], chave[20:22], ambiente, "NFeRecepcaoEvento4")

    def cancel(self, chave: str, n_prot: str, x_just: str, ambiente: str) -> ResultadoEvento:
        """Evento 110111 cancelamento. An NF-e authorized by the SVC (tpEmis 6/7) is cancelled at the SVC
        while it is active and at the origin authorizer otherwise (NT 2013.007; the same event bytes)."""
        ep = self._event_endpoint(chave, ambiente)
        fallback: Endpoint | None = None
        if _svc_chave(chave):
            ep, fallback = self.endpoint(chave[0:2], chave[20:22], ambiente, "NFeRecepcaoEvento4",
                                         contingency=True), ep
        ev = msg.cancelamento(ep, chave=chave, n_prot=n_prot, x_just=x_just, now=self.clock.now(), a1=self._need_a1())
        return self._send_event(ep, ev, chave, fallback=fallback)

    def cancel_substituicao(
        self, chave: str, n_prot: str, x_just: str, chave_substituta: str, ambiente: str
    ) -> ResultadoEvento:
        """Evento 110112 cancelamento por substituição (NFC-e)."""
        ep = self._event_endpoint(chave, ambiente)
        ev = msg.cancelamento_substituicao(
            ep, chave=chave, n_prot=n_prot, x_just=x_just, chave_substituta=chave_substituta,
            ver_aplic=self.policy.ver_aplic, now=self.clock.now(), a1=self._need_a1(),
        )
        return self._send_event(ep, ev, chave)

    def carta_correcao(self, chave: str, x_correcao: str, n_seq_evento: int, ambiente: str) -> ResultadoEvento:
        """Evento 110110 carta de correção (NF-e). Always at the origin authorizer, also for an NF-e authorized
        by the SVC: the SVC does not take CC-e (NT 2013.007), the origin has the NF-e once synchronised."""
        ep = self._event_endpoint(chave, ambiente)
        ev = msg.carta_correcao(ep, chave=chave, x_correcao=x_correcao, n_seq_evento=n_seq_evento,
                                now=self.clock.now(), a1=self._need_a1())
        return self._send_event(ep, ev, chave)

    def epec(self, nfe: bytes) -> ResultadoEvento:
        """Evento 110140 EPEC from a signed document with tpEmis 4: an NF-e's at the Ambiente Nacional; an
        NFC-e's at its UF's own EPEC service (SP, NT 2014.003, model-65 detEvento). SEFAZ-SP switches its NFC-e
        EPEC on only during an outage of its NFC-e authorizer: ask ``epec_status`` before relying on it (the
        pipeline asks once, when it enters EPEC, not before every NFC-e: the status service is rate-limited).
        Answers: 136 registered (not linked yet), 573 already registered, 142 EPEC blocked for the emitter
        (pending conciliation); 108/109 at the message level when the service is not processing."""
        info = _nfe_info(nfe)
        ep = self.endpoint(info.uf, info.modelo, info.ambiente, "RecepcaoEvento_EPEC")
        build = msg.epec_nfce if info.modelo == "65" else msg.epec
        ev = build(ep, nfe=nfe, ver_aplic=self.policy.ver_aplic, now=self.clock.now(), a1=self._need_a1())
        return self._send_event(ep, ev, info.chave)

    def epec_status(self, uf: str, ambiente: str) -> StatusServico:
        """EPECStatusServico of the UF's NFC-e EPEC (SP): consStatServ 4.00 (cUF, STATUS); 107 = the EPEC
        service is active, any other answer = not available (nfephp's EPECNFCe_SP notes; docs/nfce-epec-sp.md
        §2). ``states`` raises ServiceNotOffered in a UF without NFC-e EPEC."""
        ep = self.endpoint(uf, "65", ambiente, "EPECStatusServico")
        ret = self._call(ep, msg.cons_stat_serv(ep), cnpj=self._cnpj(), retry_delivered=True)
        return parse_status(ret)

    def conciliacao_endpoint(self, chave: str, ambiente: str) -> Endpoint:
        """Where an ECONF goes (NT 2024.002 P08): the SVRS for an NF-e (modelo 55) whatever the UF's own
        authorizer is, with cOrgao 92; the UF's NFC-e authorizer for an NFC-e. The SVRS endpoint is read
        from the registry through a UF it serves and carries the chave's UF (rate limits, zone)."""
        uf = states.uf(chave[0:2])
        if chave[20:22] != "55":
            return self._event_endpoint(chave, ambiente)
        servida = next(u for u in states.all_ufs() if u.nfe_autorizador == "SVRS")
        ep = self.endpoint(servida.sigla, "55", ambiente, "NFeRecepcaoEvento4")
        return dataclasses.replace(ep, uf=uf.sigla, codigo_orgao=C_ORGAO_SVRS)

    def conciliacao_financeira(
        self, chave: str, pagamentos: Sequence[msg.PagamentoConciliado], ambiente: str, *, n_seq: int = 1
    ) -> ResultadoEvento:
        """Evento 110750 Conciliação Financeira (ECONF, NT 2024.002): the payments of an authorized
        NF-e/NFC-e. ``n_seq`` numbers further ECONFs of the same document (573 when repeated)."""
        ep = self.conciliacao_endpoint(chave, ambiente)
        ev = msg.conciliacao_financeira(
            ep, chave=chave, pagamentos=pagamentos, ver_aplic=self.policy.ver_aplic, now=self.clock.now(),
            a1=self._need_a1(), n_seq=n_seq,
        )
        return self._send_event(ep, ev, chave)

    # ------------------------------------------------------------------------------ others

    def inutilizar(
        self, uf: str, modelo: str | int, ambiente: str, *, cnpj: str, ano: int, serie: int, n_nf_ini: int,
        n_nf_fin: int, x_just: str,
    ) -> Inutilizacao:
        """NFeInutilizacao4: one range of one series; ``proc`` holds the procInutNFe when homologated (102)."""
        ep = self.endpoint(uf, modelo, ambiente, "NFeInutilizacao4")
        inut = msg.inut_nfe(ep, cnpj=cnpj, ano=ano, serie=serie, n_nf_ini=n_nf_ini, n_nf_fin=n_nf_fin,
                            x_just=x_just, a1=self._need_a1())
        documento = f"inut:{uf}:{ep.modelo}:{serie}:{n_nf_ini}-{n_nf_fin}"
        digest = self._guard_resend(inut, documento)
        # Re-sending identical inutilização bytes cannot consume another range (563/256 at worst).
        result = parse_inut(self._call(ep, inut, cnpj=cnpj, retry_delivered=True))
        if result.homologada:
            proc, avisos = _assemble(lambda: proc_inut(inut, result.xml))
            return Inutilizacao(result.cstat, result.xmotivo, result.n_prot, result.dh_recbto, result.xml,
                                proc or b"", avisos)
        self._note_outcome(digest, documento, result.cstat, result.xmotivo)
        return result

    def cadastro(
        self, uf: str, ambiente: str, *, cnpj: str | None = None, ie: str | None = None, cpf: str | None = None
    ) -> Cadastro:
        """CadConsultaCadastro4 where the UF offers it (states raises ServiceNotOffered otherwise)."""
        ep = self.endpoint(uf, "55", ambiente, "CadConsultaCadastro4")
        ret = self._call(ep, msg.cons_cad(ep, cnpj=cnpj, ie=ie, cpf=cpf), cnpj=self._cnpj(cnpj or ""),
                         retry_delivered=True)
        return parse_cadastro(ret)


def _assemble(make: Callable[[], bytes]) -> tuple[bytes | None, tuple[str, ...]]:
    """A distribution document, or why it could not be assembled. The SEFAZ result stands either way
    (the document IS authorised / the event IS registered); the caller stores the answer and the notice."""
    try:
        return make(), ()
    except ValidationFailed as exc:
        return None, tuple(
            f"documento de distribuição não montado: a resposta da SEFAZ não passa no schema ({f.mensagem})"
            for f in exc.findings[:3]
        )


def _svc_nao_resolve(result: ResultadoEvento) -> bool:
    """Whether an SVC's answer to an event means "not here" rather than a decision about the event."""
    if result.cstat in _SVC_NAO_RESOLVE:
        return True
    return bool(result.eventos) and all(ev.cstat in _SVC_NAO_RESOLVE for ev in result.eventos)


def _first_cstat(ret: etree._Element) -> str:
    # ret.find(".//cStat") walked in C: the first cStat below ret in document order.
    found = next(ret.iterdescendants(_N + "cStat"), None)
    return found.text.strip() if found is not None and found.text else ""


def _parse_sent(message: bytes, nfe: bytes) -> tuple[etree._Element, etree._Element]:
    """The enviNFe ``message`` parsed by the hardened parser, and its NFe element (``nfe`` as embedded).

    Bytes that are not one well-formed element fail here as they did when the NFe was parsed alone: its
    own parse error is raised (``nfe`` is parsed again only then)."""
    try:
        envi = parse_xml(message)
    except XmlError:
        parse_xml(nfe)  # the NFe's own error when it has one
        raise
    children = [child for child in envi if isinstance(child.tag, str)]
    if len(children) != 3:  # idLote, indSinc, NFe: anything else was not one element
        return envi, parse_xml(nfe)
    return envi, children[2]


__all__ = ["EPEC_ATIVO", "EPEC_NAO_SINCRONIZADO", "Autorizacao", "AutorizacaoLote", "ClientPolicy", "SefazClient"]
