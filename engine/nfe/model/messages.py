"""pt-BR texts for pydantic validation errors of the generated model (they reach the end user)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails


def _ctx(err: ErrorDetails, key: str) -> Any:
    ctx = err.get("ctx") or {}
    return ctx.get(key)


def pt_br(err: ErrorDetails) -> str:
    """One pydantic error as a pt-BR sentence (the field path is added by the caller)."""
    kind = err["type"]
    value = err.get("input")
    shown = repr(value) if isinstance(value, str | int) else ""
    if kind == "missing":
        return "campo obrigatório ausente"
    if kind == "extra_forbidden":
        return "campo não existe no leiaute"
    if kind == "string_pattern_mismatch":
        return f"valor {shown} fora do formato do leiaute ({_ctx(err, 'pattern')})"
    if kind == "string_too_short":
        return f"valor {shown} com menos de {_ctx(err, 'min_length')} caracteres"
    if kind == "string_too_long":
        return f"valor com mais de {_ctx(err, 'max_length')} caracteres"
    if kind in ("enum", "literal_error"):
        expected = str(_ctx(err, "expected")).replace(" or ", " ou ")
        return f"código {shown} não é aceito; valores válidos: {expected}"
    if kind == "decimal_max_places":
        return f"valor {shown} com mais de {_ctx(err, 'decimal_places')} casas decimais"
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return f"valor {shown} com dígitos demais para o campo"
    if kind in ("decimal_parsing", "decimal_type"):
        return f"valor {shown} não é um número decimal (use ponto como separador, ex.: \"10.50\")"
    if kind in ("greater_than_equal", "greater_than"):
        return f"valor {shown} não pode ser negativo"
    if kind == "too_short":
        return f"informe ao menos {_ctx(err, 'min_length')} ocorrência(s)"
    if kind == "too_long":
        return f"no máximo {_ctx(err, 'max_length')} ocorrências"
    if kind in ("string_type", "bytes_type"):
        return "deve ser um texto"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "deve ser um grupo (objeto com os campos do leiaute)"
    if kind == "list_type":
        return "deve ser uma lista"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return str(err["msg"])


def describe(exc: ValidationError, root: str, *, limit: int = 5) -> str:
    """The first ``limit`` errors as ``path: message`` in pt-BR, ``;``-separated."""
    errors: Sequence[ErrorDetails] = exc.errors()
    parts = []
    for err in errors[:limit]:
        loc = "/".join(str(p) for p in (root, *err["loc"]))
        parts.append(f"{loc}: {pt_br(err)}")
    more = f" (e mais {len(errors) - limit})" if len(errors) > limit else ""
    return "valor inválido para o leiaute: " + "; ".join(parts) + more
