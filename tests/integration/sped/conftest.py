"""A month of real documents per database for the SPED tests: emitted through the emission pipeline
against the REAL simulator (sales NFC-e and NF-e, a cancelled NFC-e, a CC-e, a voided range, an
off-line NFC-e not yet transmitted), an app (Litestar TestClient, migrations, real middleware) on
the same database with keys per role in two tenants, and the same month as a folder of XMLs read
back through the emission repository (what the accountant would get from any other system)."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.db.apikeys import Role, create_tenant, issue_key
from adapters.db.emitters import create_emitter
from api.app import create_app
from api.context import Resources
from api.settings import Settings
from engine.emission import DocStatus, EmissionService
from engine.emission.records import DocumentFilter
from engine.nfe.build.emitter import parse_emitente
from engine.sefaz.proc import nfe_proc
from tests.integration.emission.conftest import MASTER, Env, emitente_config, make_env, new_cnpj, sale, sim

MASTER_ENV = "k1:" + base64.b64encode(bytes(range(32))).decode()

# What only the establishment knows (the rest comes from the emitter record): Guia 3.1.8, 0000/0100.
SPED_CONFIG: dict[str, Any] = {
    "ind_perfil": "A",
    "ind_ativ": "1",
    "email": "fiscal@sorriso.example.com",
    "contabilista": {"nome": "Carla Menezes", "cpf": "529.982.247-25", "crc": "SP123456O8",
                     "email": "carla@contabil.example.com", "cod_mun": "3550308", "fone": "1130305050"},
}


@dataclass
class Month:
    client: TestClient  # type: ignore[type-arg]
    resources: Resources
    database_url: str
    env: Env
    keys: dict[tuple[str, str], str]
    period: str
    folder: Path  # the month's XMLs, one file each
    chaves: dict[str, str]  # ref -> chave
    other_emitter_id: str  # an emitter of t1 without EFD configuration

    def h(self, tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[(tenant, role)]}"}


class _At:
    """A clock stopped at one instant (a document issued earlier in the month)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _start_of_local_month(now: datetime) -> datetime:
    # São Paulo is UTC-3 (no DST since 2019): 04:00 UTC of day 1 is 01:00 local of day 1.
    local = now - timedelta(hours=3)
    return datetime(local.year, local.month, 1, 4, 0, tzinfo=UTC)


def _emit_month(env: Env) -> dict[str, str]:
    svc, t = env.service, env.tenant_id
    sold = [svc.emit(env.request(f"venda-{i}")).document for i in (1, 2)]
    nfe = svc.emit(env.request("nfe-1", sale(55), model=55)).document
    # Issued with an earlier dhEmi but a higher number: the file must follow the date, not the number
    # (an NF-e: SEFAZ accepts an NF-e dhEmi up to 30 days old, an NFC-e's only minutes).
    early = EmissionService(env.repo, env.directory, _At(_start_of_local_month(datetime.now(UTC))),
                            recovery_grace_s=0.0)
    older = early.emit(env.request("nfe-2", sale(55), model=55)).document
    assert all(d.status == DocStatus.AUTHORIZED for d in (*sold, nfe, older)), older.xmotivo
    svc.correction_letter(t, nfe.id, "Correcao do endereco de entrega do paciente")
    cancelled = svc.emit(env.request("venda-3")).document
    out = svc.cancel(t, cancelled.id, "Venda desfeita a pedido do paciente", actor="k1")
    assert out.document.status == DocStatus.CANCELLED
    year = int("20" + str(sold[0].chave)[2:4])
    inut = svc.inutilizar(t, env.emitter_id, model=65, series=1, n_ini=50, n_fin=52,
                          xjust="Numeracao pulada por falha no sistema do PDV", ano=year)
    assert inut.cstat == 102
    # Last: SEFAZ silent -> off-line NFC-e (tpEmis 9), left untransmitted (no recovery run).
    svc.set_deadline(t, env.emitter_id, 65, 1000)
    env.sim.fault(uf="SP", model=65, service="NFeAutorizacao4", kind="timeout", delay_s=3, count=1)
    off = svc.emit(env.request("offline-1")).document
    assert off.status == DocStatus.CONTINGENCY and off.tp_emis == 9
    docs = (*sold, nfe, older, cancelled, off)
    return {d.ref: str(d.chave) for d in docs}


def _folder(env: Env, folder: Path) -> None:
    """The month as distribution XMLs, read back through the repository the pipeline writes with."""
    folder.mkdir()
    with env.repo.reader() as uow:
        docs = uow.list_documents(DocumentFilter(tenant_id=env.tenant_id, emitter_id=env.emitter_id, limit=1000))
        for d in docs:
            assert d.signed_xml is not None
            if d.protocol_xml:
                (folder / f"{d.chave}-procNFe.xml").write_bytes(nfe_proc(d.signed_xml, d.protocol_xml))
            elif d.status == DocStatus.CONTINGENCY:
                (folder / f"{d.chave}-NFe.xml").write_bytes(d.signed_xml)
            for ev in uow.fiscal_events(d.id):
                if ev.proc_xml:
                    (folder / f"{ev.chave}-{ev.tp_evento}-{ev.n_seq_evento}-procEvento.xml").write_bytes(ev.proc_xml)
        for inut in uow.inutilizacoes(env.tenant_id, emitter_id=env.emitter_id):
            if inut.proc_xml:
                (folder / f"inut-{inut.n_ini}-{inut.n_fin}.xml").write_bytes(inut.proc_xml)


@pytest.fixture(scope="module")
def month(module_database_url: str, sim: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Month]:
    tmp = tmp_path_factory.mktemp("sped-month")
    settings = Settings(data_dir=str(tmp / "data"), database_url=module_database_url, max_body_bytes=256 * 1024,
                        env={"ORTHO_MASTER_KEYS": MASTER_ENV, "ORTHO_WEBHOOK_WORKER": "0",
                             "ORTHO_EMISSION_WORKER": "0", "ORTHO_INTEGRATIONS_SCHEDULER": "0"})
    app = create_app(settings)
    sim.clear()
    try:
        with TestClient(app=app) as client:
            resources: Resources = app.state.resources
            env = make_env(resources.db, sim, tenant_id="t1")
            now = datetime.now(UTC)
            keys: dict[tuple[str, str], str] = {}
            with resources.db.write() as conn:
                create_tenant(conn, "t2", "Clínica t2", now=now)
                other = create_emitter(conn, tenant_id="t1", emitente=parse_emitente(emitente_config(new_cnpj())),
                                       keyring=MASTER, now=now)
                for t in ("t1", "t2"):
                    for role in Role:
                        keys[(t, role.value)] = issue_key(conn, t, role, now=now).key
            chaves = _emit_month(env)
            sim.clear()
            first = chaves["venda-1"]
            period = f"20{first[2:4]}-{first[4:6]}"
            _folder(env, tmp / "xml")
            m = Month(client, resources, module_database_url, env, keys, period, tmp / "xml", chaves, other.id)
            r = client.put(f"/v1/sped/config/{env.emitter_id}", json=SPED_CONFIG, headers=m.h("t1", "admin"))
            assert r.status_code == 200, r.text
            yield m
    finally:
        sim.clear()


__all__ = ["SPED_CONFIG", "Month", "month", "sim"]
