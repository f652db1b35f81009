"""The friendly PDV input -> NF-e/NFC-e builder.

Public API::

    parse_venda(data) -> Venda                     # input.py; EntradaInvalida with pt-BR findings
    parse_emitente(data) / load_emitente(path) -> Emitente
    validar_venda(venda, emitente) -> list[Finding]
    calcular(venda, emitente, dia) -> Calculo       # taxes.py: per-item ICMS, PIS/COFINS, IBS/CBS
    calcular_totais(itens, periodo) -> Totais       # totals.py: ICMSTot, IBSCBSTot, vNFTot
    build_nfe(venda, emitente, *, now, rng=None, numero=None) -> NFe model   # builder.py
"""

from engine.nfe.build.builder import build_nfe
from engine.nfe.build.emitter import Emitente, load_emitente, load_json_decimal, parse_emitente
from engine.nfe.build.input import Venda, parse_venda
from engine.nfe.build.messages import EntradaInvalida
from engine.nfe.build.rules import validar_pagamentos, validar_venda
from engine.nfe.build.taxes import Calculo, ItemCalc, calcular
from engine.nfe.build.totals import Totais, calcular_totais

__all__ = [
    "Calculo",
    "Emitente",
    "EntradaInvalida",
    "ItemCalc",
    "Totais",
    "Venda",
    "build_nfe",
    "calcular",
    "calcular_totais",
    "load_emitente",
    "load_json_decimal",
    "parse_emitente",
    "parse_venda",
    "validar_pagamentos",
    "validar_venda",
]
