"""Rebuild ``engine/sefaz/data/cstat.json`` from the reference list of cStat codes.

    .venv/bin/python -m engine.sefaz.build_cstat [--reference ../shared/reference]

The reference (``cstat.json``, see ../shared/reference/README.md for its source and licence) maps
each cStat of the NF-e/NFC-e web services to its message and a category (sucesso / denegado /
rejeicao / erro_servico). We copy code, message, category and note, and record where they came from;
``tests/unit/engine/sefaz/test_cstat.py`` checks the data file still equals this build.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference"
TARGET = Path(__file__).resolve().parent / "data" / "cstat.json"
CATEGORIAS = ("sucesso", "denegado", "rejeicao", "erro_servico")


def build(reference_dir: Path) -> dict[str, Any]:
    raw = json.loads((reference_dir / "cstat.json").read_text(encoding="utf-8"))
    meta = raw["_meta"]
    codigos: dict[str, dict[str, str]] = {}
    for code, entry in sorted(raw["codigos"].items(), key=lambda kv: int(kv[0])):
        if entry["categoria"] not in CATEGORIAS:
            raise ValueError(f"cStat {code}: categoria desconhecida {entry['categoria']!r}")
        item = {"mensagem": entry["mensagem"], "categoria": entry["categoria"]}
        if entry.get("nota"):
            item["nota"] = entry["nota"]
        codigos[code] = item
    return {
        "_meta": {
            "gerado_por": "python -m engine.sefaz.build_cstat",
            "referencia": "../shared/reference/cstat.json",
            "fonte": meta["fonte"],
            "categorias": meta["categorias"],
            "placeholders": meta.get("placeholders", ""),
        },
        "codigos": codigos,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenera engine/sefaz/data/cstat.json a partir da referência")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    args = parser.parse_args(argv)
    TARGET.write_text(render(build(args.reference)), encoding="utf-8")
    print(f"{TARGET} gravado")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
