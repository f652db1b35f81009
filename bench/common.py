"""Small timing helpers shared by the benchmarks (best-of-N repeats, like timeit)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def per_second(fn: Callable[[], object], *, min_time: float = 0.4, repeats: int = 5) -> float:
    """Best throughput (calls/s) of ``fn`` over ``repeats`` runs of at least ``min_time`` seconds."""
    fn()  # warm-up: caches, compiled schemas, lazy imports
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time / 4:
            break
        n *= 2
    n = max(1, int(n * (min_time / max(elapsed, 1e-9))))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return 1.0 / best


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (what the README shows)."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join(out)


def compare(
    candidates: dict[str, Callable[[], object]], *, rounds: int = 15, min_time: float = 0.1
) -> dict[str, float]:
    """Calls/s of each single-threaded candidate, measured in interleaved rounds (best round wins).

    CPU time of this process (``time.process_time``) is used, not wall time, and the candidates
    alternate round by round, so that load from other processes on a shared machine shifts neither
    the figures nor, above all, their ratio.
    """
    loops: dict[str, int] = {}
    for name, fn in candidates.items():
        fn()  # warm-up
        n = 1
        while True:
            start = time.process_time()
            for _ in range(n):
                fn()
            elapsed = time.process_time() - start
            if elapsed >= min_time / 4:
                break
            n *= 2
        loops[name] = max(1, int(n * (min_time / max(elapsed, 1e-9))))
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(rounds):
        for name, fn in candidates.items():
            n = loops[name]
            start = time.process_time()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (time.process_time() - start) / n)
    return {name: 1.0 / t for name, t in best.items()}
