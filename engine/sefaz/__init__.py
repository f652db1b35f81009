"""SEFAZ client: SOAP 1.2 messages, typed results by cStat, distribution documents, use cases.

Public API::

    SefazClient(transport, clock, *, a1=None, base_override=None, limiter=None, breaker=None, policy=None)
        .status(uf, modelo, ambiente, *, contingency=False) -> StatusServico
        .authorize(nfe_signed_bytes, *, id_lote=None) -> Autorizacao           # sync, indSinc 1
        .authorize_batch(nfes, *, id_lote=None) -> AutorizacaoLote            # async, polling by tMed
        .consulta(chave, ambiente) -> Consulta
        .cancel(chave, n_prot, x_just, ambiente) -> ResultadoEvento            # 110111
        .cancel_substituicao(chave, n_prot, x_just, chave_substituta, ambiente)  # 110112
        .carta_correcao(chave, x_correcao, n_seq_evento, ambiente)            # 110110
        .epec(nfe_signed_bytes) -> ResultadoEvento                              # 110140 at the AN
        .inutilizar(uf, modelo, ambiente, *, cnpj, ano, serie, n_nf_ini, n_nf_fin, x_just) -> Inutilizacao
        .cadastro(uf, ambiente, *, cnpj=None, ie=None, cpf=None) -> Cadastro
    ClientPolicy, RateLimiter, CircuitBreaker, Limit
    messages.*      builders (cons_stat_serv, envi_nfe, cons_reci_nfe, cons_sit_nfe, cancelamento, ...)
    soap.envelope(endpoint, message) / soap.answer(body)
    proc.nfe_proc(nfe, prot) / proc.proc_evento(evento, ret) / proc.proc_inut(inut, ret)
    cstat.info(code) / cstat.categoria(code)   # sucesso | denegado | rejeicao | erro_servico

Transport and clock are ports (engine.ports); the implementation (http.client + ssl,
mutual TLS, keep-alive) is adapters.sefaz_transport.HttpsTransport.
"""

from engine.sefaz.client import Autorizacao, AutorizacaoLote, ClientPolicy, SefazClient
from engine.sefaz.errors import (
    ConsumoIndevidoEvitado,
    ReenvioBloqueado,
    RespostaInvalida,
    SefazError,
    ServicoIndisponivel,
)
from engine.sefaz.protection import CircuitBreaker, Limit, RateLimiter
from engine.sefaz.results import (
    Cadastro,
    Consulta,
    Inutilizacao,
    ProtocoloNFe,
    ResultadoEvento,
    RetornoEvento,
    RetornoLote,
    StatusServico,
)

__all__ = [
    "Autorizacao",
    "AutorizacaoLote",
    "Cadastro",
    "CircuitBreaker",
    "ClientPolicy",
    "Consulta",
    "ConsumoIndevidoEvitado",
    "Inutilizacao",
    "Limit",
    "ProtocoloNFe",
    "RateLimiter",
    "ReenvioBloqueado",
    "RespostaInvalida",
    "ResultadoEvento",
    "RetornoEvento",
    "RetornoLote",
    "SefazClient",
    "SefazError",
    "ServicoIndisponivel",
    "StatusServico",
]
