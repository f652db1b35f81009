"""Certificate expiry warnings into the outbox: ``certificate.expiring`` at 30, 15 and 7 days before an
active A1 expires, and once when it has expired (issue 3, point 2; issue 8's event catalogue).

``CertificateStore.check_expiry`` marks each announced threshold on the certificate record; running it
on a repository bound to the caller's connection makes that mark and the outbox row one transaction,
so a warning is never lost between the two nor announced twice. The emission worker runs it
periodically (adapters/emission_worker.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.engine import Database
from adapters.db.schema import emitter
from adapters.webhook_store import publish
from certificates.store import CertificateStore, MasterKeyring
from engine.events.catalogue import EventType


def run_once(db: Database, keyring: MasterKeyring, now: datetime) -> int:
    """Announce every threshold crossed since the last run; returns how many events were written."""
    with db.write() as conn:
        store = CertificateStore(SqlCertificateRepository(db, connection=conn), keyring)
        events = store.check_expiry(now)
        if not events:
            return 0
        ids = {e.emitter_id for e in events}
        tenants = dict(conn.execute(select(emitter.c.id, emitter.c.tenant_id).where(emitter.c.id.in_(ids))).all())
        written = 0
        for event in events:
            tenant_id = tenants.get(event.emitter_id)
            if tenant_id is None:  # a certificate whose emitter no longer exists: nobody to tell
                continue
            event_id = f"cert.{event.certificate_id}.{event.threshold_days}"
            publish(conn, tenant_id=tenant_id, event=EventType.CERTIFICATE_EXPIRING, data=event.payload(),
                    now=now, event_id=event_id)
            written += 1
        return written
