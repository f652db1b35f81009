"""NFeAutorizacao4 / NFeRetAutorizacao4 / NFeConsultaProtocolo4: authorization, duplicates, denial,
signature and chave checks, asynchronous batches."""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import UTC, datetime, timedelta

import simulator

from .sefazclient import (
    DS,
    N,
    assert_schema_valid,
    chave_of,
    cons_reci,
    cons_sit,
    envi_nfe,
    make_nfe,
    signed_nfe,
    verify_sefaz_signature,
)


def _send(sim, party, nfes, *, model="55", uf="SP", ind_sinc="1"):
    ret = party.client.call(uf, model, "NFeAutorizacao4", envi_nfe(nfes, ind_sinc=ind_sinc), base=sim.url).ret()
    assert_schema_valid(ret)
    return ret


def _prot(ret):
    return ret.find("n:protNFe/n:infProt", N)


def test_nfe_is_authorized_with_a_signed_protocol_then_resent_is_204_with_the_original_nprot(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    ret = _send(sim, emitter, [nfe])
    assert ret.findtext("n:cStat", namespaces=N) == "104"
    inf = _prot(ret)
    assert inf.findtext("n:cStat", namespaces=N) == "100"
    n_prot = inf.findtext("n:nProt", namespaces=N)
    assert len(n_prot) == 15 and n_prot[1:3] == "35"
    # digVal is the DigestValue of the NF-e's own signature.
    assert inf.findtext("n:digVal", namespaces=N) == nfe.findtext(
        f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}Reference/{{{DS}}}DigestValue"
    )
    verify_sefaz_signature(ret.find("n:protNFe", N), sim.ca_pem_path)

    again = _prot(_send(sim, emitter, [nfe]))
    assert again.findtext("n:cStat", namespaces=N) == "204"
    assert f"[nProt:{n_prot}]" in again.findtext("n:xMotivo", namespaces=N)


def test_same_number_with_another_chave_is_539(sim, emitter, nnf):
    now = datetime.now(UTC)
    first = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now, cnf="11111111")
    assert _prot(_send(sim, emitter, [first])).findtext("n:cStat", namespaces=N) == "100"
    second = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now, cnf="22222222")
    inf = _prot(_send(sim, emitter, [second]))
    assert inf.findtext("n:cStat", namespaces=N) == "539"
    assert chave_of(first) in inf.findtext("n:xMotivo", namespaces=N)


def test_tampered_document_is_297(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    nfe.find("n:infNFe/n:emit/n:xNome", N).text = "OUTRO NOME"
    assert _prot(_send(sim, emitter, [nfe])).findtext("n:cStat", namespaces=N) == "297"


def test_signature_over_another_reference_is_298(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    nfe.find(f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}Reference").set("URI", "#NFe" + "0" * 44)
    assert _prot(_send(sim, emitter, [nfe])).findtext("n:cStat", namespaces=N) == "298"


def test_document_of_another_cnpj_signed_by_the_transmitter_is_213(sim, emitter, other, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=other.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    assert _prot(_send(sim, emitter, [nfe])).findtext("n:cStat", namespaces=N) == "213"


def test_chave_with_a_wrong_check_digit_is_236_and_inconsistent_chave_is_502(sim, emitter, nnf):
    nfe = make_nfe(model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    inf = nfe.find("n:infNFe", N)
    chave = inf.get("Id")[3:]
    bad_dv = str((int(chave[-1]) + 1) % 10)
    inf.set("Id", f"NFe{chave[:43]}{bad_dv}")
    nfe.find("n:infNFe/n:ide/n:cDV", N).text = bad_dv
    emitter.signer.sign(nfe, inf)
    assert _prot(_send(sim, emitter, [nfe])).findtext("n:cStat", namespaces=N) == "236"

    nfe = make_nfe(model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    nfe.find("n:infNFe/n:ide/n:nNF", N).text = str(nnf + 1)  # chave no longer matches ide
    emitter.signer.sign(nfe, nfe.find("n:infNFe", N))
    assert _prot(_send(sim, emitter, [nfe])).findtext("n:cStat", namespaces=N) == "502"


def test_nfe_sent_to_the_nfce_service_is_rejected_775(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    assert _prot(_send(sim, emitter, [nfe], model="65")).findtext("n:cStat", namespaces=N) == "775"


def test_emission_dates_future_703_nfce_late_704_nfe_late_228(sim, emitter, nnf):
    now = datetime.now(UTC)
    future = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now + timedelta(hours=1))
    assert _prot(_send(sim, emitter, [future])).findtext("n:cStat", namespaces=N) == "703"
    late_nfce = signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now - timedelta(minutes=10))
    assert _prot(_send(sim, emitter, [late_nfce], model="65")).findtext("n:cStat", namespaces=N) == "704"
    old_nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now - timedelta(days=31))
    assert _prot(_send(sim, emitter, [old_nfe])).findtext("n:cStat", namespaces=N) == "228"


def test_denied_emitter_301_and_recipient_302_consume_the_number(sim, emitter, other, nnf):
    now = datetime.now(UTC)
    emitter.client.control("POST", "/_control/deny", {"cnpj": other.cnpj})
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now, dest_cnpj=other.cnpj)
    inf = _prot(_send(sim, emitter, [nfe]))
    assert inf.findtext("n:cStat", namespaces=N) == "302"
    assert inf.findtext("n:nProt", namespaces=N)
    again = _prot(_send(sim, emitter, [nfe]))
    assert again.findtext("n:cStat", namespaces=N) == "205"

    emitter.client.control("POST", "/_control/deny", {"cnpj": emitter.cnpj})
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf + 1, dh_emi=now)
    assert _prot(_send(sim, emitter, [nfe])).findtext("n:cStat", namespaces=N) == "301"


def test_svrs_authorizes_for_a_uf_it_serves_and_refuses_a_uf_it_does_not(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC), uf="BA")
    inf = _prot(_send(sim, emitter, [nfe], model="65", uf="BA"))
    assert inf.findtext("n:cStat", namespaces=N) == "100"
    assert inf.findtext("n:nProt", namespaces=N)[1:3] == "29"
    sp = signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC), uf="SP")
    assert _prot(_send(sim, emitter, [sp], model="65", uf="BA")).findtext("n:cStat", namespaces=N) == "226"


def test_sync_batch_with_two_documents_is_764(sim, emitter, nnf):
    now = datetime.now(UTC)
    docs = [signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf + i, dh_emi=now) for i in range(2)]
    assert _send(sim, emitter, docs).findtext("n:cStat", namespaces=N) == "764"


def test_async_batch_of_50_gives_a_recibo_then_104_with_every_protocol(sim, emitter, nnf):
    now = datetime.now(UTC)
    docs = [signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf * 100 + i, dh_emi=now) for i in range(50)]
    ret = _send(sim, emitter, docs, ind_sinc="0")
    assert ret.findtext("n:cStat", namespaces=N) == "103"
    n_rec = ret.findtext("n:infRec/n:nRec", namespaces=N)
    assert ret.findtext("n:infRec/n:tMed", namespaces=N) == "1"
    result = emitter.client.call("SP", "55", "NFeRetAutorizacao4", cons_reci(n_rec), base=sim.url).ret()
    assert_schema_valid(result)
    assert result.findtext("n:cStat", namespaces=N) == "104"
    prots = result.findall("n:protNFe/n:infProt", N)
    assert [p.findtext("n:chNFe", namespaces=N) for p in prots] == [chave_of(d) for d in docs]
    assert {p.findtext("n:cStat", namespaces=N) for p in prots} == {"100"}
    unknown = emitter.client.call("SP", "55", "NFeRetAutorizacao4", cons_reci("351000000099999"), base=sim.url)
    assert unknown.cstat() == "106"


def test_recibo_is_only_for_the_transmitter_of_the_batch_223_and_its_authorizer_248(sim, emitter, other, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    n_rec = _send(sim, emitter, [nfe], ind_sinc="0").findtext("n:infRec/n:nRec", namespaces=N)
    assert other.client.call("SP", "55", "NFeRetAutorizacao4", cons_reci(n_rec), base=sim.url).cstat() == "223"
    assert emitter.client.call("RS", "55", "NFeRetAutorizacao4", cons_reci(n_rec), base=sim.url).cstat() == "248"


def test_async_batch_is_105_until_processed(sim, emitter, nnf):
    slow = simulator.start(pki_dir=sim.pki.directory, batch_delay_s=0.6)
    client = emitter.client.for_url(slow.url)
    try:
        nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
        ret = client.call("SP", "55", "NFeAutorizacao4", envi_nfe([nfe], ind_sinc="0"), base=slow.url).ret()
        n_rec = ret.findtext("n:infRec/n:nRec", namespaces=N)
        assert client.call("SP", "55", "NFeRetAutorizacao4", cons_reci(n_rec), base=slow.url).cstat() == "105"
        time.sleep(0.7)
        assert client.call("SP", "55", "NFeRetAutorizacao4", cons_reci(n_rec), base=slow.url).cstat() == "104"
    finally:
        slow.stop()


def test_consulta_returns_the_stored_protocol_and_217_for_unknown_chave(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    n_prot = _prot(_send(sim, emitter, [nfe], model="65")).findtext("n:nProt", namespaces=N)
    ret = emitter.client.call("SP", "65", "NFeConsultaProtocolo4", cons_sit(chave_of(nfe)), base=sim.url).ret()
    assert_schema_valid(ret)
    assert ret.findtext("n:cStat", namespaces=N) == "100"
    assert ret.findtext("n:protNFe/n:infProt/n:nProt", namespaces=N) == n_prot
    verify_sefaz_signature(ret.find("n:protNFe", N), sim.ca_pem_path)
    unknown = chave_of(nfe)[:-1]
    unknown = unknown[:-5] + "99999"
    from .sefazclient import chave_dv

    unknown = unknown + chave_dv(unknown)
    assert emitter.client.call("SP", "65", "NFeConsultaProtocolo4", cons_sit(unknown), base=sim.url).cstat() == "217"
    bad_dv = chave_of(nfe)[:43] + str((int(chave_of(nfe)[43]) + 1) % 10)
    assert emitter.client.call("SP", "65", "NFeConsultaProtocolo4", cons_sit(bad_dv), base=sim.url).cstat() == "236"


def test_documents_control_endpoint_lists_what_was_authorized(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    _send(sim, emitter, [nfe])
    listing = emitter.client.control("GET", "/_control/documents")
    [doc] = listing["documents"]
    assert doc["chNFe"] == chave_of(nfe) and doc["cStat"] == "100" and doc["nNF"] == nnf
    digest = base64.b64decode(doc["digVal"])
    assert len(digest) == hashlib.sha1().digest_size


def test_concurrent_sends_of_one_number_authorize_exactly_once(sim, emitter, nnf):
    """8 callers race with 8 different chaves for the same number: one 100, the others 539."""
    from concurrent.futures import ThreadPoolExecutor

    now = datetime.now(UTC)
    docs = [
        signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now, cnf=f"{i + 1:08d}")
        for i in range(8)
    ]

    def send(doc):
        ret = emitter.client.call("SP", "65", "NFeAutorizacao4", envi_nfe([doc]), base=sim.url).ret()
        return _prot(ret).findtext("n:cStat", namespaces=N)

    with ThreadPoolExecutor(8) as pool:
        results = sorted(pool.map(send, docs))
    assert results == ["100"] + ["539"] * 7


def test_consulta_of_a_chave_with_an_unknown_cuf_is_614_and_an_unknown_model_is_618(sim, emitter):
    from .sefazclient import chave_dv

    bad_uf = "99" + "2612" + emitter.cnpj + "55" + "001" + "000000001" + "1" + "12345678"
    bad_model = "35" + "2612" + emitter.cnpj + "57" + "001" + "000000001" + "1" + "12345678"
    for first43, expected in ((bad_uf, "614"), (bad_model, "618")):
        chave = first43 + chave_dv(first43)
        resp = emitter.client.call("SP", "55", "NFeConsultaProtocolo4", cons_sit(chave), base=sim.url)
        assert resp.cstat() == expected


def test_svc_an_takes_tpemis_6_and_rejects_a_normal_emission_with_713(sim, emitter, nnf):
    from .sefazclient import chave_dv

    now = datetime.now(UTC)
    normal = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now)
    ret = emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([normal]), base=sim.url, contingency=True).ret()
    assert _prot(ret).findtext("n:cStat", namespaces=N) == "713"

    svc = make_nfe(model="55", cnpj=emitter.cnpj, nnf=nnf + 1, dh_emi=now)
    inf = svc.find("n:infNFe", N)
    ide = inf.find("n:ide", N)
    ide.find("n:tpEmis", N).text = "6"
    for name, value in (
        ("dhCont", now.astimezone().replace(microsecond=0).isoformat()),
        ("xJust", "SEFAZ de origem fora do ar no momento da emissao"),
    ):
        el = ide.makeelement(f"{{{N['n']}}}{name}")
        el.text = value
        ide.append(el)
    first43 = inf.get("Id")[3:37] + "6" + inf.get("Id")[38:46]
    dv = chave_dv(first43)
    inf.set("Id", f"NFe{first43}{dv}")
    ide.find("n:cDV", N).text = dv
    emitter.signer.sign(svc, inf)
    ret = emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([svc]), base=sim.url, contingency=True).ret()
    assert _prot(ret).findtext("n:cStat", namespaces=N) == "100", _prot(ret).findtext("n:xMotivo", namespaces=N)
