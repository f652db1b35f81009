"""Optional timing of the simulator (``start(timing_log=...)``): a ``Server-Timing`` header on the SOAP
answers and one JSON line per answer, so a benchmark can subtract SEFAZ's own answer time. Off by
default: the answers then carry no extra header."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import simulator
import states

from .sefazclient import chave_of, cons_stat, envelope, envi_nfe, signed_nfe


def _post(party, base: str, uf: str, model: str, service: str, msg) -> tuple[int, dict[str, str], bytes]:
    ep = states.endpoint(uf, model, "homologacao", service, base_override=base)
    host, port = base.removeprefix("https://").rsplit(":", 1)
    conn = http.client.HTTPSConnection(host, int(port), context=party.client.ctx, timeout=10)
    try:
        conn.request("POST", ep.url.removeprefix(base), body=envelope(ep.soap_operation, msg),
                     headers={"Content-Type": "application/soap+xml; charset=utf-8"})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture
def timed(sim: simulator.RunningSimulator, tmp_path: Path) -> Iterator[tuple[simulator.RunningSimulator, Path]]:
    log = tmp_path / "timing.jsonl"
    running = simulator.start(pki_dir=sim.pki.directory, timing_log=log)  # the session's PKI: same client certs
    try:
        yield running, log
    finally:
        running.stop()
    assert running.app.errors == []


def test_answers_carry_no_server_timing_unless_asked(sim, emitter) -> None:
    status, headers, _ = _post(emitter, sim.url, "SP", "65", "NFeStatusServico4", cons_stat("35"))
    assert status == 200 and "server-timing" not in headers


def test_each_answer_reports_its_duration_in_the_header_and_the_log(timed, emitter, nnf) -> None:
    running, log = timed
    nfe = signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    status, headers, body = _post(emitter, running.url, "SP", "65", "NFeAutorizacao4", envi_nfe([nfe]))
    assert status == 200 and b"<cStat>100</cStat>" in body
    name, _, dur = headers["server-timing"].partition(";dur=")
    assert name == "sefaz" and float(dur) > 0
    _post(emitter, running.url, "SP", "65", "NFeStatusServico4", cons_stat("35"))
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"service": "NFeAutorizacao4", "chave": chave_of(nfe), "dur_ms": round(float(dur), 3)}
    assert lines[1]["service"] == "NFeStatusServico4" and lines[1]["chave"] == "" and lines[1]["dur_ms"] > 0
    assert len(lines) == 2
