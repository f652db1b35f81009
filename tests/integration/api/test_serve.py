"""`ortho-fiscal serve` as a real process: on an empty data dir it migrates, creates the demo
emitter (test certificate, homologação) and prints the keys once; they work against the API."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from api.app import open_resources
from api.demo import ensure_demo
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORTHO_")}
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())", "serve",
         "--port", str(port), "--data-dir", str(data_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _wait_ready(proc: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("serve did not become ready")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    return out


def test_serve_creates_the_demo_once_and_its_keys_work(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(data, port)
    try:
        _wait_ready(proc, base)
        printed = ""
        while "chave pdv" not in printed:  # printed before uvicorn starts, so already in the pipe
            assert proc.stdout is not None
            printed += proc.stdout.readline()
        admin = re.search(r"chave admin: (ofk_\S+)", printed)
        pdv = re.search(r"chave pdv:\s+(ofk_\S+)", printed)
        assert admin and pdv, printed
        headers = {"Authorization": f"Bearer {admin.group(1)}"}
        me = httpx.get(f"{base}/v1/me", headers=headers).json()
        emitters = httpx.get(f"{base}/v1/emitters", headers=headers).json()["items"]
        certs = httpx.get(f"{base}/v1/emitters/{emitters[0]['id']}/certificates", headers=headers).json()["items"]
        pdv_me = httpx.get(f"{base}/v1/me", headers={"Authorization": f"Bearer {pdv.group(1)}"}).json()
        audit = httpx.get(f"{base}/v1/audit", headers=headers).json()["items"]
    finally:
        _stop(proc)
    assert me["role"] == "admin" and me["tenant_id"] == "demo" and pdv_me["role"] == "pdv"
    assert len(emitters) == 1 and emitters[0]["config"]["ambiente"] == 2 and emitters[0]["csc"]["id"] == "000001"
    assert len(certs) == 1 and certs[0]["ativo"] and certs[0]["cnpj"] == emitters[0]["cnpj"]
    assert [e["action"] for e in audit] == ["demo.setup"]
    assert (data / "ortho-fiscal.sqlite3").exists() and (data / "master.key").exists()
    assert (data / "demo-ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    # A second start on the same data dir creates nothing and prints no key.
    resources = open_resources(Settings(data_dir=str(data)))
    try:
        assert ensure_demo(resources) is None
    finally:
        resources.db.dispose()


def test_uvicorn_runs_on_uvloop_and_httptools_without_an_access_log(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from cli.serve import _run_uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    for name in ("ORTHO_DATA_DIR", "ORTHO_RUN_MIGRATIONS", "ORTHO_MAX_BODY_BYTES", "ORTHO_DB_POOL_SIZE"):
        monkeypatch.setenv(name, "")  # _run_uvicorn exports them for the worker processes: restored after
    _run_uvicorn(Settings(data_dir=str(tmp_path), workers=2))
    _run_uvicorn(Settings(data_dir=str(tmp_path), workers=1, access_log=True, run_migrations=False))
    http = "cli.http_protocol:CoalescingHttpToolsProtocol"  # httptools, answers written in one piece
    assert [(c["loop"], c["http"], c["access_log"], c["server_header"]) for c in calls] == [
        ("uvloop", http, False, False), ("uvloop", http, True, False)]
    import httptools  # noqa: F401  (both are runtime dependencies: uvicorn would fail without them)
    import uvloop  # noqa: F401
