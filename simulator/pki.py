"""The simulator's certificates: a test PKI created once in ``pki_dir`` and reused.

``certificates.testpki`` is used ONLY to mint certificates (root, intermediate, the TLS server
certificate, the simulator's own signing e-CNPJ and client A1s); nothing here verifies anything with
our own certificate code — the server verifies client chains with OpenSSL (ssl.CERT_REQUIRED) and
signatures with python-xmlsec.

Layout of ``pki_dir`` (PEM, unencrypted: test material only, the names say TESTE)::

    ca.pem            the root clients must trust (``RunningSimulator.ca_pem_path``)
    chain.pem         root + intermediate (what the server trusts for client certificates)
    root.key, intermediate.pem, intermediate.key
    server.pem        TLS server certificate + intermediate; server.key
    signer.pem        the simulator's e-CNPJ that signs protNFe/retEvento/retInutNFe; signer.key
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from certificates.testpki import IssuedCertificate, TestCA

# CNPJ of the simulated SEFAZ's signing certificate (a valid test CNPJ, not a real agency's).
SIMULATOR_SIGNER_CNPJ = "11444777000161"


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _cert_pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"chave RSA esperada em {path}")
    return key


@dataclass
class SimulatorPKI:
    """Paths of the server material plus the CA that issues client A1s on demand."""

    directory: Path
    ca: TestCA = field(repr=False)
    signer_cert_pem: bytes = field(repr=False)
    signer_key_pem: bytes = field(repr=False)
    _clients: dict[str, tuple[bytes, str]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def ca_pem_path(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def chain_pem_path(self) -> Path:
        return self.directory / "chain.pem"

    @property
    def server_cert_path(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key_path(self) -> Path:
        return self.directory / "server.key"

    @classmethod
    def load_or_create(cls, directory: Path, *, now: datetime | None = None) -> SimulatorPKI:
        directory.mkdir(parents=True, exist_ok=True)
        now = now or datetime.now(UTC)
        marker = directory / "signer.key"
        if marker.exists():
            ca = TestCA(
                root=x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes()),
                root_key=_load_key(directory / "root.key"),
                intermediate=x509.load_pem_x509_certificate((directory / "intermediate.pem").read_bytes()),
                intermediate_key=_load_key(directory / "intermediate.key"),
            )
            return cls(directory, ca, (directory / "signer.pem").read_bytes(), marker.read_bytes())
        ca = TestCA.create(now=now)
        server = ca.issue_tls_server(
            hostnames=("127.0.0.1", "localhost", "::1"),
            not_before=now - timedelta(days=1),
            not_after=now + timedelta(days=3650),
        )
        signer = ca.issue_ecnpj(
            cnpj=SIMULATOR_SIGNER_CNPJ,
            razao_social="SEFAZ SIMULADOR HOMOLOGACAO TESTE",
            not_before=now - timedelta(days=1),
            not_after=now + timedelta(days=3650),
        )
        _write(directory / "ca.pem", _cert_pem(ca.root))
        _write(directory / "chain.pem", _cert_pem(ca.root, ca.intermediate))
        _write(directory / "root.key", _key_pem(ca.root_key))
        _write(directory / "intermediate.pem", _cert_pem(ca.intermediate))
        _write(directory / "intermediate.key", _key_pem(ca.intermediate_key))
        _write(directory / "server.pem", _cert_pem(server.certificate, ca.intermediate))
        _write(directory / "server.key", _key_pem(server.private_key))
        _write(directory / "signer.pem", _cert_pem(signer.certificate))
        _write(marker, _key_pem(signer.private_key))  # written last: marks a complete PKI
        return cls(directory, ca, _cert_pem(signer.certificate), _key_pem(signer.private_key))

    def issue_client(self, cnpj: str, *, now: datetime | None = None) -> IssuedCertificate:
        now = now or datetime.now(UTC)
        return self.ca.issue_ecnpj(cnpj=cnpj, not_before=now - timedelta(days=1), not_after=now + timedelta(days=365))

    def client_pfx(self, cnpj: str) -> tuple[bytes, str]:
        """A PKCS#12 e-CNPJ A1 for ``cnpj`` from the same test PKI, and its password (cached per CNPJ)."""
        with self._lock:
            cached = self._clients.get(cnpj)
            if cached is None:
                password = secrets.token_urlsafe(12)
                cached = (self.issue_client(cnpj).to_pfx(password), password)
                self._clients[cnpj] = cached
            return cached


DEMO_CNPJ = "11222333000181"  # the demo emitter of the CLI (a valid test CNPJ)
DEMO_PASSWORD_ENV = "ORTHO_SIMULATOR_PFX_PASSWORD"  # noqa: S105 - the name of a variable, not a password


def demo_client(pki: SimulatorPKI, data_dir: Path) -> tuple[Path, str]:
    """A ready-made client A1 for the demo emitter in ``data_dir`` (created once, then reused):
    ``(pfx_path, password)``. The password also sits beside it in ``demo-client.password`` (0600)."""
    pfx_path = data_dir / "demo-client.pfx"
    password_path = data_dir / "demo-client.password"
    if pfx_path.exists() and password_path.exists():
        return pfx_path, password_path.read_text("utf-8").strip()
    password = secrets.token_urlsafe(12)
    issued = pki.issue_client(DEMO_CNPJ)
    _write(password_path, password.encode("utf-8"))
    _write(pfx_path, issued.to_pfx(password))
    return pfx_path, password
