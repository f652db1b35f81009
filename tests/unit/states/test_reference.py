"""The registry matches the reference snapshot in ../shared/reference (beside the clone, as in CI).

Every fact the reference gives is checked against what ``states`` resolves; the only differences
allowed are the decisions listed here (and recorded, with their reasons, in states/data/curation.json).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import states

REPO_ROOT = Path(__file__).resolve().parents[3]
REFERENCE = (REPO_ROOT / ".." / "shared" / "reference").resolve()
ENVS = ("producao", "homologacao")

# Deliberate differences from the reference (see states/data/curation.json for the reasons).
NOT_OFFERED_BY_DECISION = {
    # SVC takes neither inutilização nor consulta cadastro (reference _meta.regras, divergencias).
    *{("55", svc, env, s) for svc in ("SVC-AN", "SVC-RS") for env in ENVS
      for s in ("NFeInutilizacao4", "CadConsultaCadastro4")},
    # RS homologação CadConsultaCadastro4 repeats the production host: never send test traffic there.
    ("55", "RS", "homologacao", "CadConsultaCadastro4"),
}  # fmt: skip
QRCODE_BY_DECISION = {("RR", "producao"): "https://www.sefaz.rr.gov.br/nfce/servlet/qrcode"}
# SP's NFC-e EPEC reception carries the event layout 1.00 in both environments; the reference inherits
# nfephp's service-list 4.00 for homologação (curation.json soap_overrides, docs/nfce-epec-sp.md §2).
VERSAO_DADOS_BY_DECISION = {("65", "SP", "homologacao", "RecepcaoEvento_EPEC"): "1.00"}


def _load(name: str) -> Any:
    path = REFERENCE / name
    if not path.is_file():
        pytest.fail(
            f"reference file {path} is missing: the contract tests compare the registry with "
            "../shared/reference beside the clone (as CI checks it out); restore it or fix the path"
        )
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nfe() -> Any:
    return _load("sefaz-endpoints-nfe.json")


@pytest.fixture(scope="module")
def nfce() -> Any:
    return _load("sefaz-endpoints-nfce.json")


@pytest.fixture(scope="module")
def qrcode() -> Any:
    return _load("nfce-qrcode-urls.json")


def _check_service(modelo: str, sigla: str, env: str, service: str, ref_url: str | None, autorizador: str) -> None:
    if ref_url is None or (modelo, autorizador, env, service) in NOT_OFFERED_BY_DECISION:
        with pytest.raises(states.ServiceNotOffered):
            states.url(sigla, modelo, env, service)
    else:
        assert states.url(sigla, modelo, env, service) == ref_url, (modelo, sigla, env, service)


def test_all_27_ufs_are_in_the_reference(nfe: Any, nfce: Any, qrcode: Any) -> None:
    siglas = {u.sigla for u in states.all_ufs()}
    assert set(nfe["por_uf"]) == set(nfce["por_uf"]) == set(qrcode["por_uf"]) == siglas


@pytest.mark.parametrize("sigla", [u.sigla for u in states.all_ufs()])
def test_nfe_matches_reference(nfe: Any, sigla: str) -> None:
    ref = nfe["por_uf"][sigla]
    u = states.uf(sigla)
    assert int(u.codigo) == ref["cUF"]
    assert u.nfe_autorizador == ref["autorizador"] == nfe["autorizador_por_uf"][sigla]
    assert u.nfe_contingencia == ref["contingencia_svc"] == nfe["contingencia_svc_por_uf"][sigla]
    for env in ENVS:
        assert set(ref[env]) == set(nfe["servicos_canonicos"])
        for service, ref_url in ref[env].items():
            _check_service("55", sigla, env, service, ref_url, u.nfe_autorizador)
            soap = nfe["autorizadores"][u.nfe_autorizador][env][service]
            if ref_url is not None and ("55", u.nfe_autorizador, env, service) not in NOT_OFFERED_BY_DECISION:
                ep = states.endpoint(sigla, 55, env, service)
                assert (ep.soap_operation, ep.soap_method, ep.versao_dados) == (
                    soap["soap_operation"],
                    soap["soap_method"],
                    soap["versao_dados"],
                )


@pytest.mark.parametrize("sigla", [u.sigla for u in states.all_ufs()])
def test_nfe_contingency_matches_reference(nfe: Any, sigla: str) -> None:
    u = states.uf(sigla)
    for env in ENVS:
        for service, soap in nfe["autorizadores"][u.nfe_contingencia][env].items():
            if soap["url"] is None or ("55", u.nfe_contingencia, env, service) in NOT_OFFERED_BY_DECISION:
                with pytest.raises(states.ServiceNotOffered):
                    states.url(sigla, 55, env, service, contingency=True)
                continue
            ep = states.endpoint(sigla, 55, env, service, contingency=True)
            assert ep.url == soap["url"]
            assert (ep.soap_operation, ep.soap_method) == (soap["soap_operation"], soap["soap_method"])


@pytest.mark.parametrize("env", ENVS)
def test_national_services_match_reference(nfe: Any, env: str) -> None:
    for service, ref_url in nfe["nacional_AN"][env].items():
        assert states.url("SP", 55, env, service, nacional=True) == ref_url
    assert set(states.national_services()) == set(nfe["nacional_AN"][env])


@pytest.mark.parametrize("sigla", [u.sigla for u in states.all_ufs()])
def test_nfce_matches_reference(nfce: Any, sigla: str) -> None:
    ref = nfce["por_uf"][sigla]
    u = states.uf(sigla)
    assert int(u.codigo) == ref["cUF"]
    assert u.nfce_autorizador == ref["autorizador"] == nfce["autorizador_por_uf"][sigla]
    for env in ENVS:
        services = {k: v for k, v in ref[env].items() if not k.startswith("_")}
        assert set(services) == set(nfce["servicos_canonicos"])
        for service, ref_url in services.items():
            _check_service("65", sigla, env, service, ref_url, u.nfce_autorizador)
            soap = nfce["autorizadores"][u.nfce_autorizador][env][service]
            ep = states.endpoint(sigla, 65, env, service)
            assert (ep.soap_operation, ep.soap_method, ep.versao_dados) == (
                soap["soap_operation"],
                soap["soap_method"],
                soap["versao_dados"],
            )
        # Extras of the authorizer (CscNFCe at AM and GO) resolve too.
        for service, soap in nfce["autorizadores"][u.nfce_autorizador][env].items():
            if service not in services and u.nfce_autorizador == sigla:
                assert states.url(sigla, 65, env, service) == soap["url"]


@pytest.mark.parametrize("env", ENVS)
def test_sp_nfce_epec_matches_reference(nfce: Any, env: str) -> None:
    for service, soap in nfce["extras_SP"]["EPEC_NFCe"][env].items():
        ep = states.endpoint("SP", 65, env, service)
        assert ep.url == soap["url"]
        assert (ep.soap_operation, ep.soap_method, ep.versao_dados) == (
            soap["soap_operation"],
            soap["soap_method"],
            VERSAO_DADOS_BY_DECISION.get(("65", "SP", env, service), soap["versao_dados"]),
        )


@pytest.mark.parametrize("env", ENVS)
def test_sp_nfce_epec_reception_is_event_layout_1_00_in_both_environments(env: str) -> None:
    ep = states.endpoint("SP", 65, env, "RecepcaoEvento_EPEC")
    assert ep.versao_dados == "1.00" and ep.autorizador == "SP" and ep.codigo_orgao == "35"
    assert states.uf("SP").has_flag("nfce_epec")
    assert states.endpoint("SP", 65, env, "EPECStatusServico").versao_dados == "4.00"
    assert not any(u.has_flag("nfce_epec") for u in states.all_ufs() if u.sigla != "SP")


@pytest.mark.parametrize("sigla", [u.sigla for u in states.all_ufs()])
def test_nfce_qrcode_matches_reference(qrcode: Any, nfce: Any, sigla: str) -> None:
    for env in ENVS:
        ref = qrcode["por_uf"][sigla][env]
        ours = states.nfce_qrcode(sigla, env)
        decided = QRCODE_BY_DECISION.get((sigla, env))
        if decided is None:
            assert ours.qrcode == ref["qrcode_url"] == nfce["por_uf"][sigla][env]["_qrcode_url"]
            assert not ours.decisao
        else:
            # Our value is the secondary sources' one; the primary's is kept as an alternative.
            assert ours.qrcode == decided == ref["acbr"]["qrcode_v2"]
            assert ref["qrcode_url"] in ours.alternativas
            assert ours.decisao
        assert ours.url_chave == ref["url_chave"]
        assert ours.versao_referencia == ref["qrcode_versao_nfephp"]
        assert states.qrcode_urls(sigla, env) == (ours.qrcode, ours.url_chave)


def test_divergent_qr_sources_are_flagged(qrcode: Any) -> None:
    qr_divergent, chave_divergent = set(), set()
    for line in qrcode["divergencias"]:
        match = re.match(r"([A-Z]{2}) (producao|homologacao) (qrcode|urlChave):", line)
        assert match, line
        (qr_divergent if match.group(3) == "qrcode" else chave_divergent).add(match.group(1))
    assert {u.sigla for u in states.all_ufs() if u.has_flag("qrcode_fontes_divergentes")} == qr_divergent
    assert {u.sigla for u in states.all_ufs() if u.has_flag("url_chave_fontes_divergentes")} == chave_divergent


def test_registry_records_sources_date_and_every_disagreement(nfe: Any, nfce: Any, qrcode: Any) -> None:
    info = states.registry_info()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info.snapshot_date)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info.data_version)
    commit = nfe["_meta"]["fonte_principal"]["commit"]
    assert any(commit in source for source in info.sources)
    assert any("ACBr" in source for source in info.sources)
    recorded = "\n".join(info.divergencias)
    for entry in (*nfe["divergencias"], *nfce["divergencias"]):
        assert entry["item"] in recorded
    for line in (*qrcode["divergencias"], *qrcode["divergencias_comentadas"]):
        assert line in info.divergencias


def test_data_files_are_exactly_what_build_data_makes_from_the_reference() -> None:
    """states/data/webservices.json and nfce_qrcode.json are generated, never edited by hand."""
    from states import build_data

    _load("sefaz-endpoints-nfe.json")  # fails with the clear message when the reference is absent
    curation = json.loads((build_data.DATA_DIR / "curation.json").read_text(encoding="utf-8"))
    builders = (("webservices.json", build_data.build_webservices), ("nfce_qrcode.json", build_data.build_qrcode))
    for name, build in builders:
        committed = json.loads((build_data.DATA_DIR / name).read_text(encoding="utf-8"))
        rebuilt = build(REFERENCE, curation, committed["_meta"]["data_version"])
        assert json.loads(json.dumps(rebuilt)) == committed, f"run: python -m states.build_data (stale {name})"


def test_missing_reference_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(globals(), "REFERENCE", tmp_path / "absent")
    with pytest.raises(pytest.fail.Exception, match=r"reference file .* is missing"):
        _load("sefaz-endpoints-nfe.json")


def test_no_uf_is_special_cased_in_code() -> None:
    """Per-UF behaviour lives in the data (flags, tables), never in `if uf == "SP"`."""
    siglas = "|".join(u.sigla for u in states.all_ufs())
    pattern = re.compile(rf"""(==|!=|\bin)\s*[\(\[{{]?\s*["']({siglas})["']""")
    sources = [*(REPO_ROOT / "states").glob("*.py"), REPO_ROOT / "cli" / "states.py"]
    offenders = [f"{p.name}:{n}" for p in sources for n, line in enumerate(p.read_text().splitlines(), 1)
                 if pattern.search(line)]  # fmt: skip
    assert offenders == []
