"""Decimal helpers for the builder: quantisation per layout field and the rounding rule.

Rounding: every computed amount (vBC, vICMS, vPIS, vIBSUF, vCBS, vTotTrib, rateio of frete...) is
rounded to the layout's decimal places with ROUND_HALF_EVEN, the rule of ABNT NBR 5891 ("regras de
arredondamento na numeração decimal"), which the SEFAZ manuals (MOC, Manual do SAT 4.4.6) point to
when they do not define their own. The MOC/NT 2025.002-RTC validations compare computed values with
a tolerance of R$ 0,01, so half-even and half-up both pass; we pick the documented national rule and
apply it everywhere, so a total is always the sum of already-rounded item values (never re-rounded).
Effective rates (pAliqEfet, TDec_0302_04) keep 4 decimal places.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")
RATE4 = Decimal("0.0001")
HUNDRED = Decimal("100")


def q2(value: Decimal) -> Decimal:
    """Round to 2 decimal places (money fields, TDec_1302)."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def q4(value: Decimal) -> Decimal:
    """Round to 4 decimal places (rates with up to 4 decimals, TDec_0302a04)."""
    return value.quantize(RATE4, rounding=ROUND_HALF_EVEN)


def pct(base: Decimal, rate: Decimal) -> Decimal:
    """``base`` x ``rate``% rounded to cents."""
    return q2(base * rate / HUNDRED)


def apportion(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` (cents) over items proportionally to ``weights`` so that the parts always add
    up to ``total`` exactly (MOC: the sum of prod/vFrete must equal ICMSTot/vFrete, cStat 535) and no
    part is negative (prod/vFrete >= 0, XSD): each part gets the whole cents of its share, and the
    cents left go to the largest remainders (ties: the earlier item). Rounding each share and giving
    the last item the difference could make that last part negative.
    """
    parts = [ZERO for _ in weights]
    if total == ZERO or not weights:
        return parts
    weight_sum = sum(weights, ZERO)
    if weight_sum == ZERO:
        parts[-1] = total
        return parts
    cents = int((total * HUNDRED).to_integral_value())
    shares = [total * HUNDRED * w / weight_sum for w in weights]
    whole = [int(s.to_integral_value(rounding=ROUND_FLOOR)) for s in shares]
    left = cents - sum(whole)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - whole[i]), i))
    for i in by_remainder[:left]:
        whole[i] += 1
    return [Decimal(c).scaleb(-2) for c in whole]
    weight_sum = sum(weights, ZERO)
    if weight_sum == ZERO:
        parts[-1] = total
        return parts
    last = max(i for i, w in enumerate(weights) if w != ZERO)
    allocated = ZERO
    for i, w in enumerate(weights):
        if i == last:
            continue
        parts[i] = q2(total * w / weight_sum)
        allocated += parts[i]
    parts[last] = total - allocated
    return parts
