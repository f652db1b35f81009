"""Data mapping: our field -> their field (dotted paths such as ``contato.id``), configurable per
integration with the connector's defaults; unknown names are refused so a typo never drops data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.integrations.model import IntegrationError


def merge(defaults: Mapping[str, str], overrides: Mapping[str, Any] | None, *,
          targets: frozenset[str]) -> dict[str, str]:
    out = dict(defaults)
    for ours, theirs in (overrides or {}).items():
        if ours not in defaults:
            raise IntegrationError(
                f"campo de origem desconhecido no mapeamento: {ours!r} (disponíveis: {', '.join(sorted(defaults))})",
                path=f"mapping.{ours}",
            )
        if theirs is not None and str(theirs) not in targets:
            raise IntegrationError(
                f"campo de destino desconhecido no mapeamento: {theirs!r} (disponíveis: {', '.join(sorted(targets))})",
                path=f"mapping.{ours}",
            )
        if theirs is None:
            out.pop(ours, None)  # explicitly not sent
        else:
            out[ours] = str(theirs)
    return out


def apply(record: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """Our record -> their nested structure; absent/None values are left out."""
    out: dict[str, Any] = {}
    for ours, theirs in mapping.items():
        value = record.get(ours)
        if value is None:
            continue
        node = out
        *parents, leaf = theirs.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return out


def reverse(remote: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """Their structure -> our field names (for comparing and receiving in two-way sync)."""
    out: dict[str, Any] = {}
    for ours, theirs in mapping.items():
        node: Any = remote
        for part in theirs.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            out[ours] = node
    return out
