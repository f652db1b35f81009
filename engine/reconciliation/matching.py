"""Match statement lines against charges: one pass per rule over hash indexes, O(n log n).

Rules, strongest first (docs/reconciliation.md):

1. key: the line's endToEndId, txid, nosso número or seu número equals the charge's (same
   direction). A second line on a charge that is already covered is ``duplicate``; a line that
   repeats an endToEndId/FITID already seen is ``duplicate`` too (the same money reported twice).
2. amount + date window: same direction and amount (within ``tolerancia``), due date within
   ``janela_dias`` of the line date; the nearest date wins, then the payer, then the charge id.
3. payer: same CPF/CNPJ, or a name similarity >= ``similaridade_nome``, within
   ``janela_pagador_dias``; the amount may differ (then ``partial``).

Lines left are ``unexpected``; charges left are ``missing``. A line matched by key or payer whose
amount differs from the charge is ``partial`` (the charge is paid in parts or with a difference);
several partial lines that add up to the charge are each ``partial`` and the charge is settled.

Determinism: lines are processed in (date, source, account, hash) order and charges indexed in id
order, so the same inputs always give the same report.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher
from operator import attrgetter

from engine.reconciliation.model import (
    Charge,
    Classe,
    Criterio,
    Item,
    Parametros,
    Resultado,
    StatementLine,
)

ZERO = Decimal("0.00")
_MAX_PALAVRAS = 24  # words of a description searched for a payer name


def _norm_key(s: str) -> str:
    # Banks pad nosso/seu número with zeros and spaces differently from the system that issued them.
    return s.strip().lstrip("0").upper()


_STOP = frozenset({"DA", "DE", "DO", "DAS", "DOS", "E", "LTDA", "ME", "SA", "EIRELI"})
_NAO_ALNUM = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum() or not c.isascii()})


def _norm_name(s: str) -> str:
    if not s:
        return ""
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return " ".join(w for w in s.upper().translate(_NAO_ALNUM).split() if w not in _STOP)


def _digits(s: str) -> str:
    if not s or s.isdigit():
        return s
    return re.sub(r"\D", "", s)


class _Estado:
    """Mutable bookkeeping of one run (local to ``reconcile``; nothing is module-level)."""

    def __init__(self) -> None:
        self.pago: dict[str, Decimal] = {}  # charge id -> amount received so far

    def livre(self, c: Charge) -> bool:
        return c.id not in self.pago

    def saldo(self, c: Charge) -> Decimal:
        return c.valor - self.pago.get(c.id, ZERO)


def _keys(x: StatementLine | Charge) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    if x.end_to_end_id:
        out.append((x.direcao, "e2e", x.end_to_end_id.strip()))
    if x.txid:
        out.append((x.direcao, "txid", x.txid.strip()))
    if x.nosso_numero and (k := _norm_key(x.nosso_numero)):
        out.append((x.direcao, "nn", k))
    if x.seu_numero and (k := _norm_key(x.seu_numero)):
        out.append((x.direcao, "sn", k))
    return out


def _key_index(charges: Sequence[Charge]) -> dict[tuple[str, str, str], Charge]:
    idx: dict[tuple[str, str, str], Charge] = {}
    for c in charges:
        for k in _keys(c):
            idx.setdefault(k, c)  # first by id wins on a (bad) shared key
    return idx


def _by_key(ln: StatementLine, idx: dict[tuple[str, str, str], Charge]) -> Charge | None:
    d = ln.direcao
    c = idx.get((d, "e2e", ln.end_to_end_id.strip())) if ln.end_to_end_id else None
    if c is None and ln.txid:
        c = idx.get((d, "txid", ln.txid.strip()))
    if c is None and ln.nosso_numero:
        c = idx.get((d, "nn", _norm_key(ln.nosso_numero)))
    if c is None and ln.seu_numero:
        c = idx.get((d, "sn", _norm_key(ln.seu_numero)))
    return c


def _classify_amount(line: StatementLine, c: Charge, st: _Estado, criterio: Criterio, p: Parametros) -> Item:
    saldo = st.saldo(c)
    if c.id in st.pago and saldo <= p.tolerancia:
        st.pago[c.id] += line.valor
        return Item(Classe.DUPLICADO, criterio, line, c, line.valor,
                    "cobrança já quitada: possível pagamento em duplicidade")
    first = c.id not in st.pago
    st.pago[c.id] = st.pago.get(c.id, ZERO) + line.valor
    diff = line.valor - (c.valor if first else saldo)
    if first and abs(diff) <= p.tolerancia:
        return Item(Classe.CONCILIADO, criterio, line, c, diff)
    if diff < 0:
        return Item(Classe.PARCIAL, criterio, line, c, diff, f"pagamento parcial: faltam {-diff:.2f}")
    if not first and abs(diff) <= p.tolerancia:
        return Item(Classe.PARCIAL, criterio, line, c, diff, "parcela que completa a cobrança")
    return Item(Classe.PARCIAL, criterio, line, c, diff, f"pago a maior em {diff:.2f}")


def reconcile(
    lines: Iterable[StatementLine],
    charges: Iterable[Charge],
    *,
    inicio: date,
    fim: date,
    parametros: Parametros | None = None,
    arquivos: Sequence[str] = (),
) -> Resultado:
    """Classify every line dated in [inicio, fim] and every charge due in [inicio, fim]."""
    p = parametros or Parametros()
    todas = list(lines)
    # The hash covers source, account and content: (date, hash) is a total, input-independent order.
    dentro = [ln for ln in todas if inicio <= ln.data <= fim]
    dentro.sort(key=attrgetter("hash"))
    dentro.sort(key=attrgetter("data"))  # stable: (date, hash), faster than one sort on a tuple key
    cobs = sorted((c for c in charges if inicio <= c.vencimento <= fim), key=attrgetter("id"))
    st = _Estado()
    itens: list[Item | None] = [None] * len(dentro)

    # Pass 1: keys. A repeated transaction id (same endToEndId, or same FITID on the same account)
    # is the same money reported twice, whatever it matched.
    # Lines carrying a txid go first, so that when the same Pix is in the API list and in the OFX,
    # the richer record is the one matched and the other the duplicate.
    idx = _key_index(cobs)
    vistos: set[tuple[str, str]] = set()
    n = len(dentro)
    pago = st.pago
    for i in [i for i in range(n) if dentro[i].txid] + [i for i in range(n) if not dentro[i].txid]:
        ln = dentro[i]
        tid_v = ln.end_to_end_id or ln.fitid or ln.nosso_numero
        if tid_v:
            tid = (ln.conta if ln.fitid and not ln.end_to_end_id else "", tid_v)
            if tid in vistos:
                itens[i] = Item(Classe.DUPLICADO, Criterio.CHAVE, ln, None, ZERO,
                                f"transação {tid_v} já presente no extrato")
                continue
            vistos.add(tid)
        c = _by_key(ln, idx)
        if c is None:
            continue
        if c.id not in pago and abs(ln.valor - c.valor) <= p.tolerancia:  # the common case, inlined
            pago[c.id] = ln.valor
            itens[i] = Item(Classe.CONCILIADO, Criterio.CHAVE, ln, c, ln.valor - c.valor)
        else:
            itens[i] = _classify_amount(ln, c, st, Criterio.CHAVE, p)

    # Pass 2: amount + date window over charges still open, bucketed by (direction, amount).
    # Each bucket: its charges by (due date, id) and, beside them, the due dates as ordinals for bisect.
    pago = st.pago
    por_valor: dict[tuple[str, Decimal], list[Charge]] = defaultdict(list)
    for c in cobs:
        if c.id not in pago:
            por_valor[(c.direcao, c.valor)].append(c)
    buckets: dict[tuple[str, Decimal], tuple[list[int], list[Charge]]] = {}
    for k, lst in por_valor.items():
        lst.sort(key=attrgetter("vencimento"))  # stable: id order within a day
        buckets[k] = ([c.vencimento.toordinal() for c in lst], lst)
    janela = p.janela_dias
    exato = p.tolerancia == 0
    valores = {d: sorted(v for dd, v in buckets if dd == d) for d in ("C", "D")}
    # Lines that name their payer choose first: a payer-less line must not take the charge that a
    # later line would have recognised by name or document.
    abertas = [i for i in range(n) if itens[i] is None]
    ordem = ([i for i in abertas if dentro[i].pagador_documento]
             + [i for i in abertas if not dentro[i].pagador_documento and dentro[i].pagador_nome]
             + [i for i in abertas if not dentro[i].pagador_documento and not dentro[i].pagador_nome])
    for i in ordem:
        ln = dentro[i]
        alvo = ln.data.toordinal()
        if exato:
            keys = [(ln.direcao, ln.valor)]
        else:  # the amounts within the tolerance, found by bisect on the sorted amounts
            vs = valores[ln.direcao]
            lo_v = bisect.bisect_left(vs, ln.valor - p.tolerancia)
            hi_v = bisect.bisect_right(vs, ln.valor + p.tolerancia)
            keys = [(ln.direcao, v) for v in vs[lo_v:hi_v]]
        cands: list[Charge] = []
        for key in keys:
            bucket = buckets.get(key)
            if bucket is not None:
                ords, lst = bucket
                lo = bisect.bisect_left(ords, alvo - janela)
                hi = bisect.bisect_right(ords, alvo + janela)
                cands += [c for c in lst[lo:hi] if c.id not in pago]
        if not cands:
            continue
        if len(cands) == 1 and exato:  # the common case, inlined: one charge, same amount
            c = cands[0]
            pago[c.id] = ln.valor
            itens[i] = Item(Classe.CONCILIADO, Criterio.VALOR_DATA, ln, c, ZERO)
            continue
        obs = ""
        if len(cands) > 1:
            dist = min(abs(c.vencimento.toordinal() - alvo) for c in cands)
            cands = [c for c in cands if abs(c.vencimento.toordinal() - alvo) == dist]
        if len(cands) > 1:
            nome, doc = _norm_name(ln.pagador_nome), _digits(ln.pagador_documento)
            cands.sort(key=lambda c: (
                0 if doc and doc == _digits(c.pagador_documento) else 1,
                -_similar(nome, _norm_name(c.pagador_nome)) if nome else 0.0,
                c.id,
            ))
            if not doc and not nome:
                obs = f"{len(cands)} cobranças candidatas com o mesmo valor e distância; escolhida a de menor id"
        item = _classify_amount(ln, cands[0], st, Criterio.VALOR_DATA, p)
        if obs:
            item = Item(item.classe, item.criterio, ln, cands[0], item.diferenca, obs)
        itens[i] = item

    # Pass 3: payer (document, then name), wider window, any amount. Names are normalised once and
    # indexed by (first word, last word): a payer name or description can only reach the similarity
    # threshold if it holds both, so a line looks up the word pairs it contains (a few dozen).
    por_doc: dict[tuple[str, str], list[tuple[int, Charge]]] = defaultdict(list)
    por_par: dict[tuple[str, str, str], list[tuple[int, Charge]]] = defaultdict(list)
    nome_de: dict[str, str] = {}
    palavras_de: dict[str, tuple[str, ...]] = {}
    for c in cobs:
        if c.id not in pago:
            o = c.vencimento.toordinal()
            if c.pagador_documento:
                por_doc[(c.direcao, _digits(c.pagador_documento))].append((o, c))
            nome_de[c.id] = nc = _norm_name(c.pagador_nome)
            words = palavras_de.setdefault(nc, tuple(nc.split()))
            if words:
                por_par[(c.direcao, words[0], words[-1])].append((o, c))
    jp = p.janela_pagador_dias
    for i in range(n):
        if itens[i] is not None:
            continue
        ln = dentro[i]
        alvo = ln.data.toordinal()
        doc = _digits(ln.pagador_documento)
        cands = [c for o, c in por_doc.get((ln.direcao, doc), ()) if c.id not in pago and -jp <= o - alvo <= jp]
        obs = "mesmo CPF/CNPJ do pagador"
        if not cands and (ln.pagador_nome or ln.descricao):
            # Without a payer field (many OFX), the payer's name is looked for in the description.
            nome = _norm_name(ln.pagador_nome or ln.descricao)
            palavras = nome.split()[:_MAX_PALAVRAS]
            seen: dict[str, Charge] = {}
            for x in range(len(palavras)):
                for y in range(x, len(palavras)):
                    for o, c in por_par.get((ln.direcao, palavras[x], palavras[y]), ()):
                        if c.id not in pago and -jp <= o - alvo <= jp:
                            seen[c.id] = c
            have = frozenset(palavras)
            notas: dict[str, float] = {}  # one score per distinct name (homonyms are common)
            for c in seen.values():
                nc = nome_de[c.id]
                if nc not in notas:
                    notas[nc] = _similar(nome, nc) if ln.pagador_nome else _contained(have, palavras_de[nc])
            cands = [c for c in seen.values() if notas[nome_de[c.id]] >= p.similaridade_nome]
            obs = "nome do pagador semelhante" if ln.pagador_nome else "nome do pagador na descrição"
        if not cands:
            continue
        best = min(cands, key=lambda c: (abs(c.valor - ln.valor), abs(c.vencimento.toordinal() - alvo), c.id))
        item = _classify_amount(ln, best, st, Criterio.PAGADOR, p)
        itens[i] = Item(item.classe, item.criterio, ln, best, item.diferenca,
                        "; ".join(x for x in (obs, item.observacao) if x))

    out: list[Item] = []
    for i, ln in enumerate(dentro):
        final = itens[i]
        out.append(final if final is not None else Item(Classe.INESPERADO, Criterio.NENHUM, ln, None, ln.valor,
                                                      "dinheiro sem cobrança correspondente"))
    for c in cobs:
        if c.id not in pago:
            out.append(Item(Classe.AUSENTE, Criterio.NENHUM, None, c, -c.valor, "cobrança sem pagamento no extrato"))
    return Resultado(inicio=inicio, fim=fim, itens=tuple(out), fora_do_periodo=len(todas) - len(dentro),
                     arquivos=tuple(arquivos))


def _similar(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def _contained(have: frozenset[str], words: tuple[str, ...]) -> float:
    """Share of the name's words among the words of a text; an initial ("A") stands for its word."""
    if len(words) < 2:  # one word alone (a first name) is too weak to tie money to a person
        return 0.0
    hits = sum(1 for w in words if w in have or w[0] in have)
    return hits / len(words)
