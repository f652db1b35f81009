"""Run every benchmark: .venv/bin/python -m bench"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "bench.bench_documents",
    "bench.bench_sign",
    "bench.bench_sefaz",
    "bench.bench_simulator",
    "bench.bench_pix",
    "bench.bench_sped",
    "bench.bench_reconcile",
    "bench.bench_webhooks",
    "bench.bench_api",
)


def main() -> int:
    status = 0
    for name in BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        print(f"\n## {name}\n", flush=True)
        status |= int(module.main())
    return status


if __name__ == "__main__":
    sys.exit(main())
