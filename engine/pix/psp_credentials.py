"""PSP credentials (client_id, client_secret, developer app key, client certificate PFX + password),
encrypted at rest with the SAME envelope encryption as the certificate store (certificates/store.py):
a fresh AES-256-GCM data key per record, each secret sealed with its own nonce and an AAD naming the
record, the emitter and the field, and the data key wrapped by the ``MasterKeyring`` — so master-key
rotation and the "ciphertext moved to another record does not decrypt" guarantee are shared.

Only the PSP id, the emitter and the client_id's last characters are in clear (to show in a UI).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from certificates.errors import CertificateError
from certificates.store import MasterKeyring, aad, seal, unseal
from engine.errors import ConfigurationError

__all__ = ["PspCredentials", "SealedPspCredentials", "open_credentials", "seal_credentials"]

_FIELDS = ("client_id", "client_secret", "app_key", "pfx", "pfx_password")


@dataclass(frozen=True, slots=True)
class PspCredentials:
    """What a PSP gives the merchant. Never printed (repr hides the secrets)."""

    client_id: str
    client_secret: str = field(repr=False)
    app_key: str | None = field(default=None, repr=False)
    pfx: bytes | None = field(default=None, repr=False)
    pfx_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class SealedPspCredentials:
    """The stored form: ciphertexts per field plus the wrapped data key and the master key id."""

    id: str
    emitter_id: str
    psp_id: str
    client_id_hint: str
    key_id: str
    wrapped_key: bytes = field(repr=False)
    ciphertexts: dict[str, bytes] = field(repr=False, default_factory=dict)


def _as_bytes(creds: PspCredentials, name: str) -> bytes | None:
    value = getattr(creds, name)
    if value is None:
        return None
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def seal_credentials(
    keyring: MasterKeyring, creds: PspCredentials, *, record_id: str, emitter_id: str, psp_id: str
) -> SealedPspCredentials:
    data_key = AESGCM.generate_key(bit_length=256)
    key_id, wrapped = keyring.wrap(data_key, record_id)
    sealed: dict[str, bytes] = {}
    for name in _FIELDS:
        raw = _as_bytes(creds, name)
        if raw is not None:
            sealed[name] = seal(data_key, raw, aad(f"psp.{psp_id}.{name}", record_id, emitter_id))
    return SealedPspCredentials(
        id=record_id,
        emitter_id=emitter_id,
        psp_id=psp_id,
        client_id_hint="…" + creds.client_id[-4:],
        key_id=key_id,
        wrapped_key=wrapped,
        ciphertexts=sealed,
    )


def open_credentials(keyring: MasterKeyring, sealed: SealedPspCredentials) -> PspCredentials:
    """Decrypt in memory. A tampered or moved ciphertext, or a missing master key, is a
    ``ConfigurationError`` in pt-BR (the underlying ``CertificateError`` is chained)."""
    try:
        data_key = keyring.unwrap(sealed.key_id, sealed.wrapped_key, sealed.id)
        plain: dict[str, bytes] = {
            name: unseal(data_key, ct, aad(f"psp.{sealed.psp_id}.{name}", sealed.id, sealed.emitter_id))
            for name, ct in sealed.ciphertexts.items()
        }
    except CertificateError as exc:
        raise ConfigurationError(
            f"credenciais do PSP '{sealed.psp_id}' não puderam ser decifradas: {exc}",
            code="PIX_CREDENCIAIS_CORROMPIDAS",
        ) from exc

    def text(name: str) -> str | None:
        return plain[name].decode("utf-8") if name in plain else None

    return PspCredentials(
        client_id=text("client_id") or "",
        client_secret=text("client_secret") or "",
        app_key=text("app_key"),
        pfx=plain.get("pfx"),
        pfx_password=text("pfx_password"),
    )
