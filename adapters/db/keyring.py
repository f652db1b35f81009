"""The master keyring that encrypts secrets at rest (certificates, CSC tokens).

Configuration: ``ORTHO_MASTER_KEYS`` = ``"id1:<base64 32 bytes>,id2:<base64>"`` (the last one, or
``ORTHO_MASTER_KEY_ACTIVE``, encrypts new secrets; older ones stay for reading during a rotation).
Without it, the embedded default keeps one generated key in ``<data dir>/master.key`` (mode 0600),
created on first start: fine for a single machine, but then the data dir holds both the ciphertexts
and their key, so production sets ORTHO_MASTER_KEYS from a secret manager.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from certificates.store import MasterKeyring

KEY_FILE_NAME = "master.key"


def load_keyring(env: Mapping[str, str], data_dir: str | Path) -> MasterKeyring:
    spec = env.get("ORTHO_MASTER_KEYS", "").strip()
    if spec:
        return MasterKeyring.from_config(spec, env.get("ORTHO_MASTER_KEY_ACTIVE") or None)
    path = Path(data_dir) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        kid = f"local-{secrets.token_hex(4)}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(f"{kid}:{MasterKeyring.generate_key()}\n")
    return MasterKeyring.from_config(path.read_text(encoding="ascii").strip())
