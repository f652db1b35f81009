"""NFeRecepcaoEvento4 (cancel, cancel por substituição, CC-e), EPEC at the AN, inutilização, cadastro,
and the consulta of everything."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from .sefazclient import (
    N,
    assert_schema_valid,
    chave_of,
    cons_sit,
    env_evento,
    envi_nfe,
    epec_evento,
    evento,
    inut,
    proc_evento,
    root,
    signed_nfe,
    sub,
    verify_sefaz_signature,
)


def _authorize(sim, party, nnf, model="55"):
    nfe = signed_nfe(party.signer, model=model, cnpj=party.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    ret = party.client.call("SP", model, "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url).ret()
    inf = ret.find("n:protNFe/n:infProt", N)
    assert inf.findtext("n:cStat", namespaces=N) == "100"
    return chave_of(nfe), inf.findtext("n:nProt", namespaces=N)


EPEC_XSD = "evento_epec_v1.00/"


def _event(sim, party, ev, model="55", **kwargs):
    service = kwargs.pop("service", "NFeRecepcaoEvento4")
    ret = party.client.call(kwargs.pop("uf", "SP"), model, service, env_evento(ev), base=sim.url, **kwargs).ret()
    assert_schema_valid(ret)
    if service == "RecepcaoEvento_EPEC":  # the AN's answer also conforms to the EPEC's own ret XSD
        assert_schema_valid(ret, EPEC_XSD + "retEnvEPEC_v1.00.xsd")
    assert ret.findtext("n:cStat", namespaces=N) == "128"
    return ret.find("n:retEvento", N)


def _cstat(ret_evento):
    return ret_evento.findtext("n:infEvento/n:cStat", namespaces=N)


def test_cancel_is_135_then_218_and_the_consulta_shows_101_with_the_event(sim, emitter, nnf):
    chave, n_prot = _authorize(sim, emitter, nnf)
    cancel = evento(
        emitter.signer, chave=chave, cnpj=emitter.cnpj, tp="110111", seq=1, dh=datetime.now(UTC), n_prot=n_prot
    )
    ret = _event(sim, emitter, cancel)
    assert _cstat(ret) == "135"
    verify_sefaz_signature(ret, sim.ca_pem_path)
    assert _cstat(_event(sim, emitter, cancel)) == "218"

    sit = emitter.client.call("SP", "55", "NFeConsultaProtocolo4", cons_sit(chave), base=sim.url).ret()
    assert_schema_valid(sit)
    assert sit.findtext("n:cStat", namespaces=N) == "101"
    [proc] = sit.findall("n:procEventoNFe", N)
    assert proc.findtext("n:retEvento/n:infEvento/n:cStat", namespaces=N) == "135"
    assert proc.findtext("n:evento/n:infEvento/n:tpEvento", namespaces=N) == "110111"


def test_cancel_with_another_protocol_is_222_and_of_unknown_nfe_is_217(sim, emitter, nnf):
    chave, n_prot = _authorize(sim, emitter, nnf)
    wrong = evento(
        emitter.signer,
        chave=chave,
        cnpj=emitter.cnpj,
        tp="110111",
        seq=1,
        dh=datetime.now(UTC),
        n_prot="135000000000000",
    )
    assert _cstat(_event(sim, emitter, wrong)) == "222"
    emitter.client.control("POST", "/_control/reset")
    unknown = evento(
        emitter.signer, chave=chave, cnpj=emitter.cnpj, tp="110111", seq=1, dh=datetime.now(UTC), n_prot=n_prot
    )
    assert _cstat(_event(sim, emitter, unknown)) == "217"


def test_nfe_cancel_after_24_hours_is_501(sim, emitter, nnf):
    chave, n_prot = _authorize(sim, emitter, nnf)
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 90000})
    cancel = evento(
        emitter.signer, chave=chave, cnpj=emitter.cnpj, tp="110111", seq=1, dh=datetime.now(UTC), n_prot=n_prot
    )
    assert _cstat(_event(sim, emitter, cancel)) == "501"


def test_nfce_cancel_window_is_30_minutes(sim, emitter, nnf):
    chave, n_prot = _authorize(sim, emitter, nnf, model="65")
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 31 * 60})
    cancel = evento(
        emitter.signer, chave=chave, cnpj=emitter.cnpj, tp="110111", seq=1, dh=datetime.now(UTC), n_prot=n_prot
    )
    assert _cstat(_event(sim, emitter, cancel, model="65")) == "501"
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 29 * 60})
    assert _cstat(_event(sim, emitter, cancel, model="65")) == "135"


def test_cancel_of_another_emitters_nfe_is_574(sim, emitter, other, nnf):
    chave, n_prot = _authorize(sim, emitter, nnf)
    cancel = evento(other.signer, chave=chave, cnpj=other.cnpj, tp="110111", seq=1, dh=datetime.now(UTC), n_prot=n_prot)
    assert _cstat(_event(sim, other, cancel)) == "574"


def test_event_signed_by_another_cnpj_is_213(sim, emitter, other, nnf):
    chave, n_prot = _authorize(sim, emitter, nnf)
    cancel = evento(
        other.signer, chave=chave, cnpj=emitter.cnpj, tp="110111", seq=1, dh=datetime.now(UTC), n_prot=n_prot
    )
    assert _cstat(_event(sim, emitter, cancel)) == "213"


def test_cce_sequence_135_then_573_for_a_repeated_sequence_and_784_on_nfce(sim, emitter, nnf):
    chave, _ = _authorize(sim, emitter, nnf)
    first = evento(emitter.signer, chave=chave, cnpj=emitter.cnpj, tp="110110", seq=1, dh=datetime.now(UTC))
    assert _cstat(_event(sim, emitter, first)) == "135"
    second = evento(
        emitter.signer,
        chave=chave,
        cnpj=emitter.cnpj,
        tp="110110",
        seq=2,
        dh=datetime.now(UTC),
        x_corr="Segunda correcao do endereco de entrega",
    )
    assert _cstat(_event(sim, emitter, second)) == "135"
    assert _cstat(_event(sim, emitter, first)) == "573"

    nfce, _ = _authorize(sim, emitter, nnf + 1, model="65")
    cce = evento(emitter.signer, chave=nfce, cnpj=emitter.cnpj, tp="110110", seq=1, dh=datetime.now(UTC))
    assert _cstat(_event(sim, emitter, cce, model="65")) == "784"


def test_cce_outside_its_schema_is_493(sim, emitter, nnf):
    chave, _ = _authorize(sim, emitter, nnf)
    short = evento(
        emitter.signer, chave=chave, cnpj=emitter.cnpj, tp="110110", seq=1, dh=datetime.now(UTC), x_corr="curta"
    )
    assert _cstat(_event(sim, emitter, short)) == "493"


def test_cancel_por_substituicao_of_an_nfce(sim, emitter, nnf):
    original, n_prot = _authorize(sim, emitter, nnf, model="65")
    substitute, _ = _authorize(sim, emitter, nnf + 1, model="65")
    ev = evento(
        emitter.signer,
        chave=original,
        cnpj=emitter.cnpj,
        tp="110112",
        seq=1,
        dh=datetime.now(UTC),
        n_prot=n_prot,
        ch_ref=substitute,
    )
    # Allowed past the 30 min of a plain NFC-e cancel: the substitution window is 168 h (NT 2018.004).
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 3 * 3600})
    assert _cstat(_event(sim, emitter, ev, model="65")) == "135"
    assert _cstat(_event(sim, emitter, ev, model="65")) == "218"


def test_cancel_por_substituicao_after_168_hours_is_501(sim, emitter, nnf):
    original, n_prot = _authorize(sim, emitter, nnf, model="65")
    substitute, _ = _authorize(sim, emitter, nnf + 1, model="65")
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 169 * 3600})
    ev = evento(
        emitter.signer,
        chave=original,
        cnpj=emitter.cnpj,
        tp="110112",
        seq=1,
        dh=datetime.now(UTC),
        n_prot=n_prot,
        ch_ref=substitute,
    )
    assert _cstat(_event(sim, emitter, ev, model="65")) == "501"


def test_epec_is_registered_at_the_an(sim, emitter, nnf):
    from .sefazclient import chave_of, epec_evento, make_nfe

    nfe = make_nfe(model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC), dest_cnpj="98765432000198",
                   tp_emis="4")
    chave = chave_of(nfe)
    assert chave[34] == "4" and chave[:2] == "35"
    ev = epec_evento(emitter.signer, nfe)
    ret = _event(sim, emitter, ev, service="RecepcaoEvento_EPEC")
    assert _cstat(ret) == "136", ret.findtext("n:infEvento/n:xMotivo", namespaces=N)
    assert ret.findtext("n:infEvento/n:nProt", namespaces=N).startswith("891")
    # leiauteEPEC TRetEvento: cOrgaoAutor (the author's UF) is required, before dhRegEvento.
    assert ret.findtext("n:infEvento/n:cOrgaoAutor", namespaces=N) == "35"
    verify_sefaz_signature(ret, sim.ca_pem_path)
    assert_schema_valid(proc_evento(ev, ret), EPEC_XSD + "procEPEC_v1.00.xsd")
    repeated = _event(sim, emitter, ev, service="RecepcaoEvento_EPEC")  # also schema-checked by _event
    assert _cstat(repeated) == "573"
    assert repeated.findtext("n:infEvento/n:cOrgaoAutor", namespaces=N) == "35"
    assert emitter.client.control("GET", "/_control/documents")["epec"][0]["chNFe"] == chave



def _authorize_epec_nfe(sim, party, nfe):
    ret = party.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url).ret()
    inf = ret.find("n:protNFe/n:infProt", N)
    return inf.findtext("n:cStat", namespaces=N), inf.findtext("n:xMotivo", namespaces=N)


def test_epec_nfe_without_its_epec_is_468(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC), tp_emis="4")
    assert _authorize_epec_nfe(sim, emitter, nfe) == (
        "468",
        "Rejeição: NF-e com Tipo Emissão = 4, sem EPEC correspondente",
    )


def test_epec_nfe_differing_from_its_epec_is_467_naming_the_tag_and_the_same_data_is_100(sim, emitter, nnf):
    from .sefazclient import make_nfe

    nfe = make_nfe(
        model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC), dest_cnpj="98765432000198", tp_emis="4"
    )
    ret = _event(sim, emitter, epec_evento(emitter.signer, copy.deepcopy(nfe)), service="RecepcaoEvento_EPEC")
    assert _cstat(ret) == "136"

    def changed(path, value):
        other = copy.deepcopy(nfe)
        other.find(path, N).text = value
        return emitter.signer.sign(other, other.find("n:infNFe", N))

    more = changed("n:infNFe/n:total/n:ICMSTot/n:vNF", "999.99")
    assert _authorize_epec_nfe(sim, emitter, more) == ("467", "Rejeição: Dados da NF-e divergentes do EPEC [tag:vNF]")
    other_ie = changed("n:infNFe/n:emit/n:IE", "110042490115")
    assert _authorize_epec_nfe(sim, emitter, other_ie)[1].endswith("[tag:emit/IE]")
    other_uf = changed("n:infNFe/n:dest/n:enderDest/n:UF", "RJ")
    assert _authorize_epec_nfe(sim, emitter, other_uf)[1].endswith("[tag:dest/enderDest/UF]")
    same = emitter.signer.sign(nfe, nfe.find("n:infNFe", N))
    assert _authorize_epec_nfe(sim, emitter, same)[0] == "100"



def test_epec_of_a_blocked_emitter_is_142_listing_its_pending_epecs(sim, emitter, nnf):
    def nfe(number):
        now = datetime.now(UTC)
        return signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=number, dh_emi=now, tp_emis="4")

    pending = nfe(nnf)
    ret = _event(sim, emitter, epec_evento(emitter.signer, pending), service="RecepcaoEvento_EPEC")
    assert _cstat(ret) == "136"
    assert emitter.client.control("POST", "/_control/epec-block", {"cnpj": emitter.cnpj}) == {
        "epec_blocked": [emitter.cnpj]
    }
    # chNFePend is in the EPEC's own return layout only (leiauteEPEC), not in the generic event one.
    msg = env_evento(epec_evento(emitter.signer, nfe(nnf + 1)))
    env = emitter.client.call("SP", "55", "RecepcaoEvento_EPEC", msg, base=sim.url).ret()
    assert_schema_valid(env, EPEC_XSD + "retEnvEPEC_v1.00.xsd")
    ret = env.find("n:retEvento", N)
    assert _cstat(ret) == "142"
    blocked = "Ambiente de Contingência EPEC bloqueado para o Emitente"
    assert ret.findtext("n:infEvento/n:xMotivo", namespaces=N) == blocked
    assert ret.findtext("n:infEvento/n:nProt", namespaces=N) is None
    assert [e.text for e in ret.findall("n:infEvento/n:chNFePend", N)] == [chave_of(pending)]
    assert [e["chNFe"] for e in emitter.client.control("GET", "/_control/documents")["epec"]] == [chave_of(pending)]
    emitter.client.control("POST", "/_control/reset", {})
    ret = _event(sim, emitter, epec_evento(emitter.signer, nfe(nnf + 1)), service="RecepcaoEvento_EPEC")
    assert _cstat(ret) == "136"


def test_inutilizacao_102_then_563_same_range_256_overlap_241_used_number_206_on_authorization(sim, emitter, nnf):
    ano = f"{datetime.now(UTC):%y}"

    def send(ini, fin):
        msg = inut(emitter.signer, cnpj=emitter.cnpj, cuf="35", ano=ano, model="55", serie=7, ini=ini, fin=fin)
        ret = emitter.client.call("SP", "55", "NFeInutilizacao4", msg, base=sim.url).ret()
        assert_schema_valid(ret)
        return ret

    ok = send(10, 20)
    assert ok.findtext("n:infInut/n:cStat", namespaces=N) == "102"
    verify_sefaz_signature(ok, sim.ca_pem_path)
    assert send(10, 20).findtext("n:infInut/n:cStat", namespaces=N) == "563"
    assert send(15, 30).findtext("n:infInut/n:cStat", namespaces=N) == "256"

    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=40, serie=7, dh_emi=datetime.now(UTC))
    emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url)
    assert send(35, 45).findtext("n:infInut/n:cStat", namespaces=N) == "241"

    inutilized = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=12, serie=7, dh_emi=datetime.now(UTC))
    ret = emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([inutilized]), base=sim.url).ret()
    assert ret.findtext("n:protNFe/n:infProt/n:cStat", namespaces=N) == "206"


def test_inutilizacao_of_a_future_year_is_453(sim, emitter):
    ano = f"{(datetime.now(UTC).year + 1) % 100:02d}"
    msg = inut(emitter.signer, cnpj=emitter.cnpj, cuf="35", ano=ano, model="55", serie=1, ini=1, fin=2)
    assert emitter.client.call("SP", "55", "NFeInutilizacao4", msg, base=sim.url).cstat() == "453"


def _cons_cad(uf, cnpj):
    msg = root("ConsCad", "2.00")
    inf = sub(msg, "infCons")
    sub(inf, "xServ", "CONS-CAD")
    sub(inf, "UF", uf)
    sub(inf, "CNPJ", cnpj)
    return msg


def test_cadastro_knows_authorized_emitters_111_and_not_others_259(sim, emitter, other, nnf):
    _authorize(sim, emitter, nnf)
    ret = emitter.client.call("SP", "55", "CadConsultaCadastro4", _cons_cad("SP", emitter.cnpj), base=sim.url).ret()
    assert_schema_valid(ret)
    assert ret.findtext("n:infCons/n:cStat", namespaces=N) == "111"
    assert ret.findtext("n:infCons/n:infCad/n:IE", namespaces=N) == "110042490114"
    unknown = emitter.client.call("SP", "55", "CadConsultaCadastro4", _cons_cad("SP", other.cnpj), base=sim.url)
    assert unknown.cstat() == "259"


def test_event_dated_in_the_future_is_578_and_before_the_emission_is_577(sim, emitter, nnf):
    from datetime import timedelta

    chave, n_prot = _authorize(sim, emitter, nnf)
    future = evento(
        emitter.signer,
        chave=chave,
        cnpj=emitter.cnpj,
        tp="110111",
        seq=1,
        dh=datetime.now(UTC) + timedelta(hours=2),
        n_prot=n_prot,
    )
    assert _cstat(_event(sim, emitter, future)) == "578"
    before = evento(
        emitter.signer,
        chave=chave,
        cnpj=emitter.cnpj,
        tp="110111",
        seq=1,
        dh=datetime.now(UTC) - timedelta(hours=2),
        n_prot=n_prot,
    )
    assert _cstat(_event(sim, emitter, before)) == "577"
