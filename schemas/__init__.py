"""Official XSD packages, exactly as published (see schemas/xsd/README.md and manifest.json)."""

from pathlib import Path

XSD_DIR = Path(__file__).resolve().parent / "xsd"

__all__ = ["XSD_DIR"]
