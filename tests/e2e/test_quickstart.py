"""docs/quickstart.md, executed: `ortho-fiscal serve` (what `make run` calls) as a real process on a
free port with an empty data dir, then the page's ``sh`` blocks run verbatim with the system's curl
(only the port differs). The NFC-e must come back 201 and authorized with a protocol the SEFAZ
simulator issued, the retry 200 with the same document, and the DANFCE must be a PDF showing the
chave and the protocol."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "docs" / "quickstart.md"
DOC_BASE = "http://127.0.0.1:8000"
DEMO_CNPJ = "11222333000181"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sh_blocks(markdown: str) -> list[str]:
    """The fenced blocks whose info string is exactly ``sh``: the commands a reader runs."""
    return [m.group(1) for m in re.finditer(r"^```sh\n(.*?)^```$", markdown, flags=re.M | re.S)]


def _serve_command() -> list[str]:
    script = Path(sys.executable).with_name("ortho-fiscal")  # the console script `make run` calls
    if script.exists():
        return [str(script), "serve"]
    return [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())", "serve"]


@dataclass
class Served:
    base: str
    data: Path
    log: Path
    proc: subprocess.Popen[bytes]
    banner: str

    def field(self, pattern: str) -> str:
        found = re.search(pattern, self.banner)
        assert found, self.banner
        return found.group(1)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # what Ctrl+C on `make run` sends
            self.proc.wait(timeout=30)
        return self.log.read_text(encoding="utf-8", errors="replace")


def serve(tmp: Path, *extra: str) -> Served:
    data, log = tmp / "data", tmp / "serve.log"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORTHO_")}  # the embedded defaults
    with log.open("wb") as out:  # a file, not a pipe: uvicorn's access log must never block the server
        proc = subprocess.Popen([*_serve_command(), "--port", str(port), "--data-dir", str(data), *extra],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", data, log, proc, "")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}:\n{served.stop()}")
        try:
            if httpx.get(f"{served.base}/health", timeout=2).status_code == 200:
                served.banner = log.read_text(encoding="utf-8", errors="replace")
                return served
        except httpx.HTTPError:
            time.sleep(0.2)
    served.stop()
    raise AssertionError(f"serve did not answer /health in 90 s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def curl() -> str:
    path = shutil.which("curl")
    if path is None:
        reason = "curl não encontrado: `make system-deps` (apt-get install curl)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@dataclass
class Walkthrough:
    served: Served
    outputs: list[str]
    workdir: Path
    pdv_key: str
    simulator_url: str
    simulator_ca: str
    at_sefaz: list[dict[str, Any]]  # what the simulator recorded, read while it was up


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory, curl: str) -> Iterator[Walkthrough]:
    tmp = tmp_path_factory.mktemp("quickstart")
    blocks = sh_blocks(QUICKSTART.read_text(encoding="utf-8"))
    assert len(blocks) == 4, "docs/quickstart.md: emit, retry, read back, DANFCE"
    served = serve(tmp)
    workdir = tmp / "pdv"
    workdir.mkdir()
    outputs: list[str] = []
    try:
        pdv_key = served.field(r"chave pdv:\s+(ofk_\S+)")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "PDV_KEY": pdv_key}
        for block in blocks:
            script = block.replace(DOC_BASE, served.base)
            run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir, env=env,
                                 capture_output=True, text=True, timeout=120, check=False)
            assert run.returncode == 0, f"{script}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
            outputs.append(run.stdout)
        sim_url = served.field(r"Simulador da SEFAZ \(homologação\): (https://\S+)")
        sim_ca = served.field(r"CA: (\S+)")
        at_sefaz = _simulator_documents(served.data, workdir, sim_url, sim_ca)
        yield Walkthrough(served, outputs, workdir, pdv_key, sim_url, sim_ca, at_sefaz)
    finally:
        served.stop()


def _answer(output: str) -> tuple[dict[str, Any], int]:
    body, _, status = output.rstrip("\n").rpartition("\nHTTP ")
    return json.loads(body), int(status)


def _simulator_documents(data: Path, workdir: Path, url: str, ca: str) -> list[dict[str, Any]]:
    """What the simulator itself recorded (its control API, with a client certificate of its PKI)."""
    from simulator.pki import SimulatorPKI

    issued = SimulatorPKI.load_or_create(data / "simulator" / "pki").issue_client(DEMO_CNPJ)
    cert, key = workdir / "control.pem", workdir / "control.key"
    cert.write_bytes(issued.cert_pem(with_chain=True))
    key.write_bytes(issued.key_pem())
    ctx = ssl.create_default_context(cafile=ca)
    ctx.load_cert_chain(str(cert), str(key))
    response = httpx.get(f"{url}/_control/documents", verify=ctx, timeout=10)
    assert response.status_code == 200, response.text
    return list(response.json()["documents"])


def test_the_nfce_is_issued_201_authorized_with_the_simulators_protocol(walkthrough: Walkthrough) -> None:
    doc, status = _answer(walkthrough.outputs[0])
    assert status == 201
    assert doc["status"] == "authorized" and doc["cstat"] == 100 and doc["ref"] == "venda-0001"
    assert doc["model"] == 65 and doc["series"] == 1 and doc["number"] == 1 and doc["tp_emis"] == 1
    assert re.fullmatch(r"\d{44}", doc["chave"]) and doc["chave"][6:20] == DEMO_CNPJ
    assert re.fullmatch(r"\d{15}", doc["protocol"])
    at_sefaz = [d for d in walkthrough.at_sefaz if d["chNFe"] == doc["chave"]]
    assert len(at_sefaz) == 1, "the simulator must hold exactly this NFC-e"
    assert at_sefaz[0]["nProt"] == doc["protocol"] and str(at_sefaz[0]["cStat"]) == "100"
    assert at_sefaz[0]["mod"] == 65 and at_sefaz[0]["nNF"] == 1


def test_the_same_post_again_returns_the_same_document_with_200(walkthrough: Walkthrough) -> None:
    first, _ = _answer(walkthrough.outputs[0])
    again, status = _answer(walkthrough.outputs[1])
    assert status == 200
    assert (again["id"], again["chave"], again["number"], again["protocol"]) == (
        first["id"], first["chave"], first["number"], first["protocol"])


def test_the_document_reads_back_by_ref(walkthrough: Walkthrough) -> None:
    first, _ = _answer(walkthrough.outputs[0])
    read = json.loads(walkthrough.outputs[2])
    assert (read["chave"], read["status"], read["protocol"]) == (first["chave"], "authorized", first["protocol"])


def test_the_danfce_is_a_pdf_showing_the_chave_and_the_protocol(walkthrough: Walkthrough) -> None:
    first, _ = _answer(walkthrough.outputs[0])
    assert walkthrough.outputs[3].startswith("HTTP 200 application/pdf")
    pdf = walkthrough.workdir / "venda-0001.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    compact = re.sub(r"\s+", "", text)
    assert first["chave"] in compact and first["protocol"] in compact
    assert "HOMOLOGA" in text.upper()


def test_stopping_the_service_stops_its_simulator(walkthrough: Walkthrough) -> None:
    walkthrough.served.stop()
    host, port = walkthrough.simulator_url.removeprefix("https://").rsplit(":", 1)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
        except OSError:
            break  # nobody listens any more
        assert time.monotonic() < deadline, "the simulator is still listening after the service stopped"
        time.sleep(0.2)
    assert walkthrough.served.proc.returncode == 0


def test_without_the_simulator_emission_is_refused_with_a_clear_problem(tmp_path: Path) -> None:
    served = serve(tmp_path, "--no-simulator")
    try:
        assert "Simulador da SEFAZ desligado" in served.banner
        key = served.field(r"chave pdv:\s+(ofk_\S+)")
        sale = _quickstart_sale()
        response = httpx.post(f"{served.base}/v1/nfce", json=sale, headers={"Authorization": f"Bearer {key}"},
                              timeout=30)
    finally:
        served.stop()
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "SEFAZ_NAO_CONFIGURADA" and "ORTHO_SEFAZ_TRUST_PEM" in problem["detail"]


def _quickstart_sale() -> dict[str, Any]:
    block = sh_blocks(QUICKSTART.read_text(encoding="utf-8"))[0]
    return dict(json.loads(block.split("<<'JSON'\n")[1].split("\nJSON\n")[0]))


def test_several_workers_get_the_simulator_and_share_one_numbering(tmp_path: Path) -> None:
    """--workers N: each uvicorn process builds its app from the ORTHO_* environment serve passes on."""
    served = serve(tmp_path, "--workers", "2", "--log-level", "warning")
    try:
        key = served.field(r"chave pdv:\s+(ofk_\S+)")
        headers = {"Authorization": f"Bearer {key}"}
        sale = _quickstart_sale()
        # A new connection each time, so the kernel may hand them to either worker.
        docs = [httpx.post(f"{served.base}/v1/nfce", json={**sale, "ref": f"w-{i}"}, headers=headers, timeout=60)
                for i in range(4)]
    finally:
        served.stop()
    assert [d.status_code for d in docs] == [201] * 4, [d.text for d in docs]
    assert {d.json()["status"] for d in docs} == {"authorized"}
    assert sorted(d.json()["number"] for d in docs) == [1, 2, 3, 4]


# -- the settings behind `make run` -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "wanted"),
    [
        ({}, True),  # the embedded default: no SEFAZ configured
        ({"ORTHO_SEFAZ_TRUST_PEM": "/etc/icp-brasil.pem"}, False),  # production: real SEFAZ, never the simulator
        ({"ORTHO_SEFAZ_URL": "https://sefaz.example"}, False),
        ({"ORTHO_SIMULATOR": "1", "ORTHO_SEFAZ_URL": "https://sefaz.example"}, True),
        ({"ORTHO_SIMULATOR": "0"}, False),
    ],
)
def test_the_simulator_starts_only_when_no_sefaz_is_configured_unless_forced(env: dict[str, str],
                                                                              wanted: bool) -> None:
    from api.settings import Settings
    from cli.serve import simulator_wanted

    assert simulator_wanted(Settings.from_env(env)) is wanted


def test_invalid_serve_settings_are_refused_in_pt_br(capsys: pytest.CaptureFixture[str]) -> None:
    from api.settings import Settings, SettingsError
    from cli.main import main

    with pytest.raises(SettingsError, match="ORTHO_SIMULATOR deve ser um de auto, 1, 0"):
        Settings.from_env({"ORTHO_SIMULATOR": "talvez"})
    with pytest.raises(SettingsError, match="ORTHO_WORKERS deve estar entre 1 e 64"):
        Settings.from_env({"ORTHO_WORKERS": "0"})
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers deve estar entre 1 e 64 (recebido 0)" in capsys.readouterr().err
