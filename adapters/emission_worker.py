"""The emission recovery worker: ``EmissionService.recover_pending`` every few seconds.

Each run (engine/emission/pipeline.py): documents whose answer was lost are consulted by chave and
settled (or their identical bytes re-sent after a 217; an NF-e issued for the SVC is asked at the SVC
first), off-line NFC-e are transmitted, online attempts replaced by an off-line NFC-e are cancelled by
substitution or voided, emitters in contingency return to normal when the status service answers 107,
and EPEC documents (engine/emission/epec.py) - NF-e at the AN, SP's NFC-e at SEFAZ-SP - get their EPEC
registered if it is not yet, then are transmitted to the origin authorizer once their emitter is back to
normal; one past its legal window (168 h NF-e, 24 h NFC-e) gets an ``epec-late`` history line, 468 is
waited out and an NFC-e found divergent from its EPEC (467) stays ``contingency`` and is not re-sent.

Two ways to run it:

* in the API process: ``start_in_process(db, keyring, env, clock)`` starts a daemon thread and returns
  the function that stops it (meant for the API lifespan, like the webhook worker);
* alone: ``python -m adapters.emission_worker [--once]`` with the service's environment variables
  (``ORTHO_DATABASE_URL`` or ``ORTHO_DATA_DIR``, the master keys, ``ORTHO_SEFAZ_URL`` /
  ``ORTHO_SEFAZ_TRUST_PEM``).

Several workers may run against one PostgreSQL: a document is moved under its row version, so a
worker that lost the race sees the new state; two workers re-sending the same stored bytes cannot
create two documents (SEFAZ answers 204 to the second, which the client resolves to the protocol).

``ORTHO_EMISSION_WORKER=0`` disables the in-process thread; ``ORTHO_EMISSION_RECOVERY_S`` sets the
period (default 15 s); ``ORTHO_EMISSION_GRACE_S`` how long a document is left to the request that is
still handling it before the worker touches it (default 10 s).
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from adapters import certificate_expiry
from adapters.db.documents import SqlEmissionRepository
from adapters.db.engine import Database, sqlite_url_for
from adapters.db.keyring import load_keyring
from adapters.sefaz_wiring import CallableClock, SefazSettings, SqlEmitterDirectory
from certificates.store import MasterKeyring
from engine.emission import EmissionService, RecoveryReport

log = logging.getLogger("ortho.emission")
WORKER_ENV = "ORTHO_EMISSION_WORKER"
PERIOD_ENV = "ORTHO_EMISSION_RECOVERY_S"
GRACE_ENV = "ORTHO_EMISSION_GRACE_S"  # a document is left alone this long after its last change
# Certificate expiry warnings (certificate.expiring at 30/15/7 days) are checked at most this often.
EXPIRY_CHECK_EVERY = timedelta(hours=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_service(db: Database, keyring: MasterKeyring, env: Mapping[str, str],
                 clock: Callable[[], datetime] = utc_now) -> EmissionService:
    engine_clock = CallableClock(clock)
    directory = SqlEmitterDirectory(db, keyring, engine_clock, SefazSettings.from_env(env))
    try:
        grace = max(0.0, float(env.get(GRACE_ENV, "10")))
    except ValueError:
        grace = 10.0
    return EmissionService(SqlEmissionRepository(db), directory, engine_clock, recovery_grace_s=grace)


def run_once(service: EmissionService, clock: Callable[[], datetime] = utc_now) -> RecoveryReport:
    report = service.recover_pending(clock())
    if report.resolved or report.attempts_resolved or report.mode_changes:
        log.info("recuperação: %d documentos, %d tentativas resolvidas, modos: %s", len(report.resolved),
                 len(report.attempts_resolved), "; ".join(report.mode_changes) or "-")
    for failure in report.failures:
        log.warning("recuperação adiada: %s", failure)
    return report


def _period(env: Mapping[str, str]) -> float:
    try:
        return max(1.0, float(env.get(PERIOD_ENV, "15")))
    except ValueError:
        return 15.0


def start_in_process(db: Database, keyring: MasterKeyring, env: Mapping[str, str],
                     clock: Callable[[], datetime] = utc_now) -> Callable[[], None]:
    """Start the recovery thread; returns ``stop()`` (waits for the current run to end)."""
    if env.get(WORKER_ENV, "1").strip().lower() in {"0", "false", "no"}:
        return lambda: None
    service = make_service(db, keyring, env, clock)
    period = _period(env)
    stopping = threading.Event()
    expiry_checked: list[datetime] = []

    def loop() -> None:
        while not stopping.wait(period):
            try:
                run_once(service, clock)
            except Exception:  # the thread must survive a bad run (database restart, ...)
                log.exception("falha na recuperação de documentos pendentes")
            now = clock()
            if not expiry_checked or now - expiry_checked[-1] >= EXPIRY_CHECK_EVERY:
                try:
                    written = certificate_expiry.run_once(db, keyring, now)
                    expiry_checked[:] = [now]
                    if written:
                        log.info("avisos de vencimento de certificado: %d", written)
                except Exception:
                    log.exception("falha ao verificar o vencimento dos certificados")

    thread = threading.Thread(target=loop, name="ortho-emission-recovery", daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=60)

    return stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adapters.emission_worker",
                                     description="Recupera documentos pendentes e contingências (periódico).")
    parser.add_argument("--once", action="store_true", help="uma rodada e sai")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    env = dict(os.environ)
    data_dir = env.get("ORTHO_DATA_DIR", "data")
    db = Database(env.get("ORTHO_DATABASE_URL") or sqlite_url_for(data_dir))
    try:
        service = make_service(db, load_keyring(env, data_dir), env)
        if args.once:
            report = run_once(service)
            return 1 if report.failures else 0
        stopping = threading.Event()
        while not stopping.wait(_period(env)):
            run_once(service)
        return 0  # pragma: no cover
    except KeyboardInterrupt:  # pragma: no cover
        return 0
    finally:
        db.dispose()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
