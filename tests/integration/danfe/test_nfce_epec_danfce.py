"""The DANFCE of an NFC-e in EPEC (tpEmis 4, SP, NT 2014.003): refused without its registered EPEC; with it,
"EMITIDA EM CONTINGÊNCIA" under the title and the EPEC's protocol and date where the authorization protocol
goes (no "Pendente de autorização"); once authorized, the authorization protocol."""

from __future__ import annotations

import pytest

from adapters.danfe import NFCE_CONTINGENCIA, NFCE_PENDENTE, DanfeError, DanfeOptions, plan_danfe, render_danfe
from engine.xml.parser import parse_xml
from tests.integration.danfe.documents import epec_proc_evento, with_protocol
from tests.integration.danfe.pdftext import pdf_text
from tests.unit.engine.nfe.test_nfce_epec import _epec_nfce

N = "{http://www.portalfiscal.inf.br/nfe}"


def _chave(xml: bytes) -> str:
    inf = parse_xml(xml).find(f"{N}infNFe")
    assert inf is not None
    return inf.get("Id", "")[3:]


def test_danfce_of_an_nfce_in_epec_needs_the_epec_and_prints_its_protocol() -> None:
    nfce = _epec_nfce()
    chave = _chave(nfce)
    with pytest.raises(DanfeError) as missing:
        render_danfe(nfce)
    assert missing.value.code == "DANFE_EPEC_AUSENTE" and "NFC-e" in missing.value.mensagem
    epec = epec_proc_evento(chave, n_prot="135260000001234", dh_reg="2026-12-04T12:00:09-03:00", cstat="136",
                            tp_amb="2")
    options = DanfeOptions(epec_proc_evento=epec)
    plan = plan_danfe(nfce, options=options)
    assert plan.documento == "DANFE NFC-e" and plan.tp_emis == "4" and not plan.autorizado
    assert NFCE_CONTINGENCIA in plan.marcas and NFCE_PENDENTE not in plan.marcas
    assert "EPEC nº 135260000001234, registrado em 04/12/2026 12:00:09" in plan.marcas
    text = pdf_text(render_danfe(nfce, options=options))
    assert "EPEC 135260000001234" in text and "04/12/2026" in text
    assert "EMITIDA EM CONTINGÊNCIA" in text and NFCE_PENDENTE not in text


def test_authorized_nfce_in_epec_prints_the_authorization_protocol() -> None:
    nfce = _epec_nfce()
    authorized = with_protocol(nfce, n_prot="135260000009999", dh_recbto="2026-12-04T13:00:00-03:00")
    plan = plan_danfe(authorized)
    assert plan.autorizado and plan.epec is None and NFCE_CONTINGENCIA in plan.marcas
    text = pdf_text(render_danfe(authorized))
    assert "135260000009999" in text and "EPEC 1352" not in text
