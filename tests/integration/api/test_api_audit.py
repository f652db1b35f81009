"""GET /v1/audit: filters, cursor pagination, tenant scope, and 400s for bad parameters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import ROOT, Api

CONFIG: dict[str, Any] = json.loads((ROOT / "examples" / "emitente-sn.json").read_text(encoding="utf-8"))


def _changes(api: Api, n: int) -> str:
    created = api.client.post("/v1/emitters", json=CONFIG, headers=api.h("t1", "admin")).json()
    for i in range(n):
        resp = api.client.put(
            f"/v1/emitters/{created['id']}/csc", json={"id": str(i + 1), "token": "ABCDEFGHIJKLMNOP1234"},
            headers={**api.h("t1", "admin"), "X-Request-ID": f"csc-{i}"},
        )
        assert resp.status_code == 200
    return str(created["id"])


def test_pages_follow_the_cursor_in_order(api: Api) -> None:
    _changes(api, 4)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = api.client.get("/v1/audit", params=params, headers=api.h("t1", "auditor")).json()
        seen += [e["seq"] for e in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(seen)


def test_filters_by_action_and_target(api: Api) -> None:
    emitter_id = _changes(api, 2)
    h = api.h("t1", "admin")
    items = api.client.get("/v1/audit", params={"action": "emitter.csc.set"}, headers=h).json()["items"]
    assert [e["request_id"] for e in items] == ["csc-0", "csc-1"]
    items = api.client.get("/v1/audit", params={"target": f"emitter/{emitter_id}"}, headers=h).json()["items"]
    assert len(items) == 3
    entry = items[0]
    assert set(entry) >= {"seq", "occurred_at", "actor", "action", "target", "details", "prev_hash", "entry_hash"}
    since = items[1]["occurred_at"]
    later = api.client.get("/v1/audit", params={"since": since}, headers=h).json()["items"]
    assert [e["seq"] for e in later] == [e["seq"] for e in items[1:]]


@pytest.mark.parametrize(
    "params,code",
    [({"cursor": "não-é-um-cursor"}, "CURSOR_INVALIDO"), ({"limit": 0}, None), ({"limit": 1000}, None),
     ({"limit": "muitos"}, None), ({"since": "2026-03-10T12:00:00"}, "DATA_SEM_FUSO"), ({"since": "ontem"}, None)],
)
def test_bad_parameters_are_400(api: Api, params: dict[str, Any], code: str | None) -> None:
    resp = api.client.get("/v1/audit", params=params, headers=api.h("t1", "auditor"))
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["detail"] and body["errors"]
    if code:
        assert body["code"] == code
    else:
        assert any(e.get("field") in {"limit", "since"} for e in body["errors"]), body


def test_other_tenant_sees_nothing(api: Api) -> None:
    _changes(api, 1)
    assert api.client.get("/v1/audit", headers=api.h("t2", "auditor")).json() == {"items": [], "next_cursor": None}
