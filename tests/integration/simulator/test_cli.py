"""`ortho-fiscal simulator` in the foreground: prints its URL, CA and demo A1; serves; stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from .sefazclient import Client, cons_stat


def test_cli_starts_prints_the_demo_credentials_and_serves(tmp_path) -> None:
    # Reuse nothing from the session PKI: the CLI creates its own in --data-dir.
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "simulator", "--port", "0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        lines = {}
        while "Simulador" not in lines:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            key, _, value = line.partition(": ")
            lines[key if value else line.split()[0]] = value.strip()
        url, ca = lines["URL"], Path(lines["CA"])
        pfx_path = Path(lines["PFX"].split(" (")[0])
        password = lines["Senha do PFX"].split("='")[1].rstrip("'")
        assert "ORTHO_SIMULATOR_PFX_PASSWORD" in lines["Senha do PFX"]
        key, cert, chain = pkcs12.load_key_and_certificates(pfx_path.read_bytes(), password.encode())
        (tmp_path / "c.pem").write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain]))
        (tmp_path / "c.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        client = Client(url, ca, tmp_path / "c.pem", tmp_path / "c.key")
        assert client.call("MG", "65", "NFeStatusServico4", cons_stat("31"), base=url).cstat() == "107"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        proc.stdout.close()
        proc.stderr.close()


def test_cli_exits_2_when_the_port_is_taken(tmp_path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cli.main", "simulator", "--port", str(port), "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).resolve().parents[3],
        )
    assert result.returncode == 2
    assert "não foi possível escutar" in result.stderr
