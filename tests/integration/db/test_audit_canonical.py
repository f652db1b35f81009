"""The audit entry's hashed content is built by msgspec when every value is plain JSON (adapters/db/audit.py,
``_plain``): the bytes must be exactly those of ``canonical_json`` (json.dumps, sorted keys), or ``verify``
would report every such entry as altered."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql

from adapters.db import audit

AT = datetime(2026, 12, 5, 2, 30, 1, 123456, tzinfo=UTC)
# ASCII (its control characters included), accented Portuguese, the line separators JavaScript escapes but
# JSON does not, a BOM, a private-use character and one outside the BMP (key order: code points).
_CHARS = [chr(i) for i in range(0x80)] + list("éçãõÁÚ") + ["\u2028", "\u2029", "\ufeff", "\ue000", "\uffff", "😀"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 10)))


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return _text(rng)
    if kind == 1:
        return rng.choice([0, 1, -1, 2**63 - 1, -(2**63), rng.randint(-(10**12), 10**12)])
    if kind == 2:
        return rng.choice([True, False])
    if kind in (3, 4):
        return None if kind == 3 else _text(rng)
    if kind == 5:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == 6:
        return tuple(_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    return {_text(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _json_params(details: dict[str, Any]) -> tuple[str, bytes]:
    """What append_params produced before the msgspec path: the stored details and the hashed tail."""
    details_json = audit.canonical_json(details)
    content = audit._content(AT, "t1", "apikey:k1", "rid", "document.emit", "document/d1", json.loads(details_json))
    return details_json, ("\n" + content).encode()


def _params(details: dict[str, Any]) -> dict[str, Any]:
    return audit.append_params(postgresql.dialect(), now=AT, actor="apikey:k1", action="document.emit",  # type: ignore[no-untyped-call]
                               tenant_id="t1", target="document/d1", details=details, request_id="rid")


def test_plain_details_are_stored_and_hashed_byte_for_byte_as_canonical_json() -> None:
    rng = random.Random(20261205)
    for _ in range(3000):
        details = {_text(rng): _value(rng) for _ in range(rng.randint(0, 6))}
        assert audit._plain(details)
        params = _params(details)
        assert (params["a_details"], params["a_tail"]) == _json_params(details), details


def test_an_emission_s_details_take_the_fast_path_and_match() -> None:
    details = {"role": "pdv", "method": "POST", "path": "/v1/nfce", "ref": "venda-çé-1", "model": 65,
               "number": 1234, "status": "authorized"}
    assert audit._plain(details)
    params = _params(details)
    assert (params["a_details"], params["a_tail"]) == _json_params(details)


class _Kind(StrEnum):
    A = "a"


@pytest.mark.parametrize("details", [
    {"valor": 1.5}, {"valor": 1e16}, {"valor": Decimal("10.00")}, {"quando": AT}, {"tipo": _Kind.A},
    {"n": 2**64}, {"lista": [1, 2.5]}, {"aninhado": {1: "a"}},
], ids=["float", "float-exp", "decimal", "datetime", "str-enum", "int-beyond-64-bit", "nested-float", "int-key"])
def test_any_other_value_keeps_the_json_path(details: dict[str, Any]) -> None:
    assert not audit._plain(details)
    params = _params(details)
    assert (params["a_details"], params["a_tail"]) == _json_params(details)
