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


def _norm_key(s: str) -> str:
    # Banks pad nosso/seu número with zeros and spaces differently from the system that issued them.
    return s.strip().lstrip("0").upper()


def _norm_name(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").upper()
    s = re.sub(r"[^A-Z0-9 ]", " ", s)
    words = [w for w in s.split() if w not in {"DA", "DE", "DO", "DAS", "DOS", "E", "LTDA", "ME", "SA", "EIRELI"}]
    return " ".join(words)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


class _Estado:
    """Mutable bookkeeping of one run (local to ``reconcile``; nothing is module-level)."""

    def __init__(self, charges: Sequence[Charge]) -> None:
        self.pago: dict[str, Decimal] = {}  # charge id -> amount received so far
        self.por_id = {c.id: c for c in charges}

    def livre(self, c: Charge) -> bool:
        return c.id not in self.pago

    def saldo(self, c: Charge) -> Decimal:
        return c.valor - self.pago.get(c.id, ZERO)


def _key_index(charges: Sequence[Charge]) -> dict[tuple[str, str, str], Charge]:
    idx: dict[tuple[str, str, str], Charge] = {}
    for c in charges:
        for kind, value in (("e2e", c.end_to_end_id), ("txid", c.txid), ("nn", c.nosso_numero),
                            ("sn", c.seu_numero)):
            k = _norm_key(value) if kind in {"nn", "sn"} else value.strip()
            if k:
                idx.setdefault((c.direcao, kind, k), c)  # first by id wins on a (bad) shared key
    return idx


def _by_key(line: StatementLine, idx: dict[tuple[str, str, str], Charge]) -> Charge | None:
    for kind, value in (("e2e", line.end_to_end_id), ("txid", line.txid), ("nn", line.nosso_numero),
                        ("sn", line.seu_numero)):
        k = _norm_key(value) if kind in {"nn", "sn"} else value.strip()
        if k:
            c = idx.get((line.direcao, kind, k))
            if c is not None:
                return c
    return None


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
    dentro = sorted((ln for ln in todas if inicio <= ln.data <= fim),
                    key=lambda ln: (ln.data, ln.fonte.value, ln.conta, ln.hash))
    cobs = sorted((c for c in charges if inicio <= c.vencimento <= fim), key=lambda c: c.id)
    st = _Estado(cobs)
    itens: list[Item | None] = [None] * len(dentro)

    # Pass 1: keys. A repeated transaction id (same endToEndId, or same FITID on the same account)
    # is the same money reported twice, whatever it matched.
    # Lines carrying a txid go first, so that when the same Pix is in the API list and in the OFX,
    # the richer record is the one matched and the other the duplicate.
    idx = _key_index(cobs)
    vistos: set[tuple[str, str]] = set()
    for i in sorted(range(len(dentro)), key=lambda i: (not dentro[i].txid, i)):
        ln = dentro[i]
        tid = (ln.conta if ln.fitid and not ln.end_to_end_id else "", ln.id_transacao)
        if tid[1]:
            if tid in vistos:
                itens[i] = Item(Classe.DUPLICADO, Criterio.CHAVE, ln, None, ZERO,
                                f"transação {tid[1]} já presente no extrato")
                continue
            vistos.add(tid)
        c = _by_key(ln, idx)
        if c is not None:
            itens[i] = _classify_amount(ln, c, st, Criterio.CHAVE, p)

    # Pass 2: amount + date window over charges still open, bucketed by (direction, amount).
    buckets: dict[tuple[str, Decimal], list[tuple[int, str]]] = defaultdict(list)
    for c in cobs:
        if st.livre(c):
            buckets[(c.direcao, c.valor)].append((c.vencimento.toordinal(), c.id))
    for b in buckets.values():
        b.sort()
    janela = p.janela_dias
    # Lines that name their payer choose first: a payer-less line must not take the charge that a
    # later line would have recognised by name or document.
    ordem = sorted(range(len(dentro)), key=lambda i: (
        0 if dentro[i].pagador_documento else 1 if dentro[i].pagador_nome else 2, i))
    for i in ordem:
        ln = dentro[i]
        if itens[i] is not None:
            continue
        cands: list[Charge] = []
        alvo = ln.data.toordinal()
        amounts = [ln.valor] if p.tolerancia == 0 else None
        keys = [(ln.direcao, a) for a in amounts] if amounts is not None else [
            k for k in buckets if k[0] == ln.direcao and abs(k[1] - ln.valor) <= p.tolerancia]
        for key in keys:
            bucket = buckets.get(key)
            if not bucket:
                continue
            lo = bisect.bisect_left(bucket, (alvo - janela, ""))
            hi = bisect.bisect_right(bucket, (alvo + janela, "\uffff"))
            cands.extend(st.por_id[cid] for _, cid in bucket[lo:hi] if st.livre(st.por_id[cid]))
        if not cands:
            continue
        nome, doc = _norm_name(ln.pagador_nome), _digits(ln.pagador_documento)
        best = min(cands, key=lambda c: (
            abs(c.vencimento.toordinal() - alvo),
            0 if doc and doc == _digits(c.pagador_documento) else 1,
            -_similar(nome, _norm_name(c.pagador_nome)) if nome else 0.0,
            c.id,
        ))
        item = _classify_amount(ln, best, st, Criterio.VALOR_DATA, p)
        tied = sum(1 for c in cands if abs(c.vencimento.toordinal() - alvo) == abs(best.vencimento.toordinal() - alvo))
        if tied > 1 and not doc and not nome:
            item = Item(item.classe, item.criterio, ln, best, item.diferenca,
                        f"{tied} cobranças candidatas com o mesmo valor e distância; escolhida a de menor id")
        itens[i] = item

    # Pass 3: payer (document, then name), wider window, any amount.
    por_doc: dict[tuple[str, str], list[Charge]] = defaultdict(list)
    por_palavra: dict[tuple[str, str], list[Charge]] = defaultdict(list)
    for c in cobs:
        if st.livre(c):
            if _digits(c.pagador_documento):
                por_doc[(c.direcao, _digits(c.pagador_documento))].append(c)
            for w in set(_norm_name(c.pagador_nome).split()):
                por_palavra[(c.direcao, w)].append(c)
    for i, ln in enumerate(dentro):
        if itens[i] is not None:
            continue
        alvo = ln.data.toordinal()

        def perto(c: Charge, alvo: int = alvo) -> bool:
            return abs(c.vencimento.toordinal() - alvo) <= p.janela_pagador_dias

        doc = _digits(ln.pagador_documento)
        cands = [c for c in por_doc.get((ln.direcao, doc), []) if st.livre(c) and perto(c)] if doc else []
        obs = "mesmo CPF/CNPJ do pagador"
        if not cands and (ln.pagador_nome or ln.descricao):
            # Without a payer field (many OFX), the payer's name is looked for in the description.
            nome = _norm_name(ln.pagador_nome or ln.descricao)
            seen: dict[str, Charge] = {}
            for w in nome.split():
                for c in por_palavra.get((ln.direcao, w), []):
                    if c.id not in seen and st.livre(c) and perto(c):
                        seen[c.id] = c
            score = _similar if ln.pagador_nome else _contained
            cands = [c for c in seen.values() if score(nome, _norm_name(c.pagador_nome)) >= p.similaridade_nome]
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
        if st.livre(c):
            out.append(Item(Classe.AUSENTE, Criterio.NENHUM, None, c, -c.valor, "cobrança sem pagamento no extrato"))
    return Resultado(inicio=inicio, fim=fim, itens=tuple(out), fora_do_periodo=len(todas) - len(dentro),
                     arquivos=tuple(arquivos))


def _similar(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def _contained(texto: str, nome: str) -> float:
    """Share of the name's words found in a free text; an initial ("A") stands for its word (ALVES)."""
    words = nome.split()
    if len(words) < 2:  # one word alone (a first name) is too weak to tie money to a person
        return 0.0
    have = set(texto.split())
    hits = sum(1 for w in words if w in have or w[0] in have)
    return hits / len(words)
