"""Errors of the SEFAZ client. A SEFAZ *answer* (any cStat) is a result, never one of these.

    FiscalError
    └── SefazError                     the request could not be made or answered
        ├── RespostaInvalida           the server answered something that is not a SEFAZ answer
        ├── ServicoIndisponivel        circuit breaker open for this authorizer/service
        ├── ConsumoIndevidoEvitado     our own rate limit: sending now risks cStat 656
        └── ReenvioBloqueado           the identical bytes were already rejected: fix the document

``engine.ports.TransportError`` covers "no HTTP answer at all"; ``ValidationFailed`` (engine.errors)
a message that fails its XSD before sending (cStat 215/225 avoided).
"""

from __future__ import annotations

from engine.errors import FiscalError


class SefazError(FiscalError):
    code = "SEFAZ_ERRO"


class RespostaInvalida(SefazError):
    code = "SEFAZ_RESPOSTA_INVALIDA"


class ServicoIndisponivel(SefazError):
    code = "SEFAZ_SERVICO_INDISPONIVEL"

    def __init__(self, mensagem: str, *, retry_after_s: float) -> None:
        super().__init__(mensagem)
        self.retry_after_s = retry_after_s


class ConsumoIndevidoEvitado(SefazError):
    code = "SEFAZ_CONSUMO_INDEVIDO_EVITADO"

    def __init__(self, mensagem: str, *, retry_after_s: float) -> None:
        super().__init__(mensagem, cstat="656")
        self.retry_after_s = retry_after_s


class ReenvioBloqueado(SefazError):
    code = "SEFAZ_REENVIO_BLOQUEADO"
