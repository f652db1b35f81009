"""The error tree of the engine.

    FiscalError                      root: every error the engine raises on purpose
    ├── XmlError                     input is not acceptable XML (malformed, DTD, too large)
    │   └── XmlSecurityError         DTD / entity / external reference refused
    ├── SchemaError                  no schema for a document, or a schema that does not compile
    ├── ValidationFailed             a document broke schema or business rules (carries findings)
    ├── ChaveError                   a chave de acesso that cannot be made or parsed
    ├── InputError                   the friendly PDV input is inconsistent
    └── ConfigurationError           settings or reference data missing / inconsistent

SEFAZ answers are results, not exceptions (design.md, convention 3): a rejection is data.
Messages (``mensagem``) are pt-BR because they reach the end user; the ``code`` is stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a document or input.

    code: stable identifier (e.g. ``NFE_CHAVE_DV``); path: the field in the input JSON
    (dotted); xpath: the field in the XML; mensagem: pt-BR text; cstat: the SEFAZ rejection
    this finding avoids, when there is one; line: source line when known.
    """

    code: str
    mensagem: str
    path: str = ""
    xpath: str = ""
    cstat: str | None = None
    line: int | None = None
    severity: str = "error"  # "error" | "note"

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"code": self.code, "mensagem": self.mensagem, "severity": self.severity}
        if self.path:
            data["path"] = self.path
        if self.xpath:
            data["xpath"] = self.xpath
        if self.cstat:
            data["cstat"] = self.cstat
        if self.line is not None:
            data["line"] = self.line
        return data


class FiscalError(Exception):
    """Root of every error raised on purpose by the engine."""

    code = "FISCAL_ERROR"

    def __init__(self, mensagem: str, *, code: str | None = None, path: str = "", cstat: str | None = None):
        super().__init__(mensagem)
        self.mensagem = mensagem
        if code is not None:
            self.code = code
        self.path = path
        self.cstat = cstat


class XmlError(FiscalError):
    code = "XML_INVALIDO"

    def __init__(self, mensagem: str, *, line: int | None = None, code: str | None = None):
        super().__init__(mensagem, code=code)
        self.line = line


class XmlSecurityError(XmlError):
    code = "XML_INSEGURO"


class SchemaError(FiscalError):
    code = "SCHEMA_DESCONHECIDO"


class ChaveError(FiscalError):
    code = "CHAVE_INVALIDA"


class InputError(FiscalError):
    code = "ENTRADA_INVALIDA"


class ConfigurationError(FiscalError):
    code = "CONFIGURACAO_INVALIDA"


@dataclass
class ValidationFailed(FiscalError):
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        first = self.findings[0].mensagem if self.findings else "documento inválido"
        FiscalError.__init__(self, first, code="VALIDACAO_FALHOU")
