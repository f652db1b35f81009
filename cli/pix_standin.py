"""The PSP stand-in of ``make run`` (``ortho-fiscal serve`` with the simulator on).

``start_psp_standin(settings, env, pki_dir)`` starts ``simulator.psp`` in this process (a thread, on a
free loopback port, sharing the SEFAZ simulator's test PKI), adds ``ORTHO_PIX_TRUST_PEM`` to ``env`` so
the service trusts it, and (re)configures the demo emitter's PSP account: profile "bb", sandbox, hosts
overridden to the stand-in, fresh OAuth2 credentials registered at the stand-in, the client certificate
(PFX) from the test PKI, callbacks signed with HMAC. The stand-in keeps its state in memory, so this
runs on every start (the account's credentials, URLs and webhook path are replaced each time).

The service of ``serve`` speaks plain HTTP, and a PSP only calls https webhooks; so the demo stand-in is
started with ``allow_loopback_http_callbacks`` and our webhook URL is registered on the API's own
loopback address (``http://127.0.0.1:PORT/v1/pix/webhook/<secret path>``, HMAC-signed). When the API
listens on a specific non-loopback address there is no loopback route to it and no webhook is set.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

if TYPE_CHECKING:
    import simulator.psp
    from api.settings import Settings

DEMO_PROFILE = "bb"
SCOPES = ("cob.write", "cob.read", "cobv.write", "cobv.read", "pix.write", "pix.read", "webhook.write",
          "webhook.read")


def start_psp_standin(settings: Settings, env: dict[str, str], pki_dir: Path) -> simulator.psp.RunningPsp:
    import simulator.psp
    from adapters.db import pix_store
    from adapters.db.engine import Database
    from adapters.db.keyring import load_keyring
    from adapters.db.pix_service import TRUST_ENV
    from adapters.db.schema import emitter
    from api.demo import DEMO_TENANT
    from engine.pix.psp_credentials import PspCredentials
    from engine.pix.psp_profiles import profile

    psp = simulator.psp.start(pki_dir=pki_dir, allow_loopback_http_callbacks=True)
    try:
        env[TRUST_ENV] = str(psp.ca_pem_path)
        prof = profile(DEMO_PROFILE)
        hmac_secret = secrets.token_urlsafe(24)
        psp.reset({**prof.flags.as_dict(), "webhook_auth": "hmac", "hmac_secret": hmac_secret})
        db = Database(settings.effective_database_url)
        try:
            keyring = load_keyring(settings.env, settings.data_dir)
            with db.write() as conn:
                row = conn.execute(
                    select(emitter.c.id, emitter.c.cnpj).where(emitter.c.tenant_id == DEMO_TENANT)
                    .order_by(emitter.c.created_at).limit(1)
                ).first()
                if row is not None:
                    client_id, client_secret = "demo-" + secrets.token_hex(6), secrets.token_urlsafe(24)
                    app_key = secrets.token_hex(16) if prof.flags.app_key_query_param or prof.flags.app_key_header \
                        else None
                    psp.add_client(client_id, client_secret, SCOPES, app_key)
                    pfx, password = psp.client_pfx(row.cnpj)
                    account, path = pix_store.save_account(
                        conn, keyring, tenant_id=DEMO_TENANT, emitter_id=row.id, profile_id=prof.id,
                        environment="sandbox", chave=row.cnpj,
                        credentials=PspCredentials(client_id, client_secret, app_key, pfx, password),
                        webhook_auth="hmac", hmac_header="X-Pix-Signature", hmac_secret=hmac_secret,
                        base_url=psp.url + prof.base_path(), token_url=psp.url + prof.token_path(),
                        now=datetime.now(UTC),
                    )
                    base = loopback_base_url(settings.host, settings.port)
                    if base is not None:
                        psp.set_webhook(row.cnpj, f"{base}/v1/pix/webhook/{path}")
                        pix_store.record_webhook_url(conn, account.id, f"{base}/v1/pix/webhook/…", datetime.now(UTC))
        finally:
            db.dispose()
    except BaseException:
        psp.stop()
        raise
    return psp


def loopback_base_url(host: str, port: int) -> str | None:
    """The API's base URL on a loopback address: the host itself when it is loopback, 127.0.0.1 (or
    [::1]) when it listens on every address, None for a specific non-loopback address."""
    if host == "localhost":
        return f"http://127.0.0.1:{port}"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return None
    if addr.is_loopback:
        return f"http://[{host}]:{port}" if addr.version == 6 else f"http://{host}:{port}"
    if addr.is_unspecified:
        return f"http://[::1]:{port}" if addr.version == 6 else f"http://127.0.0.1:{port}"
    return None
