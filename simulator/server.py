"""The HTTPS server: mutual TLS with the test PKI, SOAP 1.2 dispatch, faults and the control API.

Control API (JSON, same listener and same client-certificate requirement):
``POST/DELETE /_control/faults``, ``POST /_control/clock``, ``POST /_control/reset``,
``POST /_control/deny``, ``POST /_control/epec-block``, ``GET /_control/documents`` (see docs/simulator.md).

Optional timing (``start(timing_log=path)``, off by default so the answers stay byte-for-byte what
SEFAZ sends): every SOAP answer then carries ``Server-Timing: sefaz;dur=<ms>`` (the simulator's own
time, from its headers read to the answer ready) and one JSON line ``{"service", "chave", "dur_ms"}``
is appended to ``path`` — benchmarks subtract it to get a client's latency "excluding SEFAZ".
"""

from __future__ import annotations

import json
import os
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import states
from simulator import soap
from simulator.pki import SimulatorPKI
from simulator.routes import RouteTable, ServiceRoute
from simulator.sefaz import MAX_MESSAGE_BYTES, MESSAGES, Deadlines, Sefaz
from simulator.serving import (
    BackgroundServer,
    MutualTlsServer,
    TlsRequestHandler,
    https_url,
    mutual_tls_context,
    serve_in_background,
)
from simulator.state import FAULT_KINDS, Clock, ConsumoRules, Fault, State
from simulator.xmlsig import Signer

MAX_BODY = 5 * 1024 * 1024  # bodies up to this are read and answered 214 past 500 KB; bigger ones get HTTP 413
TIMEOUT_DEFAULT_S = 60.0


class _Server(MutualTlsServer):
    def __init__(self, address: tuple[str, int], app: SimulatorApp) -> None:
        self.app = app
        super().__init__(address, _Handler, app.tls)


class _Handler(TlsRequestHandler):
    server: _Server
    server_version = "Microsoft-IIS/10.0"  # what the SEFAZ front-ends announce
    sys_version = ""

    def _send(self, status: int, body: bytes, content_type: str, server_timing: str | None = None) -> None:
        # Head and body in one write: one TLS record and one send instead of two.
        fields = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if server_timing is not None:
            fields.append(("Server-Timing", server_timing))
        self.send_whole(status, fields, body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, b"", "text/plain")
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/_control/documents":
            self._json(200, self.server.app.documents_json())
        else:
            self._json(404, {"erro": "caminho desconhecido"})

    def do_DELETE(self) -> None:
        if self.path == "/_control/faults":
            self.server.app.clear_faults()
            self._json(200, {"faults": []})
        else:
            self._json(404, {"erro": "caminho desconhecido"})

    def do_POST(self) -> None:
        started = time.perf_counter()
        body = self._read_body()
        if body is None:
            return
        if self.path.startswith("/_control/"):
            self._control(body)
            return
        app = self.server.app
        note: dict[str, str] = {}
        status, payload, content_type, action = app.soap_call(
            self.path, self.headers, body, self.peer_der, note
        )
        if action == "drop":
            self.close_connection = True
            self.request.close()
            return
        if app.timing is None:
            self._send(status, payload, content_type)
            return
        dur_ms = (time.perf_counter() - started) * 1000
        app.timing.write(note.get("service", ""), note.get("chave", ""), dur_ms)  # logged before the client can read
        self._send(status, payload, content_type, f"sefaz;dur={dur_ms:.3f}")

    def _control(self, body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("o corpo deve ser um objeto JSON")
            result = self.server.app.control(self.path, data)
        except (ValueError, KeyError, TypeError) as exc:
            self._json(400, {"erro": str(exc)})
            return
        if result is None:
            self._json(404, {"erro": "caminho desconhecido"})
        else:
            self._json(200, result)


class TimingLog:
    """Appends ``{"service", "chave", "dur_ms"}`` JSON lines (one per SOAP answer) to a file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # Opened once (not per answer), unbuffered in O_APPEND mode: each line is ONE write(2) before the
        # answer is sent, so a reader that has the answer finds its line in the file (no io layers and
        # no separate flush per line: this log runs on every answer of bench_api).
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    @staticmethod
    def _string(value: str) -> str:
        # A service name or chave (ASCII letters and digits) needs no escaping; anything else as json
        # escapes it.
        return f'"{value}"' if value.isascii() and value.isalnum() else json.dumps(value)

    def write(self, service: str, chave: str, dur_ms: float) -> None:
        # The line json.dumps({"service": ..., "chave": ..., "dur_ms": ...}) writes, without its
        # generic dict encoding: strings escaped as json does, the (finite) float as json writes it (repr).
        line = (f'{{"service": {self._string(service)}, "chave": {self._string(chave)}, '
                f'"dur_ms": {round(dur_ms, 3)!r}}}\n').encode()
        with self._lock:
            if self._fd is None:  # a request still finishing while the simulator stops
                return
            os.write(self._fd, line)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


_NFE_TAG = f"{{{soap.NFE}}}NFe"
_INF_NFE_TAG = f"{{{soap.NFE}}}infNFe"


def _chave_of(msg: Any) -> str:
    """The chave a message is about (NF-e being authorized, consulted or receiving an event), or ""."""
    ns = {"n": soap.NFE}
    # msg.find("n:NFe/n:infNFe"): the first infNFe of the NFe children in document order, walked directly.
    inf = next((i for nfe in msg.iterchildren(_NFE_TAG) for i in nfe.iterchildren(_INF_NFE_TAG)), None)
    if inf is not None:
        return str(inf.get("Id", ""))[3:]
    return (msg.findtext("n:chNFe", namespaces=ns) or msg.findtext("n:evento/n:infEvento/n:chNFe", namespaces=ns)
            or "").strip()


@dataclass
class SimulatorApp:
    """Everything a request needs; shared by the handler threads (the State holds the lock)."""

    pki: SimulatorPKI
    tls: ssl.SSLContext
    routes: RouteTable
    state: State
    clock: Clock
    sefaz: Sefaz
    stopping: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)  # internal errors, for tests to assert there were none
    timing: TimingLog | None = None
    # One request's XML work (parse, rules, signatures, answer) at a time; never held while a fault
    # delays an answer or while the network is read or written. lxml and xmlsec release the GIL for
    # short stretches: with one thread per connection, each release handed the GIL to another waiting
    # thread, and those handoffs cost more CPU than the overlap gained (measured: 10-20 % less CPU per
    # NFC-e with 8-32 connections). Waiting threads now sleep on this lock instead.
    work: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def _parser(self) -> Any:
        """The hardened request parser (soap.parser), made once per handler thread instead of per
        request (an lxml parser is not shared between threads)."""
        made = getattr(self._local, "parser", None)
        if made is None:
            made = self._local.parser = soap.parser()
        return made

    # -- SOAP ----------------------------------------------------------------------------------

    def soap_call(
        self, path: str, headers: Any, body: bytes, peer_der: bytes | None, note: dict[str, str] | None = None
    ) -> tuple[int, bytes, str, str]:
        """``(status, body, content type, "send" | "drop")``; ``note`` receives the service and chave."""
        route = self.routes.resolve(path)
        if route is None:
            return 404, b"", "text/html", "send"
        if route.service not in MESSAGES:
            # Registry services outside the simulator's scope (NFeDistribuicaoDFe, CscNFCe, ...): say so.
            reason = f"Serviço {route.service} não é simulado (ver docs/simulator.md)"
            return 501, soap.fault("Receiver", reason), soap.CONTENT_TYPE, "send"
        content_type = (headers.get("Content-Type") or "").lower()
        if not content_type.startswith("application/soap+xml"):
            # IIS/ASMX answers a SOAP 1.1 or non-SOAP call to a 1.2 binding with 415.
            return 415, b"", "text/plain", "send"
        with self.work:
            try:
                msg = soap.parse_request(body, route.operation, self._parser())
            except soap.SoapError as exc:
                return 500, soap.fault(exc.code, exc.reason), soap.CONTENT_TYPE, "send"
            if note is not None:
                note["service"], note["chave"] = route.service, _chave_of(msg)
            transmitter = self._transmitter(peer_der)
            if not self.state.faults:
                # Nothing can delay this answer: its XML work goes on under the same hold of the lock
                # (one handoff per request instead of two, with many connections).
                forced = "214" if len(body) > MAX_MESSAGE_BYTES else None
                status, answer = self._safe_answer(route, msg, transmitter, forced, locked=True)
                return status, answer, soap.CONTENT_TYPE, "send"
        # The UFs a message names are read only while some fault is active (a list read is atomic;
        # take_fault decides under the lock).
        fault = None
        if self.state.faults:
            fault = self.state.take_fault(self._ufs_of(route, msg), route.modelo, route.service)
        forced = "214" if len(body) > MAX_MESSAGE_BYTES else None
        if fault is not None:
            if fault.kind == "timeout":
                self.stopping.wait(fault.delay_s or TIMEOUT_DEFAULT_S)
                return 0, b"", "", "drop"
            if fault.kind == "slow":
                self.stopping.wait(fault.delay_s)
            elif fault.kind == "http500":
                return (
                    500,
                    soap.fault("Receiver", "Erro interno no servidor (falha injetada)"),
                    soap.CONTENT_TYPE,
                    "send",
                )
            elif fault.kind == "malformed":
                _status, good = self._safe_answer(route, msg, transmitter, None)
                return 200, good[: max(1, len(good) // 2)], soap.CONTENT_TYPE, "send"
            elif fault.kind in ("cstat108", "cstat109"):
                forced = fault.kind[-3:]
        status, answer = self._safe_answer(route, msg, transmitter, forced)
        return status, answer, soap.CONTENT_TYPE, "send"

    def _answer(self, route: ServiceRoute, msg: Any, transmitter: str, forced: str | None, locked: bool) -> bytes:
        if locked:  # the caller holds self.work
            return soap.envelope(route.operation, self.sefaz.handle(route, msg, transmitter, forced))
        with self.work:
            return soap.envelope(route.operation, self.sefaz.handle(route, msg, transmitter, forced))

    def _safe_answer(
        self, route: ServiceRoute, msg: Any, transmitter: str, forced: str | None, locked: bool = False
    ) -> tuple[int, bytes]:
        """A simulator bug must look like what it is — a server error — never a dropped connection."""
        try:
            return 200, self._answer(route, msg, transmitter, forced, locked)
        except Exception as exc:
            self.errors.append(repr(exc))
            return 500, soap.fault("Receiver", f"Erro interno do simulador: {exc!r}")

    def _transmitter(self, peer_der: bytes | None) -> str:
        """The CNPJ of the TLS client certificate (the transmitter, NT 2018.002), "?" without one."""
        facts = self.sefaz.certs.facts(peer_der) if peer_der else None
        return (facts.cnpj if facts is not None else None) or "?"

    @staticmethod
    def _ufs_of(route: ServiceRoute, msg: Any) -> set[str]:
        """The authorizer's name and the UF the message names (cUF, chave, cOrgao), for fault matching.

        A contingency authorizer (SVC-AN/SVC-RS) and the Ambiente Nacional (EPEC, NT 2014.001) are
        matched by their own name only: "SEFAZ-SP is down" must leave SVC-AN answering for SP and the
        AN registering SP's EPEC (its messages name the chave's UF), which is what contingency is for."""
        ufs = {route.autorizador}
        if route.autorizador.startswith("SVC-") or route.autorizador == "AN":
            return ufs
        ns = {"n": soap.NFE}
        for path in (
            "n:cUF",
            "n:NFe/n:infNFe/n:ide/n:cUF",
            "n:infInut/n:cUF",
            "n:chNFe",
            "n:nRec",
            "n:evento/n:infEvento/n:chNFe",
            "n:infCons/n:UF",
        ):
            value = (msg.findtext(path, namespaces=ns) or "").strip()
            code = value[:2]
            if value.isalpha():
                ufs.add(value.upper())
            elif code in route.cufs:
                ufs.add(states.uf(code).sigla)
        return ufs

    # -- control -------------------------------------------------------------------------------

    def control(self, path: str, data: dict[str, Any]) -> dict[str, Any] | None:
        if path == "/_control/faults":
            return self.add_fault(data)
        if path == "/_control/clock":
            self.clock.set_offset(float(data["offset_seconds"]))
            return {"offset_seconds": self.clock.offset_seconds, "now": self.clock.now().isoformat()}
        if path == "/_control/reset":
            self.state.reset()
            self.sefaz.reset_switches()
            self.clock.set_offset(0)
            return {"reset": True}
        if path == "/_control/nfce-epec":
            active = data["active"]
            if not isinstance(active, bool):
                raise ValueError("'active' deve ser true ou false")
            try:
                self.sefaz.set_nfce_epec_active(str(data["uf"]), active)
            except states.UnknownUF as exc:
                raise ValueError(f"UF desconhecida: {data['uf']!r}") from exc
            return {"nfce_epec_active": self.sefaz.nfce_epec_active_ufs()}
        if path == "/_control/deny":
            cnpj = str(data["cnpj"])
            with self.state.lock:
                self.state.denied.add(cnpj)
                return {"denied": sorted(self.state.denied)}
        if path == "/_control/epec-block":
            # The AN refuses this emitter's EPEC with 142 (NT 2014.001), e.g. for unreconciled EPECs.
            cnpj = str(data["cnpj"])
            with self.state.lock:
                self.state.epec_blocked.add(cnpj)
                return {"epec_blocked": sorted(self.state.epec_blocked)}
        return None

    def add_fault(self, data: dict[str, Any]) -> dict[str, Any]:
        kind = data.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind deve ser um de {', '.join(FAULT_KINDS)}")
        model = data.get("model")
        if model is not None and str(model) not in states.MODELOS:
            raise ValueError("model deve ser 55, 65 ou null")
        count = data.get("count")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ValueError("count deve ser um inteiro >= 1 ou null")
        delay = float(data.get("delay_s") or 0.0)
        uf = data.get("uf")
        fault = Fault(
            uf=str(uf).upper() if uf else None,
            model=str(model) if model is not None else None,
            service=data.get("service"),
            kind=kind,
            delay_s=delay,
            remaining=count,
        )
        with self.state.lock:
            self.state.faults.append(fault)
            return {"faults": [f.as_json() for f in self.state.faults]}

    def clear_faults(self) -> None:
        with self.state.lock:
            self.state.faults.clear()

    def documents_json(self) -> dict[str, Any]:
        with self.state.lock:
            docs = [
                {
                    "chNFe": d.chave,
                    "mod": int(d.modelo),
                    "CNPJ": d.cnpj,
                    "serie": d.serie,
                    "nNF": d.nnf,
                    "cStat": d.cstat,
                    "nProt": d.n_prot,
                    "dhRecbto": d.authorized_at.isoformat(),
                    "digVal": d.dig_val,
                    "cancelada": d.cancelled,
                    "eventos": [
                        {"tpEvento": e.tp_evento, "nSeqEvento": e.n_seq, "nProt": e.n_prot, "cStat": e.cstat}
                        for e in d.events
                    ],
                }
                for d in self.state.documents.values()
            ]
            inut = [
                {
                    "CNPJ": i.cnpj,
                    "mod": int(i.modelo),
                    "serie": i.serie,
                    "ano": i.ano,
                    "nNFIni": i.ini,
                    "nNFFin": i.fin,
                    "nProt": i.n_prot,
                }
                for i in self.state.inutilizacoes
            ]
            epec = [{"chNFe": k, "nProt": e.n_prot} for k, e in self.state.epec.items()]
            return {
                "documents": docs,
                "inutilizacoes": inut,
                "epec": epec,
                "clock_offset_seconds": self.clock.offset_seconds,
            }


@dataclass
class RunningSimulator(BackgroundServer):
    """A simulator serving in a background thread. ``url`` is the base to give ``states.url(...,
    base_override=url)``; ``ca_pem_path`` the root to trust; ``client_pfx(cnpj)`` an A1 for any CNPJ."""

    url: str
    host: str
    port: int
    ca_pem_path: Path
    pki: SimulatorPKI = field(repr=False)
    app: SimulatorApp = field(repr=False)
    _server: _Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def client_pfx(self, cnpj: str) -> tuple[bytes, str]:
        return self.pki.client_pfx(cnpj)

    def stop(self) -> None:
        super().stop()
        if self.app.timing is not None:
            self.app.timing.close()


def start(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    pki_dir: Path,
    batch_delay_s: float = 0.0,
    consumo: ConsumoRules | None = None,
    deadlines: Deadlines | None = None,
    timing_log: Path | None = None,
) -> RunningSimulator:
    """Start the simulator on ``host:port`` (0 = a free port) in a background thread.

    The test PKI is created in ``pki_dir`` on first use and reused afterwards. ``batch_delay_s`` is
    how long an asynchronous batch stays "em processamento" (105) before NFeRetAutorizacao4 answers 104.
    ``timing_log``: add ``Server-Timing`` to the SOAP answers and log each one's duration there.
    """
    pki = SimulatorPKI.load_or_create(Path(pki_dir))
    clock = Clock()
    state = State(rules=consumo or ConsumoRules())
    trusted = (pki.ca.intermediate, pki.ca.root)
    sefaz = Sefaz(
        state,
        clock.now,
        Signer(pki.signer_key_pem, pki.signer_cert_pem),
        trusted,
        batch_delay=timedelta(seconds=batch_delay_s),
        deadlines=deadlines,
    )
    app = SimulatorApp(pki, mutual_tls_context(pki), RouteTable(), state, clock, sefaz,
                       timing=TimingLog(timing_log) if timing_log is not None else None)
    server = _Server((host, port), app)
    bound_port = int(server.server_address[1])
    thread = serve_in_background(server, "sefaz-simulator")
    return RunningSimulator(https_url(host, bound_port), host, bound_port, pki.ca_pem_path, pki, app, server, thread)
