"""Storage of the service: SQLAlchemy 2 Core over SQLite (WAL, the embedded default) or PostgreSQL
(psycopg 3), schema by Alembic migrations (adapters/db/migrations).

Public API, by module:

* ``adapters.db.engine``: ``Database(url)`` with ``write()`` / ``read()`` transactions, ``upgrade()``,
  ``dispose()``; ``sqlite_url_for(data_dir)``, ``normalise_url(url)``.
* ``adapters.db.migrate``: ``upgrade(db)``, ``current(db)``, ``head()``.
* ``adapters.db.schema``: the tables (``metadata``).
* ``adapters.db.numbering``: ``allocate_number(conn, cnpj, model, series)`` (gap-free, atomic).
* ``adapters.db.apikeys``: ``Role``, ``Permission``, ``PERMISSIONS``, ``Principal``, ``issue_key``,
  ``authenticate``, ``revoke_key``, ``create_tenant``, ``tenant_exists``.
* ``adapters.db.audit``: ``append``, ``query``, ``verify`` (hash chain), cursors.
* ``adapters.db.emitters``: ``create_emitter``, ``get_emitter``, ``list_emitters``, ``update_emitter``,
  ``set_csc``, ``load_emitente`` (secrets sealed with the master keyring).
* ``adapters.db.certificates_repo``: ``SqlCertificateRepository`` (certificates.store's repository).
* ``adapters.db.keyring``: ``load_keyring(env, data_dir)``.
* ``adapters.db.outbox``: ``enqueue`` (idempotent, in the change's transaction), ``claim`` (leases; SKIP LOCKED
  on PostgreSQL), ``mark_dispatched``, ``mark_failed`` (exponential back-off).
"""
