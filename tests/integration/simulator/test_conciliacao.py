"""ECONF (evento 110750 Conciliação Financeira, NT 2024.002) at the simulator, built here with lxml and
xmlsec only: an NF-e's event goes to the SVRS with cOrgao 92, an NFC-e's to the UF; 135 for an
authorized document, 573 for a repeated nSeqEvento, 217 unknown, 218 cancelled, 226 wrong receiver,
493 bad detEvento."""

from __future__ import annotations

from datetime import UTC, datetime

import states

from .sefazclient import N, assert_schema_valid, env_evento, evento, root, sub, verify_sefaz_signature
from .test_eventos import _authorize, _cstat

# A UF whose NF-e authorizer is the SVRS: its route is /SVRS/55/..., where every UF's ECONF of NF-e goes.
SVRS_UF = next(u.sigla for u in states.all_ufs() if u.nfe_autorizador == "SVRS")


def econf(party, chave: str, *, seq: int = 1, c_orgao: str | None = None, v_pag: str = "150.00"):  # type: ignore[no-untyped-def]
    ev = root("evento", "1.00")
    inf = sub(ev, "infEvento")
    inf.set("Id", f"ID110750{chave}{seq:02d}")
    dh = datetime.now(UTC).astimezone(states.uf(chave[:2]).zoneinfo()).replace(microsecond=0)
    orgao = c_orgao or ("92" if chave[20:22] == "55" else chave[:2])
    for name, value in (("cOrgao", orgao), ("tpAmb", "2"), ("CNPJ", party.cnpj), ("chNFe", chave),
                        ("dhEvento", dh.isoformat()), ("tpEvento", "110750"), ("nSeqEvento", str(seq)),
                        ("verEvento", "1.00")):
        sub(inf, name, value)
    det = sub(inf, "detEvento")
    det.set("versao", "1.00")
    sub(det, "descEvento", "ECONF")
    sub(det, "verAplic", "TESTE-1.0")
    pag = sub(det, "detPag")
    for name, value in (("tPag", "17"), ("vPag", v_pag), ("dPag", dh.date().isoformat()),
                        ("CNPJPag", "00000000000191"), ("UFPag", "DF"), ("cAut", "E0000000020261203abcdef")):
        sub(pag, name, value)
    return party.signer.sign(ev, inf)


def send(sim, party, ev, *, uf: str, model: str):  # type: ignore[no-untyped-def]
    ret = party.client.call(uf, model, "NFeRecepcaoEvento4", env_evento(ev), base=sim.url).ret()
    assert_schema_valid(ret)
    assert ret.findtext("n:cStat", namespaces=N) == "128"
    return ret.find("n:retEvento", N)


def test_nfe_econf_at_svrs_is_135_signed_then_573_for_the_same_sequence(sim, emitter, nnf):  # type: ignore[no-untyped-def]
    chave, _ = _authorize(sim, emitter, nnf)
    ret = send(sim, emitter, econf(emitter, chave), uf=SVRS_UF, model="55")
    assert _cstat(ret) == "135", ret.findtext("n:infEvento/n:xMotivo", namespaces=N)
    assert ret.findtext("n:infEvento/n:cOrgao", namespaces=N) == "92"
    assert ret.findtext("n:infEvento/n:tpEvento", namespaces=N) == "110750"
    verify_sefaz_signature(ret, sim.ca_pem_path)
    assert _cstat(send(sim, emitter, econf(emitter, chave), uf=SVRS_UF, model="55")) == "573"
    assert _cstat(send(sim, emitter, econf(emitter, chave, seq=2), uf=SVRS_UF, model="55")) == "135"


def test_nfe_econf_sent_to_the_uf_or_with_the_uf_code_is_226(sim, emitter, nnf):  # type: ignore[no-untyped-def]
    chave, _ = _authorize(sim, emitter, nnf)
    assert _cstat(send(sim, emitter, econf(emitter, chave), uf="SP", model="55")) == "226"
    assert _cstat(send(sim, emitter, econf(emitter, chave, c_orgao="35"), uf=SVRS_UF, model="55")) == "226"


def test_nfce_econf_goes_to_the_uf_authorizer(sim, emitter, nnf):  # type: ignore[no-untyped-def]
    chave, _ = _authorize(sim, emitter, nnf, model="65")
    assert _cstat(send(sim, emitter, econf(emitter, chave), uf="SP", model="65")) == "135"


def test_econf_of_unknown_or_cancelled_document_is_refused(sim, emitter, nnf):  # type: ignore[no-untyped-def]
    chave, n_prot = _authorize(sim, emitter, nnf)
    cancel = evento(emitter.signer, chave=chave, cnpj=emitter.cnpj, tp="110111", seq=1, dh=datetime.now(UTC),
                    n_prot=n_prot)
    assert _cstat(send(sim, emitter, cancel, uf="SP", model="55")) == "135"
    assert _cstat(send(sim, emitter, econf(emitter, chave), uf=SVRS_UF, model="55")) == "218"
    desconhecida = chave[:25] + f"{int(chave[25:34]) + 500000:09d}" + chave[34:43]
    from simulator.sefaz import chave_dv

    desconhecida += chave_dv(desconhecida)
    assert _cstat(send(sim, emitter, econf(emitter, desconhecida), uf=SVRS_UF, model="55")) == "217"


def test_econf_with_a_zero_payment_is_493(sim, emitter, nnf):  # type: ignore[no-untyped-def]
    chave, _ = _authorize(sim, emitter, nnf)
    ret = send(sim, emitter, econf(emitter, chave, v_pag="0.00"), uf=SVRS_UF, model="55")
    assert _cstat(ret) == "493"
    assert "vPag" in (ret.findtext("n:infEvento/n:xMotivo", namespaces=N) or "")
