"""The delivery body is byte-identical to ``JSON.stringify(JSON.parse(body))`` (what the guide's
Node.js verifier signs), checked against the real ``node``; signatures against independent code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import subprocess
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.events.body import generate_secret, is_secret, render_body, render_json, sign_headers, standard_signature
from engine.events.catalogue import json_safety

NODE = shutil.which("node")
ROUND_TRIP = r"""
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
const out = lines.map((b64) => {
  const body = Buffer.from(b64, 'base64');
  const again = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))), 'utf8');
  return again.equals(body) ? 'same' : 'DIFF ' + again.toString('base64');
});
process.stdout.write(out.join('\n'));
"""

TRICKY: list[dict[str, Any]] = [
    {"id": "uuid", "name": "João Silva"},
    {"name": "Conceição Ávila — ção ñ ü ß 日本 😀"},
    {"url": "https://a/b/c", "slash": "</script>"},
    {"ls": "a\u2028b\u2029c"},
    {"ctl": "\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f\x80\x9f", "q": "\"\\"},
    {"b": 1, "10": "x", "2": "y", "a": {"1": True, "z": None, "0": [1, -2, 0]}, "01": "not an index"},
    {"4294967294": "max index", "4294967295": "not an index"},
    {"amount": "150.00", "n": 9007199254740991, "neg": -9007199254740991},
    {"empty": {}, "list": [], "nested": [[{"é": "ê"}]]},
]


def _node_round_trip(bodies: list[bytes]) -> list[str]:
    assert NODE is not None
    stdin = "\n".join(base64.b64encode(b).decode() for b in bodies)
    done = subprocess.run([NODE, "-e", ROUND_TRIP], input=stdin, capture_output=True, text=True, timeout=60,
                          check=True)
    return done.stdout.split("\n")


@pytest.mark.skipif(NODE is None, reason="node não instalado")
def test_bodies_survive_javascript_parse_and_stringify_byte_for_byte() -> None:
    bodies = [render_body("patient.created", d) for d in TRICKY]
    assert _node_round_trip(bodies) == ["same"] * len(bodies)


_SCALARS = (st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
            | st.text(st.characters(exclude_categories=["Cs"])))


@pytest.mark.skipif(NODE is None, reason="node não instalado")
@settings(max_examples=25, deadline=None)
@given(st.lists(st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
), min_size=5, max_size=5))
def test_arbitrary_json_safe_payloads_round_trip_in_node(values: list[Any]) -> None:
    bodies = [render_body("x", {"v": v}) for v in values]
    assert all(json_safety(v, "data") == [] for v in values)
    assert _node_round_trip(bodies) == ["same"] * len(bodies)


def test_body_is_compact_utf8_not_ascii_escaped() -> None:
    body = render_body("patient.created", {"id": "uuid", "name": "João Silva"})
    assert body == b'{"event":"patient.created","data":{"id":"uuid","name":"Jo\xc3\xa3o Silva"}}'


def test_integer_like_keys_come_first_like_javascript() -> None:
    assert render_json({"b": 1, "10": 2, "2": 3, "02": 4}) == b'{"2":3,"10":2,"b":1,"02":4}'


def test_unsafe_values_are_reported() -> None:
    assert json_safety(1.5, "data.v") and json_safety(2**53, "data.v") and json_safety("\ud800", "data.v")
    assert json_safety({"a": [1, "x", None, True]}, "data") == []


def test_secret_format_and_signatures() -> None:
    secret = generate_secret()
    assert is_secret(secret) and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    body = render_body("nfe.authorized", {"chave": "1" * 44})
    h = sign_headers(secrets_=[secret], body=body, event="nfe.authorized", event_id="evt_1", delivery_id="dlv_1",
                     timestamp=1_700_000_000, attempt=1)
    assert h["X-Ortho-Signature"] == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    key = base64.b64decode(secret[6:])
    mac = hmac.new(key, b"evt_1.1700000000." + body, hashlib.sha256).digest()
    assert h["webhook-signature"] == "v1," + base64.b64encode(mac).decode()
    assert standard_signature(secret, "evt_1", 1_700_000_000, body) == h["webhook-signature"]
    assert json.loads(body) == {"event": "nfe.authorized", "data": {"chave": "1" * 44}}
