"""Every service on the route of every UF x model: authorization, consulta, cancel, inutilização and
cadastro (where the registry offers it) all answer as the UF's own authorizer would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import states

from .sefazclient import (
    N,
    assert_schema_valid,
    authorizer_offset,
    chave_of,
    cons_sit,
    env_evento,
    envi_nfe,
    evento,
    inut,
    proc_evento,
    root,
    signed_nfe,
    sub,
)

ALL_UFS = [u.sigla for u in states.all_ufs()]


@pytest.mark.parametrize("model", ["55", "65"])
@pytest.mark.parametrize("uf", ALL_UFS)
def test_document_lifecycle_on_every_uf_route(sim, emitter, uf: str, model: str) -> None:
    cuf = states.uf(uf).codigo
    now = datetime.now(UTC)
    nfe = signed_nfe(emitter.signer, model=model, cnpj=emitter.cnpj, nnf=1, dh_emi=now, uf=uf)
    ret = emitter.client.call(uf, model, "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url).ret()
    assert_schema_valid(ret)
    assert ret.findtext("n:protNFe/n:infProt/n:cStat", namespaces=N) == "100"
    n_prot = ret.findtext("n:protNFe/n:infProt/n:nProt", namespaces=N)
    assert n_prot[1:3] == cuf

    sit = emitter.client.call(uf, model, "NFeConsultaProtocolo4", cons_sit(chave_of(nfe)), base=sim.url)
    assert sit.cstat() == "100"

    # Stamps on the authorizer's clock (SVRS answers an AC document in Brasília time, AM its own -04:00).
    autorizador = states.uf(uf).autorizador(model)
    dh_recbto = datetime.fromisoformat(ret.findtext("n:protNFe/n:infProt/n:dhRecbto", namespaces=N))
    assert dh_recbto.utcoffset() == authorizer_offset(autorizador, dh_recbto)

    cancel = evento(emitter.signer, chave=chave_of(nfe), cnpj=emitter.cnpj, tp="110111", seq=1, dh=now, n_prot=n_prot)
    ev = emitter.client.call(uf, model, "NFeRecepcaoEvento4", env_evento(cancel), base=sim.url).ret()
    assert_schema_valid(ev)
    ret_evento = ev.find("n:retEvento", N)
    assert ret_evento.findtext("n:infEvento/n:cStat", namespaces=N) == "135"
    dh_reg = datetime.fromisoformat(ret_evento.findtext("n:infEvento/n:dhRegEvento", namespaces=N))
    assert dh_reg.utcoffset() == authorizer_offset(autorizador, dh_reg)
    # The procEventoNFe a client assembles validates against the cancelamento's own proc XSD, whose
    # dhRegEvento pattern only takes -01:00..-04:00 (so an AC stamp of -05:00 could never be stored).
    assert_schema_valid(proc_evento(cancel, ret_evento), "evento_cancel_v1.00/procEventoCancNFe_v1.00.xsd")

    msg = inut(emitter.signer, cnpj=emitter.cnpj, cuf=cuf, ano=f"{now:%y}", model=model, serie=1, ini=2, fin=3)
    assert emitter.client.call(uf, model, "NFeInutilizacao4", msg, base=sim.url).cstat() == "102"

    if "CadConsultaCadastro4" in states.offered_services(uf, model, "homologacao"):
        cons = root("ConsCad", "2.00")
        inf = sub(cons, "infCons")
        sub(inf, "xServ", "CONS-CAD")
        sub(inf, "UF", uf)
        sub(inf, "CNPJ", emitter.cnpj)
        assert emitter.client.call(uf, model, "CadConsultaCadastro4", cons, base=sim.url).cstat() == "111"
