"""``make run``: beside the SEFAZ simulator, the PSP stand-in starts and the demo emitter's PSP account
(profile bb, sandbox) points at it; charges can be created with it after every restart."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from adapters.db import pix_service, pix_store
from api.app import open_resources
from api.demo import DEMO_TENANT, ensure_demo
from api.settings import Settings
from cli.pix_standin import start_psp_standin
from cli.serve import demo_certificate_issuer, simulator_pki_dir
from engine.pix.api import CobRequest

from .conftest import MASTER


def test_demo_emitter_gets_a_working_psp_account_on_every_start(database_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"), database_url=database_url, env={"ORTHO_MASTER_KEYS": MASTER})
    pki_dir = simulator_pki_dir(tmp_path / "data")
    resources = open_resources(settings)
    try:
        demo = ensure_demo(resources, demo_certificate_issuer(pki_dir))
        assert demo is not None
        urls = []
        for _ in range(2):  # a restart: new port, new credentials; the account follows
            env = dict(settings.env)
            psp = start_psp_standin(settings, env, pki_dir)
            try:
                assert env[pix_service.TRUST_ENV] == str(psp.ca_pem_path)
                with resources.db.read() as conn:
                    account = pix_store.account_by_emitter(conn, DEMO_TENANT, demo.emitter_id)
                assert account is not None and account.profile_id == "bb" and account.environment == "sandbox"
                assert account.base_url is not None and account.base_url.startswith(psp.url)
                urls.append(account.base_url)
                opened = pix_service.client_factory(resources.keyring, env)(account)
                try:
                    cob = opened.client.create_cob(CobRequest(chave=account.chave, valor=Decimal("25.00")),
                                                   txid="MakeRunDemo" + "0" * 20)
                finally:
                    opened.close()
                assert cob.pix_copia_e_cola and cob.valor_original == Decimal("25.00")
            finally:
                psp.stop()
        assert urls[0] != urls[1]
    finally:
        resources.db.dispose()
