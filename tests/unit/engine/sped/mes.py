"""A small realistic month of documents for the EFD golden tests, made with the project's builder.

March 2026, two establishments in São Paulo:

* regime normal (examples/emitente-normal.json, CNPJ 45997418000153): an NF-e sale (ICMS 18% and
  CST 40 items), an NFC-e sale, an NF-e cancelled (110111), an NF-e with a CC-e (110110), an NFC-e
  issued in contingency offline (tpEmis 9) not yet authorised, a voided range (NF-e series 2,
  104-106);
* card and Pix sales with the institution's CNPJ (1601): an NFC-e by credit card (credenciadora)
  and Pix (PSP), an NF-e sold through a marketplace (infIntermed) paid by Pix;
* Simples Nacional (examples/emitente-sn.json, CNPJ 11222333000181): an NF-e and an NFC-e sale.

``build_nfe`` makes the NFe (fixed clock, fixed cNF rng); this module wraps it in nfeProc /
procEventoNFe / procInutNFe with lxml, as SEFAZ's answers would (unsigned: the source does not
verify signatures, the documents were validated when they were received).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from engine.nfe.build import build_nfe, load_emitente, parse_venda
from engine.nfe.chave import dv_chave
from engine.nfe.xmlio import render_bytes

ROOT = Path(__file__).resolve().parents[4]
EXAMPLES = ROOT / "examples"
NS = "http://www.portalfiscal.inf.br/nfe"
N = "{" + NS + "}"
CNPJ_NORMAL = "45997418000153"
CNPJ_SN = "11222333000181"
# Payment institutions and intermediary of the card/Pix sales (public CNPJs: Cielo, Nu Pagamentos,
# Mercado Pago, Mercado Livre): the COD_PART of their 0150 and 1601.
CNPJ_CREDENCIADORA = "01027058000191"
CNPJ_PSP = "18236120000158"
CNPJ_PSP_MARKETPLACE = "10573521000191"
CNPJ_INTERMEDIADOR = "03007331000141"


def _venda(nome: str, **alteracoes: object) -> dict[str, Any]:
    data = json.loads((EXAMPLES / nome).read_text(encoding="utf-8"), parse_float=Decimal)
    data.update(alteracoes)
    return data


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, N + tag, attrs)
    if text is not None:
        el.text = text
    return el


def _nfe(emitente: str, venda: dict[str, object], quando: dt.datetime, seed: int) -> etree._Element:
    model = build_nfe(parse_venda(venda), load_emitente(EXAMPLES / emitente), now=quando, rng=random.Random(seed))
    return etree.fromstring(render_bytes(model))


def _contingencia(nfe: etree._Element, quando: dt.datetime) -> etree._Element:
    """tpEmis 9 (NFC-e offline): the chave's tpEmis digit and DV change; dhCont/xJust follow verProc."""
    inf = nfe.find(N + "infNFe")
    ide = inf.find(N + "ide")
    chave = inf.get("Id")[3:]
    nova = chave[:34] + "9" + chave[35:43]
    nova += dv_chave(nova)
    inf.set("Id", "NFe" + nova)
    ide.find(N + "tpEmis").text = "9"
    ide.find(N + "cDV").text = nova[43]
    ver_proc = ide.find(N + "verProc")
    dh = etree.Element(N + "dhCont")
    dh.text = ide.find(N + "dhEmi").text
    xj = etree.Element(N + "xJust")
    xj.text = "Sem comunicacao com a SEFAZ autorizadora"
    ver_proc.addnext(dh)
    dh.addnext(xj)
    supl = nfe.find(N + "infNFeSupl")
    if supl is not None:  # the QR-Code carries the chave
        qr = supl.find(N + "qrCode")
        qr.text = qr.text.replace(chave, nova)
    del quando
    return nfe


def _nfe_proc(nfe: etree._Element, n_prot: str, recebido: str, cstat: str = "100") -> bytes:
    chave = nfe.find(N + "infNFe").get("Id")[3:]
    proc = etree.Element(N + "nfeProc", {"versao": "4.00"}, nsmap={None: NS})
    proc.append(nfe)
    prot = _el(proc, "protNFe", versao="4.00")
    inf = _el(prot, "infProt")
    for tag, text in (("tpAmb", "2"), ("verAplic", "SP_NFE_PL009_V4"), ("chNFe", chave), ("dhRecbto", recebido),
                      ("nProt", n_prot), ("cStat", cstat), ("xMotivo", "Autorizado o uso da NF-e")):
        _el(inf, tag, text)
    return etree.tostring(proc, xml_declaration=True, encoding="UTF-8")


def _evento(chave: str, cnpj: str, tp: str, quando: str, n_prot: str, det: dict[str, str]) -> bytes:
    proc = etree.Element(N + "procEventoNFe", {"versao": "1.00"}, nsmap={None: NS})
    ev = _el(proc, "evento", versao="1.00")
    inf = _el(ev, "infEvento", Id=f"ID{tp}{chave}01")
    for tag, text in (("cOrgao", "35"), ("tpAmb", "2"), ("CNPJ", cnpj), ("chNFe", chave), ("dhEvento", quando),
                      ("tpEvento", tp), ("nSeqEvento", "1"), ("verEvento", "1.00")):
        _el(inf, tag, text)
    d = _el(inf, "detEvento", versao="1.00")
    for tag, text in det.items():
        _el(d, tag, text)
    ret = _el(proc, "retEvento", versao="1.00")
    ri = _el(ret, "infEvento")
    for tag, text in (("tpAmb", "2"), ("verAplic", "SP_EVENTOS_PL_100"), ("cOrgao", "35"), ("cStat", "135"),
                      ("xMotivo", "Evento registrado e vinculado a NF-e"), ("chNFe", chave), ("tpEvento", tp),
                      ("nSeqEvento", "1"), ("dhRegEvento", quando), ("nProt", n_prot)):
        _el(ri, tag, text)
    return etree.tostring(proc, xml_declaration=True, encoding="UTF-8")


def _inut(cnpj: str, mod: str, serie: str, ini: str, fim: str, quando: str) -> bytes:
    proc = etree.Element(N + "procInutNFe", {"versao": "4.00"}, nsmap={None: NS})
    inut = _el(proc, "inutNFe", versao="4.00")
    inf = _el(inut, "infInut", Id=f"ID35{26}{cnpj}{mod}{serie.zfill(3)}{ini.zfill(9)}{fim.zfill(9)}")
    for tag, text in (("tpAmb", "2"), ("xServ", "INUTILIZAR"), ("cUF", "35"), ("ano", "26"), ("CNPJ", cnpj),
                      ("mod", mod), ("serie", serie), ("nNFIni", ini), ("nNFFin", fim),
                      ("xJust", "Falha no sistema pulou a numeracao")):
        _el(inf, tag, text)
    ret = _el(proc, "retInutNFe", versao="4.00")
    ri = _el(ret, "infInut")
    for tag, text in (("tpAmb", "2"), ("verAplic", "SP_NFE_PL009_V4"), ("cStat", "102"),
                      ("xMotivo", "Inutilizacao de numero homologado"), ("cUF", "35"), ("ano", "26"),
                      ("CNPJ", cnpj), ("mod", mod), ("serie", serie), ("nNFIni", ini), ("nNFFin", fim),
                      ("dhRecbto", quando), ("nProt", "135260000000901")):
        _el(ri, tag, text)
    return etree.tostring(proc, xml_declaration=True, encoding="UTF-8")


def _quando(dia: int, hora: int = 13) -> dt.datetime:
    return dt.datetime(2026, 3, dia, hora, 0, tzinfo=dt.UTC)


def montar_mes(pasta: Path) -> dict[str, str]:
    """Write the month's XMLs under ``pasta``; returns {name: chave} of the documents."""
    pasta.mkdir(parents=True, exist_ok=True)
    chaves: dict[str, str] = {}

    def salvar(nome: str, conteudo: bytes) -> None:
        (pasta / nome).write_bytes(conteudo)

    def autorizar(nome: str, nfe: etree._Element, n_prot: str, recebido: str) -> str:
        chave = nfe.find(N + "infNFe").get("Id")[3:]
        chaves[nome] = chave
        salvar(f"{chave}-{nome}-nfeProc.xml", _nfe_proc(nfe, n_prot, recebido))
        return chave

    # Regime normal
    nfe_normal = _venda("nfe-venda.json", numero=101)
    autorizar("nfe-101", _nfe("emitente-normal.json", nfe_normal, _quando(2), 101), "135260000000101",
              "2026-03-02T10:00:05-03:00")
    autorizar("nfce-2001", _nfe("emitente-normal.json", _venda("nfce-venda.json", numero=2001), _quando(5), 2001),
              "135260000002001", "2026-03-05T10:00:02-03:00")
    cancelada = autorizar("nfe-102", _nfe("emitente-normal.json", _venda("nfe-venda.json", numero=102), _quando(10),
                                          102), "135260000000102", "2026-03-10T10:00:04-03:00")
    salvar(f"{cancelada}-110111-procEventoNFe.xml",
           _evento(cancelada, CNPJ_NORMAL, "110111", "2026-03-10T15:30:00-03:00", "135260000000902",
                   {"descEvento": "Cancelamento", "nProt": "135260000000102",
                    "xJust": "Cliente desistiu da compra antes da entrega"}))
    corrigida = autorizar("nfe-103", _nfe("emitente-normal.json", _venda("nfe-venda.json", numero=103), _quando(12),
                                          103), "135260000000103", "2026-03-12T10:00:03-03:00")
    salvar(f"{corrigida}-110110-procEventoNFe.xml",
           _evento(corrigida, CNPJ_NORMAL, "110110", "2026-03-13T09:00:00-03:00", "135260000000903",
                   {"descEvento": "Carta de Correcao", "xCorrecao": "Endereco de entrega: Rua das Flores, 44",
                    "xCondUso": "A Carta de Correcao e disciplinada pelo paragrafo 1o-A do art. 7o do Convenio S/N"}))
    offline = _contingencia(_nfe("emitente-normal.json", _venda("nfce-venda.json", numero=2002), _quando(20), 2002),
                            _quando(20))
    chaves["nfce-2002"] = offline.find(N + "infNFe").get("Id")[3:]
    salvar(f"{chaves['nfce-2002']}-nfce-2002-contingencia.xml",
           etree.tostring(offline, xml_declaration=True, encoding="UTF-8"))
    # Card and Pix with the institution in detPag/card/CNPJ (register 1601): an NFC-e paid by credit card
    # through a credenciadora (TEF) and by Pix through a PSP; an NF-e sold on a marketplace (infIntermed)
    # and paid by Pix. NF-e 101 (Pix) and NFC-e 2001 (card, POS not integrated) carry no institution CNPJ.
    cartao_pix = _venda("nfce-venda.json", numero=2003, pagamentos=[
        {"forma": "03", "valor": Decimal("187.80"),
         "cartao": {"integracao": 1, "cnpj_credenciadora": CNPJ_CREDENCIADORA, "bandeira": "01",
                    "autorizacao": "AUT778899"}},
        {"forma": "17", "valor": Decimal("50.00"), "cartao": {"integracao": 2, "cnpj_credenciadora": CNPJ_PSP}}])
    autorizar("nfce-2003", _nfe("emitente-normal.json", cartao_pix, _quando(18), 2003), "135260000002003",
              "2026-03-18T10:00:02-03:00")
    marketplace = _venda("nfe-venda.json", numero=107, presenca=2,
                         intermediador={"cnpj": CNPJ_INTERMEDIADOR, "identificador": "INSTITUTOORTO"},
                         pagamentos=[{"forma": "17", "valor": Decimal("2520.00"),
                                      "cartao": {"integracao": 2, "cnpj_credenciadora": CNPJ_PSP_MARKETPLACE}}])
    autorizar("nfe-107", _nfe("emitente-normal.json", marketplace, _quando(22), 107), "135260000000107",
              "2026-03-22T10:00:04-03:00")
    salvar("inut-55-002-104-106-procInutNFe.xml",
           _inut(CNPJ_NORMAL, "55", "2", "104", "106", "2026-03-15T11:00:00-03:00"))
    # Simples Nacional
    autorizar("sn-nfce-1042", _nfe("emitente-sn.json", _venda("nfce-venda.json"), _quando(3), 1042),
              "135260000001042", "2026-03-03T10:00:02-03:00")
    sn_nfe = _venda("nfe-venda.json")
    for item in sn_nfe["itens"]:  # the example's CST 40 is a regime-normal code: SN items take the CSOSN profile
        item.get("tributacao", {}).pop("icms", None)
    autorizar("sn-nfe-587", _nfe("emitente-sn.json", sn_nfe, _quando(4), 587),
              "135260000000587", "2026-03-04T10:00:02-03:00")
    # A document of April: outside the period, must not appear.
    autorizar("nfe-201-abril", _nfe("emitente-normal.json", _venda("nfe-venda.json", numero=201),
                                    dt.datetime(2026, 4, 1, 13, tzinfo=dt.UTC), 201),
              "135260000000201", "2026-04-01T10:00:02-03:00")
    return chaves


def estabelecimento(cnpj: str) -> dict[str, object]:
    """The EFD configuration of one of the two establishments (as the JSON file would hold it)."""
    contabilista = {"nome": "Carla Menezes Contabilidade", "cpf": "52998224725", "crc": "SP123456O8",
                    "cnpj": "11444777000161", "cep": "01310100", "end": "Avenida Paulista", "num": "2000",
                    "bairro": "Bela Vista", "fone": "1132323232", "email": "carla@contabil.example.com",
                    "cod_mun": "3550308"}
    if cnpj == CNPJ_NORMAL:
        return {"cnpj": CNPJ_NORMAL, "nome": "INSTITUTO DE ORTODONTIA AVANCADA S.A.", "uf": "SP",
                "ie": "123456789012", "cod_mun": "3550308", "ind_perfil": "A", "ind_ativ": "1",
                "fantasia": "Instituto Orto+", "cep": "01426001", "end": "Rua Oscar Freire", "num": "500",
                "bairro": "Jardim Paulista", "fone": "1130305050", "email": "fiscal@orto.example.com",
                "contabilista": contabilista, "saldo_credor_anterior": "10.00",
                "obrigacao": {"cod_or": "000", "cod_rec": "046-2", "dia_vencimento": 20}}
    return {"cnpj": CNPJ_SN, "nome": "CLINICA ODONTOLOGICA SORRISO LTDA", "uf": "SP", "ie": "111222333444",
            "cod_mun": "3550308", "ind_perfil": "C", "ind_ativ": "1", "fantasia": "Sorriso Odontologia",
            "cep": "01310100", "end": "Avenida Paulista", "num": "1000", "compl": "Conjunto 101",
            "bairro": "Bela Vista", "fone": "1133334444", "contabilista": contabilista}
