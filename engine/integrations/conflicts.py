"""Two-way sync planning with conflict detection.

Each record is identified by a key (our id). The cursor remembers, per key, the fingerprint of our
version and of the remote version at the last successful sync. Since then:

* only our side changed          -> push ours;
* only the remote side changed   -> pull theirs (received);
* both changed to different data -> CONFLICT: reported in the run log, neither side overwritten;
* both changed to the same data  -> nothing to do (the cursor is refreshed).

A record never synced (no cursor) is pushed when it exists only here, pulled when it exists only
there, and is a conflict when both sides hold different data under the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def fingerprint(data: Mapping[str, Any]) -> str:
    """Stable digest of a record's synced fields (sorted keys, compact JSON, str() for Decimals)."""
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Cursor:
    local_fp: str
    remote_fp: str


@dataclass(frozen=True, slots=True)
class Conflict:
    key: str
    local: Mapping[str, Any]
    remote: Mapping[str, Any]

    def fields(self) -> list[str]:
        names = sorted(set(self.local) | set(self.remote))
        return [n for n in names if self.local.get(n) != self.remote.get(n)]


@dataclass(slots=True)
class Plan:
    push: list[str] = field(default_factory=list)
    pull: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    in_sync: list[str] = field(default_factory=list)


def plan_two_way(
    local: Mapping[str, Mapping[str, Any]],
    remote: Mapping[str, Mapping[str, Any]],
    cursors: Mapping[str, Cursor],
) -> Plan:
    """``local``/``remote``: key -> comparable fields (already mapped to one vocabulary)."""
    plan = Plan()
    for key in sorted(set(local) | set(remote)):
        mine, theirs, cur = local.get(key), remote.get(key), cursors.get(key)
        if mine is not None and theirs is None:
            plan.push.append(key)
            continue
        if mine is None and theirs is not None:
            plan.pull.append(key)
            continue
        assert mine is not None and theirs is not None
        fm, ft = fingerprint(mine), fingerprint(theirs)
        if fm == ft:
            plan.in_sync.append(key)
            continue
        if cur is None:
            plan.conflicts.append(Conflict(key, mine, theirs))
            continue
        local_changed, remote_changed = fm != cur.local_fp, ft != cur.remote_fp
        if local_changed and remote_changed:
            plan.conflicts.append(Conflict(key, mine, theirs))
        elif local_changed:
            plan.push.append(key)
        elif remote_changed:
            plan.pull.append(key)
        else:  # neither changed yet they differ: the last sync left them apart; ours is the source
            plan.push.append(key)
    return plan
