"""SEFAZ behaviour: validation order, business rules and the answers, with SEFAZ's own cStat codes.

Every rule cites its source (MOC 7.0 = Manual de Orientação do Contribuinte 7.0, NT = Nota Técnica).
Message-level failures (root, versão, schema, paralisação, consumo indevido) answer the service's
ret message with that cStat; document-level failures of NFeAutorizacao4 go inside protNFe and
event-level ones inside retEvento, as the real web services do.
"""

from __future__ import annotations

import copy
import functools
import json
import operator
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cryptography import x509
from lxml import etree

import states
from schemas import XSD_DIR
from simulator.routes import ServiceRoute
from simulator.soap import NFE
from simulator.state import Batch, Document, EventRecord, Inutilizacao, State
from simulator.xmlsig import Certificates, Signer, verify_enveloped

N = {"n": NFE}
VER_APLIC = "ORTHO-SIM-4.00"
AN_CODE = "91"  # Ambiente Nacional (cOrgao)

# (expected root, XSD relative to schemas/xsd, versao, cStat when the schema fails)
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "NFeStatusServico4": ("consStatServ", "nfe_v4.00/consStatServ_v4.00.xsd", "4.00", "215"),
    "EPECStatusServico": ("consStatServ", "nfe_v4.00/consStatServ_v4.00.xsd", "4.00", "215"),
    "NFeAutorizacao4": ("enviNFe", "nfe_v4.00/enviNFe_v4.00.xsd", "4.00", "225"),
    "NFeRetAutorizacao4": ("consReciNFe", "nfe_v4.00/consReciNFe_v4.00.xsd", "4.00", "215"),
    "NFeConsultaProtocolo4": ("consSitNFe", "nfe_v4.00/consSitNFe_v4.00.xsd", "4.00", "215"),
    "NFeInutilizacao4": ("inutNFe", "nfe_v4.00/inutNFe_v4.00.xsd", "4.00", "215"),
    "NFeRecepcaoEvento4": ("envEvento", "evento_generico_v1.00/envEvento_v1.00.xsd", "1.00", "215"),
    "RecepcaoEvento_EPEC": ("envEvento", "evento_generico_v1.00/envEvento_v1.00.xsd", "1.00", "215"),
    "CadConsultaCadastro4": ("ConsCad", "conscad_v2.00/consCad_v2.00.xsd", "2.00", "215"),
}

# Query services, where a burst from one certificate is "consumo indevido" by itself; documents and
# events are limited by their repeated rejections instead (a big emitter legitimately sends thousands).
QUERY_SERVICES = frozenset(
    {"NFeStatusServico4", "EPECStatusServico", "NFeConsultaProtocolo4", "NFeRetAutorizacao4", "CadConsultaCadastro4"}
)
MAX_MESSAGE_BYTES = 500 * 1024  # MOC 7.0 (Padrão de Comunicação): 500 KB per message, else 214

# Where a message names its UF, in the order msg_cuf looks (the chave and the recibo start with the cUF).
_MSG_CUF_FIELDS: tuple[tuple[str, int | None], ...] = (
    ("n:cUF", None),
    ("n:NFe/n:infNFe/n:ide/n:cUF", None),
    ("n:infInut/n:cUF", None),
    ("n:chNFe", 2),
    ("n:nRec", 2),
    ("n:evento/n:infEvento/n:cOrgao", None),
)

# infNFe/ide fields the authorization rules read (keys of _child_texts(ide)).
_IDE_CUF, _IDE_MOD, _IDE_SERIE, _IDE_NNF, _IDE_TP_AMB, _IDE_TP_EMIS, _IDE_DH_EMI, _IDE_CNF, _IDE_CDV = (
    f"{{{NFE}}}{name}" for name in ("cUF", "mod", "serie", "nNF", "tpAmb", "tpEmis", "dhEmi", "cNF", "cDV")
)

# The contingency authorizers take only documents issued in their own contingency mode (MOC 7.0,
# tpEmis B22: 6 = SVC-AN, 7 = SVC-RS); anything else is 713.
SVC_TP_EMIS = {"SVC-AN": "6", "SVC-RS": "7"}

# Event-specific schemas of the evento element (493 when they fail).
EVENT_SCHEMAS = {
    "110111": "evento_cancel_v1.00/eventoCancNFe_v1.00.xsd",
    "110110": "evento_cce_v1.00/CCe_v1.00.xsd",
    "110140": "evento_epec_v1.00/EPEC_v1.00.xsd",
}
# The NFC-e's EPEC (model 65, received by SEFAZ-SP) has its own detEvento: dest optional, vNF/vICMS after it,
# no vST (NT 2014.003). Its schema is the repository's own (schemas/xsd/README.md, "Ours, not official").
EVENT_SCHEMAS_NFCE = {"110140": "evento_epec_nfce_v1.00/EPECNFCe_v1.00.xsd"}
# NT 2014.003 (via nfephp's EPECNFCe_SP notes): an NFC-e EPEC must be conciliated (its NFC-e authorized)
# within 24 h, else the UF blocks new EPEC for the emitter (142).
NFCE_EPEC_CONCILIACAO = timedelta(hours=24)
X_EVENTO = {
    "110111": "Cancelamento registrado",
    "110112": "Cancelamento por substituicao registrado",
    "110110": "Carta de Correcao registrada",
    "110140": "EPEC registrado",
    "110750": "Conciliacao Financeira registrada",
}
# ECONF (110750, NT 2024.002): an NF-e's event is received by the SVRS whatever the UF's authorizer,
# with cOrgao 92 (comment P08); an NFC-e's by the UF's own NFC-e authorizer with the UF's code.
SVRS_CODE = "92"
ECONF_T_PAG = frozenset(
    {"01", "02", "03", "04", "05", "10", "11", "12", "13", "15", "16", "17", "18", "19", "20", "21", "22", "90", "99"}
)


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Windows of the business rules. NF-e cancelation: 24 h after the authorization (Ajuste SINIEF
    07/05; 501 after it). NFC-e cancelation: 30 min (Ajuste SINIEF 19/16 cl. 15ª as amended by Ajuste
    SINIEF 07/18; rule 2P12-18 of NT 2018.004). Cancelamento por substituição of an NFC-e issued twice
    (one online, its substitute in contingency): 168 h (NT 2018.004). dhEmi and dhEvento: up to 5 min ahead of the
    reception (703 / 578); NF-e not older than 30 days (228); online NFC-e (tpEmis 1) not older than
    5 min (704)."""

    cancel_nfe: timedelta = timedelta(hours=24)
    cancel_nfce: timedelta = timedelta(minutes=30)
    cancel_substituicao: timedelta = timedelta(hours=168)
    future_tolerance: timedelta = timedelta(minutes=5)
    nfe_late: timedelta = timedelta(days=30)
    nfce_late: timedelta = timedelta(minutes=5)


_DV_WEIGHTS = tuple(2 + i % 8 for i in range(64))  # módulo 11 weights from the right: 2..9, 2..9, ...
_DV_WEIGHT_SUMS = tuple(sum(_DV_WEIGHTS[:n]) for n in range(len(_DV_WEIGHTS) + 1))


def chave_dv(first43: str) -> str:
    """Módulo 11 with weights 2..9 from the right (MOC 7.0, chave de acesso); characters count as
    ``ord(c) - 48`` so the alphanumeric CNPJ of NT 2025.001 is covered too."""
    if len(first43) > len(_DV_WEIGHTS):
        total = sum((ord(c) - 48) * (2 + i % 8) for i, c in enumerate(reversed(first43)))
    else:  # the same sum, with the multiplications done by map instead of a generator
        total = sum(map(operator.mul, map(ord, reversed(first43)), _DV_WEIGHTS)) - 48 * _DV_WEIGHT_SUMS[len(first43)]
    rest = total % 11
    return "0" if rest < 2 else str(11 - rest)


def chave_structure_cstat(chave: str) -> str | None:
    """614 when the chave's cUF is no UF's IBGE code, 618 when its model is not 55/65."""
    if chave[:2] not in {u.codigo for u in states.all_ufs()}:
        return "614"
    if chave[20:22] not in ("55", "65"):
        return "618"
    return None


def _econf_problem(inf: etree._Element) -> str:
    """What is wrong with the detEvento of an ECONF (110750, NT 2024.002), or "" (493 otherwise):
    descEvento ECONF, verAplic, 1 to 100 detPag with tPag, vPag > 0 and dPag (AAAA-MM-DD)."""
    if _txt(inf, "n:detEvento/n:descEvento") != "ECONF":
        return "descEvento deve ser ECONF"
    if not 1 <= len(_txt(inf, "n:detEvento/n:verAplic")) <= 20:
        return "verAplic ausente"
    pags = inf.findall("n:detEvento/n:detPag", N)
    if not 1 <= len(pags) <= 100:
        return "detPag: 1 a 100 pagamentos"
    for i, pag in enumerate(pags):
        if _txt(pag, "n:tPag") not in ECONF_T_PAG:
            return f"detPag[{i}]/tPag invalido"
        try:
            valor = Decimal(_txt(pag, "n:vPag"))
            date.fromisoformat(_txt(pag, "n:dPag"))
        except (InvalidOperation, ValueError):
            return f"detPag[{i}]: vPag/dPag invalidos"
        if valor <= 0:
            return f"detPag[{i}]/vPag deve ser maior que zero"
        if (pag.find("n:CNPJPag", N) is None) != (pag.find("n:UFPag", N) is None):
            return f"detPag[{i}]: CNPJPag e UFPag juntos"
    return ""


@functools.lru_cache(maxsize=256)
def _steps(path: str) -> tuple[str, ...]:
    """``"n:emit/n:CNPJ"`` -> the Clark names of each step (the paths used here are literals)."""
    return tuple(f"{{{NFE}}}{step.removeprefix('n:')}" for step in path.split("/"))


def _first(el: etree._Element, steps: tuple[str, ...]) -> etree._Element | None:
    """The first element, in document order, at ``steps`` below ``el`` (what ``findtext`` selects)."""
    for child in el.iterchildren(steps[0]):
        found = child if len(steps) == 1 else _first(child, steps[1:])
        if found is not None:
            return found
    return None


def _txt(el: etree._Element | None, path: str) -> str:
    """The stripped text at ``path`` ("n:a/n:b", children in the NF-e namespace), "" when absent.
    Same selection as ``el.findtext(path, namespaces=N)``, walking the children directly: the rules
    read a few dozen fields per document and ElementPath's per-call set-up dominated that."""
    if el is None:
        return ""
    found = _first(el, _steps(path))
    return (found.text or "").strip() if found is not None else ""


def _child_texts(el: etree._Element | None) -> dict[str, str]:
    """``{Clark tag: stripped text}`` of the element children of ``el``, the first child of each tag:
    ``fields[f"{{{NFE}}}x"]`` (``.get(tag, "")``) is what ``_txt(el, "n:x")`` reads, for a group whose
    fields the rules read many times (ide: a dozen reads per NF-e) in one pass over its children."""
    fields: dict[str, str] = {}
    if el is None:
        return fields
    for child in el.iterchildren(etree.Element):
        if child.tag not in fields:
            fields[child.tag] = (child.text or "").strip()
    return fields


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NFE}}}{name}")
    if text is not None:
        child.text = text
    return child


def _fields(parent: etree._Element, *pairs: tuple[str, str]) -> None:
    """Append ``<name>value</name>`` children in the order given (the layouts fix the order)."""
    for name, value in pairs:
        _sub(parent, name, value)


def _root(name: str, versao: str | None) -> etree._Element:
    root = etree.Element(f"{{{NFE}}}{name}", nsmap={None: NFE})  # type: ignore[dict-item]  # lxml-stubs: default ns
    if versao is not None:
        root.set("versao", versao)
    return root


def _parse_dt(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else None


def _same_value(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return a == b


def _epec_divergence(inf: etree._Element, evento: etree._Element) -> str:
    """The NF-e/NFC-e tag whose value differs from the registered EPEC's, "" when none does. NF-e: the
    fields of NT 2014.001 §5.1 note (*1): emitter IE, dhEmi, tpNF, the recipient's UF, identification
    (CNPJ/CPF/idEstrangeiro) and IE, and the totals vNF, vICMS and vST inside dest. NFC-e (NT 2014.003
    §05.1): emitter IE, dhEmi, tpNF, the recipient (if any: UF, CNPJ/CPF/idEstrangeiro) and vNF, vICMS
    outside dest."""
    det = evento.find("n:infEvento/n:detEvento", N)
    if _parse_dt(_txt(inf, "n:ide/n:dhEmi")) != _parse_dt(_txt(det, "n:dhEmi")):
        return "dhEmi"
    nfce = _txt(inf, "n:ide/n:mod") == "65"
    pairs = [
        ("tpNF", "n:ide/n:tpNF", "n:tpNF"),
        ("emit/IE", "n:emit/n:IE", "n:IE"),
        ("dest/CNPJ", "n:dest/n:CNPJ", "n:dest/n:CNPJ"),
        ("dest/CPF", "n:dest/n:CPF", "n:dest/n:CPF"),
        ("dest/idEstrangeiro", "n:dest/n:idEstrangeiro", "n:dest/n:idEstrangeiro"),
    ]
    if not nfce:
        pairs[2:2] = [("dest/enderDest/UF", "n:dest/n:enderDest/n:UF", "n:dest/n:UF")]
        pairs.append(("dest/IE", "n:dest/n:IE", "n:dest/n:IE"))
    for tag, in_nfe, in_epec in pairs:
        if _txt(inf, in_nfe) != _txt(det, in_epec):
            return tag
    if nfce and det is not None and det.find("n:dest", N) is not None:
        # An NFC-e consumer without an address is declared in the emitter's UF.
        uf = _txt(inf, "n:dest/n:enderDest/n:UF") or _txt(inf, "n:emit/n:enderEmit/n:UF")
        if uf != _txt(det, "n:dest/n:UF"):
            return "dest/enderDest/UF"
    totals = ("vNF", "vICMS") if nfce else ("vNF", "vICMS", "vST")
    where = "n:" if nfce else "n:dest/n:"
    for name in totals:
        if not _same_value(_txt(inf, f"n:total/n:ICMSTot/n:{name}"), _txt(det, f"{where}{name}")):
            return name
    return ""


class Sefaz:
    """The rules engine of the simulator; one per running server (holds compiled schemas)."""

    def __init__(
        self,
        state: State,
        clock_now: object,
        signer: Signer,
        trusted: tuple[x509.Certificate, ...],
        *,
        batch_delay: timedelta = timedelta(0),
        deadlines: Deadlines | None = None,
    ) -> None:
        self.state = state
        self._now = clock_now  # callable returning an aware datetime
        self.signer = signer
        self.trusted = trusted
        self.certs = Certificates(trusted)  # signers' certificates, parsed and chain-checked once each
        self.batch_delay = batch_delay
        self.deadlines = deadlines or Deadlines()
        data = json.loads((Path(__file__).parent / "data" / "cstat.json").read_text("utf-8"))
        self.texts: dict[str, str] = data["codigos"]
        self._schemas: dict[str, list[etree.XMLSchema]] = {}  # free compiled schemas per XSD
        self._schema_lock = threading.Lock()
        # cUF of the UFs whose own NFC-e EPEC (SP) is switched on: see set_nfce_epec_active.
        self._nfce_epec_on: set[str] = set()

    def set_nfce_epec_active(self, uf: str, active: bool) -> None:
        """The "EPEC active" switch of a UF's own NFC-e EPEC (SP, NT 2014.003). SEFAZ-SP switches its NFC-e
        EPEC on only during an outage of its NFC-e authorizer (docs/nfce-epec-sp.md §1); the simulator starts
        with it OFF, as production runs, so an NFC-e without an answer goes off-line (tpEmis 9) unless a
        test switches EPEC on. Off: EPECStatusServico answers 109 and RecepcaoEvento_EPEC refuses the
        message with 109 (nothing registered); any answer but 107 means "not available" to the client."""
        code = states.uf(uf).codigo
        with self.state.lock:
            if active:
                self._nfce_epec_on.add(code)
            else:
                self._nfce_epec_on.discard(code)

    def nfce_epec_active_ufs(self) -> list[str]:
        """The UFs whose NFC-e EPEC switch is on (siglas, sorted)."""
        with self.state.lock:
            return sorted(states.uf(code).sigla for code in self._nfce_epec_on)

    def reset_switches(self) -> None:
        """Every NFC-e EPEC switch back to OFF (the production default)."""
        with self.state.lock:
            self._nfce_epec_on.clear()

    def nfce_epec_active(self, cuf: str) -> bool:
        with self.state.lock:
            return cuf in self._nfce_epec_on

    # ------------------------------------------------------------------------------------------
    # helpers

    def now(self) -> datetime:
        value = self._now()  # type: ignore[operator]
        assert isinstance(value, datetime)
        return value

    def motivo(self, cstat: str, suffix: str = "") -> str:
        return (self.texts[cstat] + suffix)[:255]

    def validate(self, relpath: str, element: etree._Element) -> str | None:
        """None when ``element`` (validated as a document of its own) conforms to the XSD, else the
        first error. A compiled XMLSchema keeps its error log on the object, so concurrent requests
        each borrow one from a small pool (compiled on demand, once per level of concurrency)."""
        with self._schema_lock:
            free = self._schemas.setdefault(relpath, [])
            schema = free.pop() if free else None
        if schema is None:
            schema = etree.XMLSchema(etree.parse(str(XSD_DIR / relpath)))
        # The request message is already the root of a document of its own (soap.parse_request copies
        # it out of the envelope): only an element inside another one needs the copy.
        standalone = element if element.getparent() is None else copy.deepcopy(element)
        try:
            if schema.validate(etree.ElementTree(standalone)):
                return None
            error = schema.error_log.last_error  # type: ignore[attr-defined]  # missing from lxml-stubs
            return str(error.message) if error is not None else "documento não conforme ao schema"
        finally:
            with self._schema_lock:
                self._schemas[relpath].append(schema)

    def stamp(self, route: ServiceRoute, when: datetime | None = None) -> str:
        """A date-time of the answer (dhRecbto, dhRegEvento, dhCons, dhAut in xMotivo) on the clock of
        the authorizer that answers (``route.zone``), not of the document's UF: SVRS stamps an AC
        (UTC-5) document in Brasília time, as the real servers do."""
        return (when or self.now()).astimezone(route.zone).isoformat(timespec="seconds")

    def ret_head(
        self,
        parent: etree._Element,
        route: ServiceRoute,
        cstat: str,
        xmotivo: str,
        cuf: str,
        *,
        when: datetime | None = None,
        n_rec: str | None = None,
        before_dh: tuple[tuple[str, str], ...] = (),
    ) -> etree._Element:
        """The head the 4.00 ret messages share (MOC 7.0 Anexo I: retEnviNFe, retConsReciNFe,
        retConsStatServ, retConsSitNFe, retInutNFe/infInut): tpAmb, verAplic, [nRec], cStat, xMotivo,
        cUF, [what the layout puts before dhRecbto], dhRecbto. Returns ``parent``."""
        _fields(parent, ("tpAmb", "2"), ("verAplic", VER_APLIC))
        if n_rec is not None:
            _sub(parent, "nRec", n_rec)
        _fields(parent, ("cStat", cstat), ("xMotivo", xmotivo), ("cUF", cuf), *before_dh)
        _sub(parent, "dhRecbto", self.stamp(route, when))
        return parent

    def n_prot(self, cuf: str) -> str:
        # nProt (TProt, 15 digits): 1 digit type of authorizer, cUF, 2 digits of the year, a 10-digit sequence.
        prefix = "8" if cuf == AN_CODE else "1"
        return f"{prefix}{cuf}{self.now():%y}{self.state.next_seq():010d}"

    def n_rec(self, cuf: str) -> str:
        # nRec (TRec, 15 digits): cUF, type of authorizer, a 12-digit sequence.
        return f"{cuf}1{self.state.next_seq():012d}"

    def consumo_exceeded(self, who: str, service: str, key: tuple[str, ...], limit: int, window: timedelta) -> bool:
        """Count one occurrence; past ``limit`` block ``who`` on ``service`` (656, NT 2018.002)."""
        now = self.now()
        with self.state.lock:
            if self.state.consumo.hit(key, now, window) > limit:
                self.state.consumo.block(who, service, now)
                return True
        return False

    # ------------------------------------------------------------------------------------------
    # entry point

    def handle(self, route: ServiceRoute, msg: etree._Element, transmitter: str, forced: str | None) -> etree._Element:
        service = route.service
        root_name, xsd, versao, schema_cstat = MESSAGES[service]
        if forced:  # 108/109 service stopped (injected fault) or 214 message too big: nothing else is read
            return self.msg_reject(route, msg, forced)
        if msg.tag != f"{{{NFE}}}{root_name}":
            return self.msg_reject(route, msg, "516")
        if not msg.get("versao"):
            return self.msg_reject(route, msg, "517")
        if msg.get("versao") != versao:
            return self.msg_reject(route, msg, "239")
        rules = self.state.rules
        now = self.now()
        with self.state.lock:
            if self.state.consumo.blocked(transmitter, service, now):
                return self.msg_reject(route, msg, "656")
        if service in QUERY_SERVICES and self.consumo_exceeded(
            transmitter, service, ("burst", transmitter, service), rules.burst_requests, rules.burst_window
        ):
            return self.msg_reject(route, msg, "656")
        error = self.validate(xsd, msg)
        if error is not None:
            return self.msg_reject(route, msg, schema_cstat, f" [{error[:180]}]")
        if (service in ("EPECStatusServico", "RecepcaoEvento_EPEC") and route.autorizador != "AN"
                and not self.nfce_epec_active(self.msg_cuf(route, msg))):
            return self.msg_reject(route, msg, "109")  # the UF's NFC-e EPEC is switched off
        handler = {
            "NFeStatusServico4": self.status,
            "EPECStatusServico": self.status,
            "NFeAutorizacao4": self.autorizacao,
            "NFeRetAutorizacao4": self.ret_autorizacao,
            "NFeConsultaProtocolo4": self.consulta,
            "NFeInutilizacao4": self.inutilizacao,
            "NFeRecepcaoEvento4": self.eventos,
            "RecepcaoEvento_EPEC": self.eventos,
            "CadConsultaCadastro4": self.cadastro,
        }[service]
        return handler(route, msg, transmitter)

    # ------------------------------------------------------------------------------------------
    # message-level answers

    def msg_cuf(self, route: ServiceRoute, msg: etree._Element) -> str:
        for path, width in _MSG_CUF_FIELDS:  # read lazily: the first that names a UF of the authorizer wins
            cand = _txt(msg, path)[:width]
            if cand in route.cufs or (cand == AN_CODE and route.autorizador == "AN"):
                return cand
        return AN_CODE if route.autorizador == "AN" else min(route.cufs)

    def msg_reject(self, route: ServiceRoute, msg: etree._Element, cstat: str, detail: str = "") -> etree._Element:
        """The service's ret message carrying a message-level cStat (no document/event inside)."""
        cuf = self.msg_cuf(route, msg)
        service = route.service
        xmotivo = self.motivo(cstat, detail)
        if service in ("NFeStatusServico4", "EPECStatusServico"):
            return self._ret_status(route, cuf, cstat, xmotivo)
        if service == "NFeAutorizacao4":
            return self.ret_head(_root("retEnviNFe", "4.00"), route, cstat, xmotivo, cuf)
        if service == "NFeRetAutorizacao4":
            n_rec = _txt(msg, "n:nRec")
            n_rec = n_rec if len(n_rec) == 15 else "0" * 15  # TRec: the answer always carries 15 digits
            return self.ret_head(_root("retConsReciNFe", "4.00"), route, cstat, xmotivo, cuf, n_rec=n_rec)
        if service == "NFeConsultaProtocolo4":
            return self._ret_cons_sit(route, cuf, cstat, xmotivo, _txt(msg, "n:chNFe") or "0" * 44)
        if service == "NFeInutilizacao4":
            ret = _root("retInutNFe", "4.00")
            self.ret_head(_sub(ret, "infInut"), route, cstat, xmotivo, cuf)
            return ret
        if service in ("NFeRecepcaoEvento4", "RecepcaoEvento_EPEC"):
            return self._ret_env_evento(msg, cuf, cstat, xmotivo, [])
        # CadConsultaCadastro4
        ret = _root("retConsCad", "2.00")
        inf = _sub(ret, "infCons")
        _sub(inf, "verAplic", VER_APLIC)
        _sub(inf, "cStat", cstat)
        _sub(inf, "xMotivo", xmotivo)
        _sub(inf, "UF", _txt(msg, "n:infCons/n:UF") or states.uf(cuf).sigla)
        for doc_id in ("IE", "CNPJ", "CPF"):
            value = _txt(msg, f"n:infCons/n:{doc_id}")
            if value:
                _sub(inf, doc_id, value)
                break
        else:
            _sub(inf, "CNPJ", "")
        _sub(inf, "dhCons", self.stamp(route))
        _sub(inf, "cUF", cuf)
        return ret

    def _ret_status(self, route: ServiceRoute, cuf: str, cstat: str, xmotivo: str) -> etree._Element:
        ret = self.ret_head(_root("retConsStatServ", "4.00"), route, cstat, xmotivo, cuf)
        if cstat == "107":
            _sub(ret, "tMed", "1")  # average processing time in seconds (retConsStatServ tMed)
        return ret

    def _ret_cons_sit(self, route: ServiceRoute, cuf: str, cstat: str, xmotivo: str, chave: str) -> etree._Element:
        ret = self.ret_head(_root("retConsSitNFe", "4.00"), route, cstat, xmotivo, cuf)
        _sub(ret, "chNFe", chave)
        return ret

    # ------------------------------------------------------------------------------------------
    # NFeStatusServico4

    def status(self, route: ServiceRoute, msg: etree._Element, transmitter: str) -> etree._Element:
        cuf = _txt(msg, "n:cUF")
        if _txt(msg, "n:tpAmb") != "2":
            return self._ret_status(route, self.msg_cuf(route, msg), "252", self.motivo("252"))
        if cuf not in route.cufs:
            return self._ret_status(route, self.msg_cuf(route, msg), "226", self.motivo("226"))
        return self._ret_status(route, cuf, "107", self.motivo("107"))

    # ------------------------------------------------------------------------------------------
    # NFeAutorizacao4 / NFeRetAutorizacao4

    def autorizacao(self, route: ServiceRoute, msg: etree._Element, transmitter: str) -> etree._Element:
        nfes = list(msg.iterchildren(f"{{{NFE}}}NFe"))  # msg.findall("n:NFe", N), without ElementPath
        ind_sinc = _txt(msg, "n:indSinc")
        if ind_sinc == "1" and len(nfes) > 1:
            return self.msg_reject(route, msg, "764")  # resposta síncrona only for a single NF-e
        models = {_txt(nfe, "n:infNFe/n:ide/n:mod") for nfe in nfes}
        if len(models) > 1:
            return self.msg_reject(route, msg, "765")
        cuf = self.msg_cuf(route, msg)
        prots = [self.authorize_one(route, msg, nfe, transmitter) for nfe in nfes]
        if any(p is None for p in prots):
            return self.msg_reject(route, msg, "656")
        ret = _root("retEnviNFe", "4.00")
        received = self.now()
        if ind_sinc == "1":
            self.ret_head(ret, route, "104", self.motivo("104"), cuf, when=received)
            ret.append(prots[0])  # type: ignore[arg-type]
            return ret
        n_rec = self.n_rec(cuf)
        with self.state.lock:
            self.state.batches[n_rec] = Batch(
                n_rec,
                cuf,
                transmitter,
                received,
                received + self.batch_delay,
                [etree.tostring(p) for p in prots if p is not None],
            )
        self.ret_head(ret, route, "103", self.motivo("103"), cuf, when=received)
        inf_rec = _sub(ret, "infRec")
        _sub(inf_rec, "nRec", n_rec)
        _sub(inf_rec, "tMed", str(max(1, int(self.batch_delay.total_seconds()))))
        return ret

    def _prot(
        self,
        route: ServiceRoute,
        chave: str,
        cuf: str,
        cstat: str,
        xmotivo: str,
        *,
        n_prot: str | None = None,
        dig_val: str | None = None,
        when: datetime | None = None,
    ) -> etree._Element:
        # infProt is built as the root of its own document and signed before it goes under protNFe
        # (Signer.signature_of: its C14N needs no copy then); the bytes are those of signing in place.
        inf = _root("infProt", None)
        if n_prot:
            inf.set("Id", f"ID{n_prot}")
        _sub(inf, "tpAmb", "2")
        _sub(inf, "verAplic", VER_APLIC)
        _sub(inf, "chNFe", chave)
        _sub(inf, "dhRecbto", self.stamp(route, when))
        if n_prot:
            _sub(inf, "nProt", n_prot)
        if dig_val:
            _sub(inf, "digVal", dig_val)
        _sub(inf, "cStat", cstat)
        _sub(inf, "xMotivo", xmotivo)
        # Real SEFAZ signs the protocol with its own certificate.
        signature = self.signer.signature_of(inf) if n_prot else None
        prot = _root("protNFe", "4.00")
        prot.append(inf)
        if signature is not None:
            prot.append(signature)
        elif n_prot:
            self.signer.sign(prot, inf)
        return prot

    def authorize_one(
        self, route: ServiceRoute, msg: etree._Element, nfe: etree._Element, transmitter: str
    ) -> etree._Element | None:
        """protNFe for one NF-e (authorized, denied or rejected); None when consumo indevido trips."""
        inf = _first(nfe, _steps("n:infNFe"))
        assert inf is not None  # guaranteed by the schema
        ide = _child_texts(_first(inf, _steps("n:ide")))
        chave = (inf.get("Id") or "")[3:]
        cuf = ide.get(_IDE_CUF, "")
        mod = ide.get(_IDE_MOD, "")
        cnpj = _txt(inf, "n:emit/n:CNPJ")
        serie, nnf = int(ide.get(_IDE_SERIE) or 0), int(ide.get(_IDE_NNF) or 0)
        ans_cuf = cuf if cuf in route.cufs else self.msg_cuf(route, msg)
        cstat, detail, prot = self._authorize_checks(route, nfe, inf, ide, chave, cuf, mod, cnpj, serie, nnf)
        if prot is not None:  # 100, 301 or 302: the stored, signed protocol
            return prot
        rules = self.state.rules
        if self.consumo_exceeded(
            transmitter, route.service, ("nfe", chave, cstat), rules.same_rejection_nfe, rules.window
        ):
            return None
        return self._prot(route, chave, ans_cuf, cstat, self.motivo(cstat, detail))

    def _authorize_checks(
        self,
        route: ServiceRoute,
        nfe: etree._Element,
        inf: etree._Element,
        ide: dict[str, str],
        chave: str,
        cuf: str,
        mod: str,
        cnpj: str,
        serie: int,
        nnf: int,
    ) -> tuple[str, str, etree._Element | None]:
        """``ide``: the fields of infNFe/ide (``_child_texts``)."""
        tp_emis = ide.get(_IDE_TP_EMIS, "")
        if mod != route.modelo:
            return ("775" if route.modelo == "65" else "450"), "", None
        if ide.get(_IDE_TP_AMB, "") != "2":
            return "252", "", None  # the simulator is homologação only
        if cuf not in route.cufs:
            return "226", "", None
        svc_tp_emis = SVC_TP_EMIS.get(route.autorizador)
        if svc_tp_emis is not None and tp_emis != svc_tp_emis:
            return "713", "", None
        check = verify_enveloped(nfe, inf, certs=self.certs, now=self.now())
        if check.cstat:
            return check.cstat, f" [{check.detail}]", None
        assert check.signer is not None
        signer_cnpj = check.signer.cnpj
        if signer_cnpj is None or not cnpj or signer_cnpj[:8] != cnpj[:8]:
            return "213", "", None  # MOC 7.0: CNPJ-base of the emitter vs the signer's certificate
        if chave_dv(chave[:43]) != chave[43]:
            return "236", "", None
        dh_emi = _parse_dt(ide.get(_IDE_DH_EMI, ""))
        expected = (
            cuf
            + (dh_emi.strftime("%y%m") if dh_emi else "")
            + cnpj
            + mod
            + f"{serie:03d}"
            + f"{nnf:09d}"
            + tp_emis
            + ide.get(_IDE_CNF, "")
            + ide.get(_IDE_CDV, "")
        )
        if expected != chave:
            return "502", "", None
        now = self.now()
        if dh_emi is None or dh_emi > now + self.deadlines.future_tolerance:
            return "703", "", None
        if mod == "55" and dh_emi < now - self.deadlines.nfe_late:
            return "228", "", None
        if mod == "65" and tp_emis == "1" and dh_emi < now - self.deadlines.nfce_late:
            return "704", "", None
        if tp_emis == "4":
            # NT 2014.001 §5.1: an EPEC NF-e needs the EPEC the AN registered for its chave (2AB08-40,
            # 468) with the same data (2AB08-30, 467, the differing tag named as the NT allows); NT 2014.003
            # §05.1: the same for an EPEC NFC-e and the EPEC its UF (SP) registered.
            with self.state.lock:
                epec = self.state.epec.get(chave)
            if epec is None:
                return "468", "", None
            tag = _epec_divergence(inf, etree.fromstring(epec.evento_xml))
            if tag:
                return "467", f" [tag:{tag}]", None
        dest_id = _txt(inf, "n:dest/n:CNPJ") or _txt(inf, "n:dest/n:CPF")
        with self.state.lock:
            for inut in self.state.inutilizacoes:
                if (inut.cnpj, inut.modelo, inut.serie) == (cnpj, mod, serie) and inut.ini <= nnf <= inut.fin:
                    return "206", "", None
            doc = self.state.documents.get(chave)
            if doc is not None:
                stamp = self.stamp(route, doc.authorized_at)
                if doc.cstat == "100":
                    return "204", f" [nProt:{doc.n_prot}][dhAut: {stamp}]", None
                return "205", f" [nProt:{doc.n_prot}][dhDeneg: {stamp}]", None
            other = self.state.numbers.get((cnpj, mod, serie, nnf))
            if other is not None:
                first = self.state.documents[other]
                return (
                    "539",
                    f" [chNFe:{other}][nProt:{first.n_prot}][dhAut: {self.stamp(route, first.authorized_at)}]",
                    None,
                )
            # Denial: irregular emitter 301, irregular recipient 302; the number is used (MOC 7.0 cStat table).
            cstat = "301" if cnpj in self.state.denied else "302" if dest_id and dest_id in self.state.denied else "100"
            n_prot = self.n_prot(cuf)
            dig_val = check.digest_value or ""
            # The number is taken now (under the lock); the protocol is signed outside it.
            doc = Document(
                chave=chave,
                modelo=mod,
                cnpj=cnpj,
                serie=serie,
                nnf=nnf,
                cstat=cstat,
                n_prot=n_prot,
                authorized_at=now,
                dig_val=dig_val,
                prot_xml=b"",
                dh_emi=dh_emi,
                emit_ie=_txt(inf, "n:emit/n:IE") or None,
                emit_nome=_txt(inf, "n:emit/n:xNome") or None,
                emit_uf=_txt(inf, "n:emit/n:enderEmit/n:UF") or None,
            )
            self.state.documents[chave] = doc
            self.state.numbers[(cnpj, mod, serie, nnf)] = chave
        prot = self._prot(route, chave, cuf, cstat, self.motivo(cstat), n_prot=n_prot, dig_val=dig_val, when=now)
        with self.state.lock:
            doc.prot_xml = etree.tostring(prot)
        return cstat, "", prot

    def ret_autorizacao(self, route: ServiceRoute, msg: etree._Element, transmitter: str) -> etree._Element:
        n_rec = _txt(msg, "n:nRec")
        if _txt(msg, "n:tpAmb") != "2":
            return self.msg_reject(route, msg, "252")
        rules = self.state.rules
        if self.consumo_exceeded(transmitter, route.service, ("rec", n_rec), rules.consulta_same_recibo, rules.window):
            return self.msg_reject(route, msg, "656")
        with self.state.lock:
            batch = self.state.batches.get(n_rec)
        if batch is None:
            return self.msg_reject(route, msg, "106")
        if batch.cuf not in route.cufs:
            return self.msg_reject(route, msg, "248")  # the recibo belongs to another authorizer
        if batch.transmitter != transmitter:
            return self.msg_reject(route, msg, "223")  # MOC 7.0: only the lote's transmitter may fetch it
        ready = self.now() >= batch.ready_at
        cstat = "104" if ready else "105"
        ret = self.ret_head(_root("retConsReciNFe", "4.00"), route, cstat, self.motivo(cstat), batch.cuf, n_rec=n_rec)
        if ready:
            for raw in batch.prot_xml:
                ret.append(etree.fromstring(raw))
        return ret

    # ------------------------------------------------------------------------------------------
    # NFeConsultaProtocolo4

    def consulta(self, route: ServiceRoute, msg: etree._Element, transmitter: str) -> etree._Element:
        chave = _txt(msg, "n:chNFe")
        cuf = self.msg_cuf(route, msg)
        if _txt(msg, "n:tpAmb") != "2":
            return self._ret_cons_sit(route, cuf, "252", self.motivo("252"), chave)
        rules = self.state.rules
        if self.consumo_exceeded(transmitter, route.service, ("sit", chave), rules.consulta_same_chave, rules.window):
            return self._ret_cons_sit(route, cuf, "656", self.motivo("656"), chave)
        if chave_dv(chave[:43]) != chave[43]:
            return self._ret_cons_sit(route, cuf, "236", self.motivo("236"), chave)
        structural = chave_structure_cstat(chave)
        if structural:
            return self._ret_cons_sit(route, cuf, structural, self.motivo(structural), chave)
        if chave[:2] not in route.cufs:
            return self._ret_cons_sit(route, cuf, "226", self.motivo("226"), chave)
        with self.state.lock:
            doc = self.state.documents.get(chave)
            if doc is None:
                return self._ret_cons_sit(route, cuf, "217", self.motivo("217"), chave)
            cstat = "101" if doc.cancelled else doc.cstat
            ret = self._ret_cons_sit(route, chave[:2], cstat, self.motivo(cstat), chave)
            if doc.prot_xml:  # empty only while the protocol of a concurrent request is being signed
                ret.append(etree.fromstring(doc.prot_xml))
            for event in doc.events:
                proc = _root("procEventoNFe", "1.00")
                proc.append(etree.fromstring(event.evento_xml))
                proc.append(etree.fromstring(event.ret_xml))
                ret.append(proc)
        return ret

    # ------------------------------------------------------------------------------------------
    # NFeInutilizacao4

    def inutilizacao(self, route: ServiceRoute, msg: etree._Element, transmitter: str) -> etree._Element:
        inf = msg.find("n:infInut", N)
        assert inf is not None
        cuf, ano, cnpj, mod = _txt(inf, "n:cUF"), _txt(inf, "n:ano"), _txt(inf, "n:CNPJ"), _txt(inf, "n:mod")
        serie, ini, fin = int(_txt(inf, "n:serie")), int(_txt(inf, "n:nNFIni")), int(_txt(inf, "n:nNFFin"))
        cstat, detail = self._inut_checks(route, msg, inf, cuf, ano, cnpj, mod, serie, ini, fin)
        ret = _root("retInutNFe", "4.00")
        out = _sub(ret, "infInut")
        n_prot = None
        if cstat == "102":
            n_prot = self.n_prot(cuf)
            out.set("Id", f"ID{n_prot}")
            with self.state.lock:
                self.state.inutilizacoes.append(Inutilizacao(cnpj, mod, serie, ano, ini, fin, n_prot, self.now()))
        else:
            rules = self.state.rules
            key = ("inut", cnpj, mod, str(serie), str(ini), str(fin), cstat)
            if self.consumo_exceeded(transmitter, route.service, key, rules.same_rejection_event, rules.window):
                cstat, detail = "656", ""
        ans_cuf = cuf if cuf in route.cufs else self.msg_cuf(route, msg)
        numbering = (("ano", ano), ("CNPJ", cnpj), ("mod", mod), ("serie", str(serie)), ("nNFIni", str(ini)),
                     ("nNFFin", str(fin)))
        self.ret_head(out, route, cstat, self.motivo(cstat, detail), ans_cuf, before_dh=numbering)
        if n_prot:
            _sub(out, "nProt", n_prot)
            self.signer.sign(ret, out)
        return ret

    def _inut_checks(
        self,
        route: ServiceRoute,
        msg: etree._Element,
        inf: etree._Element,
        cuf: str,
        ano: str,
        cnpj: str,
        mod: str,
        serie: int,
        ini: int,
        fin: int,
    ) -> tuple[str, str]:
        if _txt(inf, "n:tpAmb") != "2":
            return "252", ""
        if cuf not in route.cufs or mod != route.modelo:
            return "226", ""
        check = verify_enveloped(msg, inf, certs=self.certs, now=self.now())
        if check.cstat:
            return check.cstat, f" [{check.detail}]"
        assert check.signer is not None
        signer_cnpj = check.signer.cnpj
        if signer_cnpj is None or signer_cnpj[:8] != cnpj[:8]:
            return "213", ""
        year = int(self.now().astimezone(route.zone).strftime("%y"))  # the authorizer's year
        if int(ano) > year:
            return "453", ""
        if int(ano) < 6:
            return "454", ""
        if ini > fin:
            return "215", " [nNFIni maior que nNFFin]"
        with self.state.lock:
            for d_cnpj, d_mod, d_serie, d_nnf in self.state.numbers:
                if (d_cnpj, d_mod, d_serie) == (cnpj, mod, serie) and ini <= d_nnf <= fin:
                    return "241", f" [nNF:{d_nnf}]"
            for inut in self.state.inutilizacoes:
                if (inut.cnpj, inut.modelo, inut.serie) != (cnpj, mod, serie):
                    continue
                if (inut.ini, inut.fin) == (ini, fin):
                    return "563", f" [nProt:{inut.n_prot}]"
                if inut.ini <= fin and ini <= inut.fin:
                    return "256", f" [faixa {inut.ini}-{inut.fin}]"
        return "102", ""

    # ------------------------------------------------------------------------------------------
    # NFeRecepcaoEvento4 / RecepcaoEvento_EPEC (AN for the NF-e, SP for the NFC-e)

    def _ret_env_evento(
        self, msg: etree._Element, cuf: str, cstat: str, xmotivo: str, rets: list[etree._Element]
    ) -> etree._Element:
        ret = _root("retEnvEvento", "1.00")
        id_lote = _txt(msg, "n:idLote")
        _fields(
            ret,
            ("idLote", id_lote if id_lote.isdigit() else "0"),
            ("tpAmb", "2"),
            ("verAplic", VER_APLIC),
            ("cOrgao", cuf),
            ("cStat", cstat),
            ("xMotivo", xmotivo),
        )
        for item in rets:
            ret.append(item)
        return ret

    def eventos(self, route: ServiceRoute, msg: etree._Element, transmitter: str) -> etree._Element:
        cuf = self.msg_cuf(route, msg)
        rets = [self.evento_one(route, ev, transmitter) for ev in msg.findall("n:evento", N)]
        if any(r is None for r in rets):
            return self._ret_env_evento(msg, cuf, "656", self.motivo("656"), [])
        return self._ret_env_evento(msg, cuf, "128", self.motivo("128"), [r for r in rets if r is not None])

    def _ret_evento(
        self, route: ServiceRoute, inf: etree._Element, cstat: str, xmotivo: str, n_prot: str | None
    ) -> etree._Element:
        ret = _root("retEvento", "1.00")
        out = _sub(ret, "infEvento")
        if n_prot:
            out.set("Id", f"ID{n_prot}")
        c_orgao = _txt(inf, "n:cOrgao")
        tp = _txt(inf, "n:tpEvento")
        _fields(
            out,
            ("tpAmb", "2"),
            ("verAplic", VER_APLIC),
            ("cOrgao", c_orgao),
            ("cStat", cstat),
            ("xMotivo", xmotivo),
            ("chNFe", _txt(inf, "n:chNFe")),
            ("tpEvento", tp),
            ("xEvento", X_EVENTO.get(tp, "Evento")),
            ("nSeqEvento", _txt(inf, "n:nSeqEvento")),
        )
        if tp == "110140":
            # procEPEC_v1.00.xsd (leiauteEPEC TRetEvento) requires cOrgaoAutor (TCodUfIBGE) before
            # dhRegEvento: the UF of the EPEC's author, i.e. detEvento/cOrgaoAutor (the chave's cUF
            # when the event was refused before its detEvento could be trusted).
            ufs = {u.codigo for u in states.all_ufs()}
            autor = next(
                (c for c in (_txt(inf, "n:detEvento/n:cOrgaoAutor"), _txt(inf, "n:chNFe")[:2]) if c in ufs), None
            )
            if autor is not None:
                _sub(out, "cOrgaoAutor", autor)
        _sub(out, "dhRegEvento", self.stamp(route))
        if n_prot:
            _sub(out, "nProt", n_prot)
        if cstat == "142":
            # NT 2014.001 §3.3 note 2: a blocked emitter is told its EPECs pending reconciliation
            # (registered at the AN, no NF-e authorized for them yet), at most 50 (leiauteEPEC chNFePend).
            author = _txt(inf, "n:CNPJ")
            with self.state.lock:
                pending = [k for k in self.state.epec if k[6:20] == author and k not in self.state.documents]
            for chave in sorted(pending)[:50]:
                _sub(out, "chNFePend", chave)
        if n_prot:
            self.signer.sign(ret, out)
        return ret

    def evento_one(self, route: ServiceRoute, evento: etree._Element, transmitter: str) -> etree._Element | None:
        inf = evento.find("n:infEvento", N)
        assert inf is not None
        tp, chave = _txt(inf, "n:tpEvento"), _txt(inf, "n:chNFe")
        cstat, detail = self._evento_checks(route, evento, inf, tp, chave)
        if cstat in ("135", "136"):
            n_prot = self.n_prot(_txt(inf, "n:cOrgao"))
            ret = self._ret_evento(route, inf, cstat, self.motivo(cstat), n_prot)
            record = EventRecord(
                tp,
                int(_txt(inf, "n:nSeqEvento")),
                n_prot,
                cstat,
                etree.tostring(evento),
                etree.tostring(ret),
                self.now(),
            )
            with self.state.lock:
                if tp == "110140":
                    self.state.epec[chave] = record
                else:
                    doc = self.state.documents[chave]
                    doc.events.append(record)
                    if tp in ("110111", "110112"):
                        doc.cancelled = True
            return ret
        rules = self.state.rules
        key = ("evt", chave, tp, _txt(inf, "n:nSeqEvento"), cstat)
        if self.consumo_exceeded(transmitter, route.service, key, rules.same_rejection_event, rules.window):
            return None
        return self._ret_evento(route, inf, cstat, self.motivo(cstat, detail), None)

    def _evento_checks(
        self, route: ServiceRoute, evento: etree._Element, inf: etree._Element, tp: str, chave: str
    ) -> tuple[str, str]:
        n_seq = _txt(inf, "n:nSeqEvento")
        if _txt(inf, "n:tpAmb") != "2":
            return "252", ""
        if inf.get("Id") != f"ID{tp}{chave}{int(n_seq or 0):02d}":
            return "572", ""
        epec_route = route.service == "RecepcaoEvento_EPEC"
        if route.autorizador == "AN" and not epec_route:
            return "491", ""  # the AN's NFeRecepcaoEvento4 takes manifestação events, not simulated
        if (tp == "110140") != epec_route or tp not in X_EVENTO:
            return "491", ""
        schema_rel = EVENT_SCHEMAS_NFCE.get(tp) if chave[20:22] == "65" else None
        schema_rel = schema_rel or EVENT_SCHEMAS.get(tp)
        if schema_rel is not None:
            error = self.validate(schema_rel, evento)
            if error is not None:
                return "493", f" [{error[:160]}]"
        elif tp == "110750":
            problem = _econf_problem(inf)
            if problem:
                return "493", f" [{problem}]"
        elif tp == "110112":
            # Cancelamento por substituição (NT 2018.004, NFC-e): chNFeRef, nProt and xJust 15-255.
            ref, just = _txt(inf, "n:detEvento/n:chNFeRef"), _txt(inf, "n:detEvento/n:xJust")
            if (
                len(ref) != 44
                or not ref.isdigit()
                or not _txt(inf, "n:detEvento/n:nProt")
                or not 15 <= len(just) <= 255
            ):
                return "493", " [detEvento de 110112 exige chNFeRef, nProt e xJust (15-255)]"
        check = verify_enveloped(evento, inf, certs=self.certs, now=self.now())
        if check.cstat:
            return check.cstat, f" [{check.detail}]"
        assert check.signer is not None
        author = _txt(inf, "n:CNPJ")
        signer_cnpj = check.signer.cnpj
        if author and (signer_cnpj is None or signer_cnpj[:8] != author[:8]):
            return "213", ""
        if chave_dv(chave[:43]) != chave[43]:
            return "236", ""
        structural = chave_structure_cstat(chave)
        if structural:
            return structural, ""
        if epec_route and route.autorizador != "AN":
            # A UF's own NFC-e EPEC (SP, NT 2014.003): model 65 only (618, reworded for the NFC-e in v1.01),
            # received by the UF of the chave (cOrgao = cUF).
            if chave[20:22] != "65":
                return "618", ""
            if _txt(inf, "n:cOrgao") != chave[:2] or chave[:2] not in route.cufs:
                return "226", ""
            with self.state.lock:
                if author in self.state.epec_blocked:
                    return "142", ""  # blocked by the UF (POST /_control/epec-block)
                late = self.now() - NFCE_EPEC_CONCILIACAO
                if any(k[6:20] == author and k[20:22] == "65" and k not in self.state.documents
                       and e.registered_at < late for k, e in self.state.epec.items()):
                    return "142", ""  # an EPEC NFC-e not authorized within 24 h blocks new EPEC
        elif epec_route:
            if _txt(inf, "n:cOrgao") != AN_CODE:
                return "226", ""
            with self.state.lock:
                if author in self.state.epec_blocked:
                    return "142", ""  # NT 2014.001: the AN blocked EPEC for this emitter (POST /_control/epec-block)
        elif tp == "110750" and chave[20:22] == "55":
            if route.autorizador != "SVRS" or route.modelo != "55" or _txt(inf, "n:cOrgao") != SVRS_CODE:
                return "226", " [ECONF de NF-e: SVRS, cOrgao 92 (NT 2024.002)]"
        elif chave[:2] not in route.cufs or chave[20:22] != route.modelo:
            return "226", ""
        elif tp == "110750" and _txt(inf, "n:cOrgao") != chave[:2]:
            return "226", " [ECONF de NFC-e: cOrgao da UF da chave (NT 2024.002)]"
        if tp == "110140":
            with self.state.lock:
                if chave in self.state.epec:
                    return "573", ""
            return "136", ""  # EPEC (AN or SP's NFC-e): registered, not linked to a document yet (NT 2012.004, EPEC)
        dh_evento = _parse_dt(_txt(inf, "n:dhEvento"))
        if dh_evento is None or dh_evento > self.now() + self.deadlines.future_tolerance:
            return "578", ""
        with self.state.lock:
            doc = self.state.documents.get(chave)
            if doc is None:
                return "217", ""
            if author != doc.cnpj:
                return "574", ""
            if doc.dh_emi is not None and dh_evento < doc.dh_emi:
                return "577", ""
            if doc.cstat != "100":
                return "205", ""
            if tp == "110750":
                # The payments of a live document only: not of a cancelled one; one event per nSeqEvento.
                if doc.cancelled:
                    return "218", ""
                if any(e.tp_evento == tp and e.n_seq == int(n_seq) for e in doc.events):
                    return "573", ""
                return "135", ""
            if tp == "110110":
                if doc.modelo == "65":
                    return "784", ""
                if doc.cancelled:
                    return "218", ""
                if any(e.tp_evento == tp and e.n_seq == int(n_seq) for e in doc.events):
                    return "573", ""
                return "135", ""
            if doc.cancelled:
                return "218", ""
            if _txt(inf, "n:detEvento/n:nProt") != doc.n_prot:
                return "222", ""
            if tp == "110112":
                if doc.modelo != "65":
                    return "775", ""
                ref_doc = self.state.documents.get(_txt(inf, "n:detEvento/n:chNFeRef"))
                if ref_doc is None or ref_doc.chave == chave or ref_doc.cstat != "100" or ref_doc.cancelled:
                    return "217", " [chNFeRef]"
            if tp == "110112":
                window = self.deadlines.cancel_substituicao
            else:
                window = self.deadlines.cancel_nfce if doc.modelo == "65" else self.deadlines.cancel_nfe
            if self.now() > doc.authorized_at + window:
                return "501", ""
        return "135", ""

    # ------------------------------------------------------------------------------------------
    # CadConsultaCadastro4

    def cadastro(self, route: ServiceRoute, msg: etree._Element, transmitter: str) -> etree._Element:
        uf_sigla = _txt(msg, "n:infCons/n:UF")
        cnpj = _txt(msg, "n:infCons/n:CNPJ")
        cuf = states.uf(uf_sigla).codigo if uf_sigla in route.ufs else None
        if cuf is None:
            return self.msg_reject(route, msg, "226")
        with self.state.lock:
            docs = [d for d in self.state.documents.values() if d.cnpj == cnpj and d.emit_uf == uf_sigla and d.emit_ie]
        if not cnpj or not docs:
            return self.msg_reject(route, msg, "259" if cnpj or not _txt(msg, "n:infCons/n:CPF") else "264")
        doc = docs[0]
        ret = _root("retConsCad", "2.00")
        inf = _sub(ret, "infCons")
        _fields(
            inf,
            ("verAplic", VER_APLIC),
            ("cStat", "111"),
            ("xMotivo", self.motivo("111")),
            ("UF", uf_sigla),
            ("CNPJ", cnpj),
            ("dhCons", self.stamp(route)),
            ("cUF", cuf),
        )
        cad = _sub(inf, "infCad")
        # Known contribuintes are the emitters the simulator has authorized: situação 1 (habilitado),
        # credenciado NF-e 1 (obrigatório), CT-e 4 (não credenciado) — retConsCad_v2.00 domains.
        _fields(
            cad,
            ("IE", doc.emit_ie or ""),
            ("CNPJ", cnpj),
            ("UF", uf_sigla),
            ("cSit", "1"),
            ("indCredNFe", "1"),
            ("indCredCTe", "4"),
            ("xNome", doc.emit_nome or ""),
        )
        return ret
