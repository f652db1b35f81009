"""schemas/xsd/manifest.json lists every official XSD with the SHA-256 of the bytes we ship, and nothing else."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from schemas import XSD_DIR

MANIFEST: dict[str, Any] = json.loads((XSD_DIR / "manifest.json").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, str]] = MANIFEST["files"]
ON_DISK = sorted(p.relative_to(XSD_DIR).as_posix() for p in XSD_DIR.rglob("*.xsd"))
FIELDS = {"path", "package", "version", "published", "source", "sha256"}


def test_manifest_and_disk_list_the_same_files() -> None:
    listed = [e["path"] for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert sorted(listed) == ON_DISK


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["path"])
def test_file_bytes_match_the_recorded_sha256(entry: dict[str, str]) -> None:
    data = (XSD_DIR / entry["path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["path"])
def test_entry_is_complete_and_belongs_to_a_described_package(entry: dict[str, str]) -> None:
    assert set(entry) == FIELDS
    assert all(entry[f].strip() for f in FIELDS)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["published"])
    assert entry["path"].endswith(f"_v{entry['version']}.xsd")
    folder = entry["path"].split("/", 1)[0]
    package = MANIFEST["packages"][folder]
    assert entry["package"] == package["package"]
    assert entry["published"] == package["published"]


def test_every_package_folder_is_described_in_the_readme() -> None:
    readme = (XSD_DIR / "README.md").read_text(encoding="utf-8")
    for folder, package in MANIFEST["packages"].items():
        assert f"`{folder}/`" in readme
        assert package["package"] in readme
