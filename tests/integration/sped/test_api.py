"""GET /v1/sped/efd and /v1/sped/package on both databases: the month emitted through the real
pipeline gives a file our validator accepts, byte-identical to the same month exported from the
folder of its XMLs; roles, tenant isolation, missing/invalid configuration."""

from __future__ import annotations

import io
import zipfile

from adapters import sped_source
from engine.sped import PastaXml, escrever_efd, escrever_pacote, periodo, validar_bytes
from tests.integration.sped.conftest import SPED_CONFIG, Month


def _folder_efd(month: Month) -> bytes:
    inicio, fim = periodo(month.period)
    with month.resources.db.read() as conn:
        row = sped_source.resolver_emitente(conn, month.env.cnpj, tenant_id="t1")
        assert row is not None
        estab = sped_source.estabelecimento(conn, row)
    out = io.BytesIO()
    escrever_efd(PastaXml(month.folder), estab, inicio, fim, out)
    return out.getvalue()


def _c100(efd: bytes) -> list[list[str]]:
    return [line.split("|") for line in efd.decode("latin-1").split("\r\n") if line.startswith("|C100|")]


def test_efd_from_the_database_is_valid_and_equals_the_folder_export(month: Month) -> None:
    r = month.client.get("/v1/sped/efd", params={"emitter": month.env.cnpj, "period": month.period},
                         headers=month.h("t1", "accountant"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].lower() == "text/plain; charset=iso-8859-1"
    yyyymm = month.period.replace("-", "")
    assert r.headers["content-disposition"] == (
        f'attachment; filename="EFD-ICMS-IPI_{month.env.cnpj}_111222333444_{yyyymm}.txt"')
    efd = r.content
    assert [f for f in validar_bytes(efd) if f.severity == "error"] == []
    assert efd == _folder_efd(month)
    c100 = {row[9]: row for row in _c100(efd)}  # by CHV_NFE
    assert set(c100) == set(month.chaves.values())  # voided numbers: COD_SIT 05 only up to 2022
    assert c100[month.chaves["venda-3"]][6] == "02"  # cancelled
    assert c100[month.chaves["offline-1"]][6] == "00"  # off-line NFC-e, not yet transmitted: regular
    assert c100[month.chaves["nfe-1"]][5] == "55" and c100[month.chaves["nfe-1"]][6] == "00"  # with its CC-e
    assert int(r.headers["x-efd-documentos"]) == 6
    # Ordered by (date, model, series, number) — the earlier-dated NF-e with the higher number first.
    # (A cancelled C100 carries no DT_DOC: Guia 3.1.8, C100 Exceção 1.)
    datados = [row for row in _c100(efd) if row[10]]
    keys = [(row[10][4:] + row[10][2:4] + row[10][:2], row[5], int(row[7]), int(row[8])) for row in datados]
    assert keys == sorted(keys)
    chaves = [row[9] for row in datados]
    if keys[0][0] != keys[-1][0]:  # not when the test runs on the month's first day (same date)
        assert chaves.index(month.chaves["nfe-2"]) < chaves.index(month.chaves["nfe-1"])


def test_admin_may_export_too_and_the_emitter_id_works_like_the_cnpj(month: Month) -> None:
    by_cnpj = month.client.get("/v1/sped/efd", params={"emitter": month.env.cnpj, "period": month.period},
                               headers=month.h("t1", "accountant"))
    by_id = month.client.get("/v1/sped/efd", params={"emitter": month.env.emitter_id, "period": month.period},
                             headers=month.h("t1", "admin"))
    assert by_id.status_code == 200 and by_id.content == by_cnpj.content
    # Exports and the configuration are in the tenant's audit trail.
    r = month.client.get("/v1/audit", headers=month.h("t1", "admin"))
    assert r.status_code == 200, r.text
    actions = {e["action"] for e in r.json()["items"]}
    assert {"sped.config", "sped.efd.export"} <= actions


def test_package_from_the_database_holds_the_same_files_as_the_folder_package(month: Month) -> None:
    r = month.client.get("/v1/sped/package", params={"emitter": month.env.cnpj, "period": month.period},
                         headers=month.h("t1", "accountant"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == f'attachment; filename="XML-{month.env.cnpj}-{month.period}.zip"'
    got = zipfile.ZipFile(io.BytesIO(r.content))
    inicio, fim = periodo(month.period)
    ref = io.BytesIO()
    escrever_pacote(month.folder, inicio, fim, ref, cnpj=month.env.cnpj)
    want = zipfile.ZipFile(ref)
    assert sorted(got.namelist()) == sorted(want.namelist())
    for name in want.namelist():
        assert got.read(name) == want.read(name), name
    names = got.namelist()
    assert sum(n.endswith("-nfeProc.xml") for n in names) == 5
    assert sum(n.endswith("-nfe-contingencia.xml") for n in names) == 1
    assert any("-110111-" in n for n in names) and any("-110110-" in n for n in names)
    assert any(n.startswith("65/inutilizacoes/") and n.endswith("-000000050-000000052-procInutNFe.xml")
               for n in names)
    csv_lines = got.read("resumo.csv").decode("utf-8-sig").splitlines()
    assert csv_lines[0].startswith("modelo;serie;numero;chave")
    assert len(csv_lines) == 1 + 6 + 1  # header, six documents, one voided range
    assert any(";cancelada;" in line for line in csv_lines) and any(";50-52;" in line for line in csv_lines)


def test_pdv_and_auditor_may_not_export(month: Month) -> None:
    params = {"emitter": month.env.cnpj, "period": month.period}
    for role in ("pdv", "auditor"):
        for path in ("/v1/sped/efd", "/v1/sped/package"):
            r = month.client.get(path, params=params, headers=month.h("t1", role))
            assert r.status_code == 403, (role, path, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
    assert month.client.get("/v1/sped/efd", params=params).status_code == 401


def test_another_tenants_emitter_is_not_found(month: Month) -> None:
    for emitter in (month.env.cnpj, month.env.emitter_id):
        for path in ("/v1/sped/efd", "/v1/sped/package"):
            r = month.client.get(path, params={"emitter": emitter, "period": month.period},
                                 headers=month.h("t2", "accountant"))
            assert r.status_code == 404, r.text
            assert r.json()["code"] == "EMITENTE_NAO_ENCONTRADO"
    r = month.client.put(f"/v1/sped/config/{month.env.emitter_id}", json=SPED_CONFIG, headers=month.h("t2", "admin"))
    assert r.status_code == 404


def test_missing_configuration_is_a_422_in_portuguese(month: Month) -> None:
    r = month.client.get("/v1/sped/efd", params={"emitter": month.other_emitter_id, "period": month.period},
                         headers=month.h("t1", "accountant"))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "SPED_CONFIGURACAO_AUSENTE"
    assert "não tem configuração da EFD" in body["detail"] and "IND_PERFIL" in body["detail"]


def test_invalid_configuration_is_refused_naming_the_field_and_only_the_admin_sets_it(month: Month) -> None:
    bad = {**SPED_CONFIG, "fone": "551130305050", "ind_perfil": "D"}
    r = month.client.put(f"/v1/sped/config/{month.other_emitter_id}", json=bad, headers=month.h("t1", "admin"))
    assert r.status_code == 422, r.text
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"fone", "ind_perfil"} <= fields
    r = month.client.put(f"/v1/sped/config/{month.other_emitter_id}", json=SPED_CONFIG,
                         headers=month.h("t1", "accountant"))
    assert r.status_code == 403
    r = month.client.get(f"/v1/sped/config/{month.env.emitter_id}", headers=month.h("t1", "accountant"))
    assert r.status_code == 200 and r.json()["config"]["ind_perfil"] == "A"


def test_bad_period_is_a_422(month: Month) -> None:
    r = month.client.get("/v1/sped/efd", params={"emitter": month.env.cnpj, "period": "2026-13"},
                         headers=month.h("t1", "accountant"))
    assert r.status_code == 422 and r.json()["code"] == "PERIODO_INVALIDO"
