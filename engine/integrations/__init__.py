"""The integrations registry ("Configurações → Integrações"): catalogue, connector model, sync
modes and directions, two-way conflict detection, scheduling from a clock, run logs in the guide's
form and failure alerts. Connectors reach providers through the ``http.HttpTransport`` port.

Public API::

    catalog.CATALOG, catalog.entry(id), catalog.available()
    model.SyncSettings.from_json(d), model.AlertSettings.from_json(d), model.ProviderError
    schedule.next_due(sync, last_run_at=, created_at=, tz=), schedule.is_due(..., now=)
    conflicts.plan_two_way(local, remote, cursors), conflicts.fingerprint(record)
    runner.run(connector, records, direction=, trigger=, clock=) -> RunResult
    runlog.render(...) -> str (the guide's log entry)
    alerts.after_run(state, failed=, settings=) -> (state, send), alerts.alert_message(...)
    connectors.build(connector_id, settings=, credentials=, transport=, now=, integration_id=, mapping=)
"""
