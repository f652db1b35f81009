"""pt-BR messages for invalid input: pydantic errors become Findings with the JSON path.

The PDV developer reads these messages, so each one names the field as it appears in the JSON
(``itens[0].quantidade``) and says what is wrong in Portuguese; pydantic's English text never
reaches the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from engine.errors import Finding, InputError


class EntradaInvalida(InputError):
    """The friendly input (or the emitter configuration) was rejected; ``findings`` lists every
    problem with its JSON path, pt-BR message and the cStat it avoids."""

    code = "ENTRADA_INVALIDA"

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        first = self.findings[0] if self.findings else None
        mensagem = f"{first.path}: {first.mensagem}" if first and first.path else (first.mensagem if first else "")
        super().__init__(mensagem or "entrada inválida", path=first.path if first else "",
                         cstat=first.cstat if first else None)


def json_path(loc: Sequence[int | str], prefix: str = "") -> str:
    """``("itens", 0, "quantidade")`` -> ``itens[0].quantidade``."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# Human descriptions of the input patterns (input.py / emitter.py), instead of the raw regex.
_PATTERNS = {
    r"^[0-9]{7}$": "7 dígitos",
    r"^[0-9]{8}$": "8 dígitos",
    r"^[0-9]{11}$": "11 dígitos (CPF sem pontuação)",
    r"^[0-9A-Z]{12}[0-9]{2}$": "14 caracteres (CNPJ sem pontuação; letras maiúsculas no CNPJ alfanumérico)",
    r"^([0-9]{2}|[0-9]{8})$": "8 dígitos (NCM) ou 2 dígitos para serviço",
    r"^[1-7][0-9]{3}$": "4 dígitos (CFOP)",
    r"^5[0-9]{3}$": "CFOP interno de 4 dígitos começando por 5",
    r"^[0-9]{6,14}$": "6 a 14 dígitos (DDD + número, sem pontuação)",
    r"^[0-9]{2}$": "2 dígitos",
    r"^[0-9]{3}$": "3 dígitos",
    r"^[0-9]{6}$": "6 dígitos",
    r"^[0-9]{1,6}$": "1 a 6 dígitos",
    r"^[0-9]{2,14}$": "2 a 14 dígitos",
    r"^([0-9]{2,14}|ISENTO)$": "2 a 14 dígitos ou ISENTO",
    r"^([0-9]{8}|[0-9]{12,14})$": "GTIN de 8, 12, 13 ou 14 dígitos",
    r"^[0-9]{6}[0-9A-Z]{12}[0-9]{26}$": "chave de acesso de 44 caracteres",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "endereço de e-mail",
}


def describe(err: Any) -> str:
    kind: str = err.get("type", "")
    ctx: dict[str, Any] = err.get("ctx") or {}
    if kind == "missing":
        return "campo obrigatório não informado"
    if kind == "extra_forbidden":
        return "campo não previsto no leiaute de entrada (verifique a grafia)"
    if kind == "value_error":
        inner = ctx.get("error")
        return str(inner) if inner is not None else "valor inválido"
    if kind in ("string_type", "str_type"):
        return "deve ser um texto (string)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "deve ser um número inteiro"
    if kind in ("decimal_type", "decimal_parsing"):
        return "deve ser um número decimal (use ponto como separador, ex.: \"10.50\")"
    if kind == "decimal_max_places":
        return f"no máximo {ctx.get('decimal_places')} casas decimais"
    if kind == "decimal_max_digits":
        return f"no máximo {ctx.get('max_digits')} dígitos"
    if kind == "decimal_whole_digits":
        return f"no máximo {ctx.get('whole_digits')} dígitos antes da vírgula"
    if kind in ("bool_type", "bool_parsing"):
        return "deve ser verdadeiro ou falso (true/false)"
    if kind in ("list_type", "tuple_type"):
        return "deve ser uma lista"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "deve ser um objeto JSON"
    if kind == "string_too_short":
        return f"texto muito curto (mínimo {ctx.get('min_length')} caractere(s))"
    if kind == "string_too_long":
        return f"texto muito longo (máximo {ctx.get('max_length')} caracteres)"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"formato inválido (esperado: {_PATTERNS.get(pattern, pattern)})"
    if kind == "too_short":
        return f"lista com poucos elementos (mínimo {ctx.get('min_length')})"
    if kind == "too_long":
        return f"lista com elementos demais (máximo {ctx.get('max_length')})"
    if kind == "greater_than":
        return f"deve ser maior que {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"deve ser maior ou igual a {ctx.get('ge')}"
    if kind == "less_than":
        return f"deve ser menor que {ctx.get('lt')}"
    if kind == "less_than_equal":
        return f"deve ser menor ou igual a {ctx.get('le')}"
    if kind in ("literal_error", "enum"):
        aceitos = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valor não permitido (aceitos: {aceitos})"
    if kind == "finite_number":
        return "deve ser um número finito"
    return "valor inválido"


def findings_from_validation(exc: ValidationError, *, prefix: str = "", code: str = "ENTRADA") -> list[Finding]:
    """One Finding per pydantic error, path in JSON notation, message in pt-BR."""
    findings: list[Finding] = []
    for err in exc.errors(include_url=False):
        path = json_path(err.get("loc", ()), prefix)
        findings.append(Finding(code=f"{code}_{str(err.get('type', 'INVALIDO')).upper()}", mensagem=describe(err),
                                path=path))
    return findings
