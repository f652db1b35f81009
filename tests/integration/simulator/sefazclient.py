"""A raw SEFAZ client for the simulator tests, written with lxml + python-xmlsec + http.client.

Deliberately NOT our engine (engine/sefaz): the simulator must be tested by an independent party,
the way a third-party emitter would talk to SEFAZ.
"""

from __future__ import annotations

import copy
import http.client
import json
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xmlsec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree

import states

NFE = "http://www.portalfiscal.inf.br/nfe"
DS = "http://www.w3.org/2000/09/xmldsig#"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSDL = "http://www.portalfiscal.inf.br/nfe/wsdl/"
N = {"n": NFE}
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "nfe" / "made"
NFE_TEMPLATE = FIXTURES / "nfe55_sp_exportacao.xml"  # small: 50 signed fit in 500 KB
NFE_DEST_TEMPLATE = FIXTURES / "nfe55_sp_icms00_10_20_transp_cobr.xml"  # recipient with a CNPJ
NFCE_TEMPLATE = FIXTURES / "nfce65_sp_online_qrv2_dinheiro_cartao_troco.xml"


def cnpj_with_dv(first12: str) -> str:
    digits = first12
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        rest = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        digits += "0" if rest < 2 else str(11 - rest)
    return digits


def chave_dv(first43: str) -> str:
    total = sum(int(c) * (2 + i % 8) for i, c in enumerate(reversed(first43)))
    rest = total % 11
    return "0" if rest < 2 else str(11 - rest)


def sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NFE}}}{name}")
    if text is not None:
        el.text = text
    return el


def root(name: str, versao: str) -> etree._Element:
    el = etree.Element(f"{{{NFE}}}{name}", nsmap={None: NFE})
    el.set("versao", versao)
    return el


@dataclass(frozen=True)
class Signer:
    key_pem: bytes
    cert_pem: bytes

    def sign(self, parent: etree._Element, target: etree._Element) -> etree._Element:
        """Enveloped XMLDSig of ``target`` appended to ``parent`` (MOC 7.0 profile: C14N, RSA-SHA1)."""
        sig = xmlsec.template.create(parent, xmlsec.constants.TransformInclC14N, xmlsec.constants.TransformRsaSha1)
        parent.append(sig)
        ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha1, uri="#" + target.get("Id"))
        xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
        xmlsec.template.add_transform(ref, xmlsec.constants.TransformInclC14N)
        xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sig)))
        xmlsec.tree.add_ids(parent, ["Id"])
        ctx = xmlsec.SignatureContext()
        key = xmlsec.Key.from_memory(self.key_pem, xmlsec.constants.KeyDataFormatPem)
        key.load_cert_from_memory(self.cert_pem, xmlsec.constants.KeyDataFormatCertPem)
        ctx.key = key
        ctx.sign(sig)
        return parent


def signer_from_pfx(pfx: bytes, password: str) -> Signer:
    key, cert, _chain = pkcs12.load_key_and_certificates(pfx, password.encode())
    assert key is not None and cert is not None
    return Signer(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        cert.public_bytes(serialization.Encoding.PEM),
    )


def make_nfe(
    *,
    model: str,
    cnpj: str,
    nnf: int,
    dh_emi: datetime,
    serie: int = 1,
    cnf: str = "12345678",
    dest_cnpj: str | None = None,
    uf: str = "SP",
    tp_emis: str = "1",
) -> etree._Element:
    """An unsigned, schema-valid NFe with a consistent chave (from the fixture corpus).

    ``tp_emis`` other than 1 adds dhCont and xJust (MOC 7.0 B28/B29: required in contingency)."""
    template = (NFE_DEST_TEMPLATE if dest_cnpj else NFE_TEMPLATE) if model == "55" else NFCE_TEMPLATE
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    nfe = etree.parse(str(template), parser).getroot()
    inf = nfe.find("n:infNFe", N)
    ide = inf.find("n:ide", N)
    cuf = states.uf(uf).codigo
    dh = dh_emi.astimezone(states.uf(uf).zoneinfo()).replace(microsecond=0)
    values = {"cUF": cuf, "cNF": cnf, "serie": str(serie), "nNF": str(nnf), "dhEmi": dh.isoformat(), "tpAmb": "2"}
    for name, value in values.items():
        ide.find(f"n:{name}", N).text = value
    for name in ("dhSaiEnt",):
        el = ide.find(f"n:{name}", N)
        if el is not None:
            ide.remove(el)
    if tp_emis != "1":
        ide.find("n:tpEmis", N).text = tp_emis
        ver_proc = ide.find("n:verProc", N)
        just = etree.Element(f"{{{NFE}}}xJust")
        just.text = "SEFAZ de origem e SVC fora do ar, emissao em EPEC"
        cont = etree.Element(f"{{{NFE}}}dhCont")
        cont.text = dh.isoformat()
        ver_proc.addnext(just)
        ver_proc.addnext(cont)
    inf.find("n:emit/n:CNPJ", N).text = cnpj
    inf.find("n:emit/n:enderEmit/n:UF", N).text = uf
    if dest_cnpj is not None:
        dest_el = inf.find("n:dest/n:CNPJ", N)
        assert dest_el is not None
        dest_el.text = dest_cnpj
    first43 = f"{cuf}{dh:%y%m}{cnpj}{model}{serie:03d}{nnf:09d}{ide.findtext('n:tpEmis', namespaces=N)}{cnf}"
    dv = chave_dv(first43)
    ide.find("n:cDV", N).text = dv
    inf.set("Id", f"NFe{first43}{dv}")
    return nfe


def chave_of(nfe: etree._Element) -> str:
    return nfe.find("n:infNFe", N).get("Id")[3:]


def epec_evento(signer: Signer, nfe: etree._Element, *, dh: datetime | None = None) -> etree._Element:
    """The signed EPEC (110140, cOrgao 91) of ``nfe``, its detEvento copied from the NF-e (EPEC_v1.00.xsd)."""
    inf_nfe = nfe.find("n:infNFe", N)
    chave = chave_of(nfe)

    def txt(path: str) -> str:
        return inf_nfe.findtext(path, namespaces=N) or ""

    ev = root("evento", "1.00")
    inf = sub(ev, "infEvento")
    inf.set("Id", f"ID110140{chave}01")
    when = (dh or datetime.now().astimezone()).replace(microsecond=0)
    for name, value in (
        ("cOrgao", "91"),
        ("tpAmb", "2"),
        ("CNPJ", txt("n:emit/n:CNPJ")),
        ("chNFe", chave),
        ("dhEvento", when.isoformat()),
        ("tpEvento", "110140"),
        ("nSeqEvento", "1"),
        ("verEvento", "1.00"),
    ):
        sub(inf, name, value)
    det = sub(inf, "detEvento")
    det.set("versao", "1.00")
    for name, value in (
        ("descEvento", "EPEC"),
        ("cOrgaoAutor", chave[:2]),
        ("tpAutor", "1"),
        ("verAplic", "TESTE-1.0"),
        ("dhEmi", txt("n:ide/n:dhEmi")),
        ("tpNF", txt("n:ide/n:tpNF")),
        ("IE", txt("n:emit/n:IE")),
    ):
        sub(det, name, value)
    dest = sub(det, "dest")
    sub(dest, "UF", txt("n:dest/n:enderDest/n:UF"))
    for name in ("CNPJ", "CPF", "idEstrangeiro"):
        if inf_nfe.find(f"n:dest/n:{name}", N) is not None:
            sub(dest, name, txt(f"n:dest/n:{name}"))
            break
    if txt("n:dest/n:IE"):
        sub(dest, "IE", txt("n:dest/n:IE"))
    for name in ("vNF", "vICMS", "vST"):
        sub(dest, name, txt(f"n:total/n:ICMSTot/n:{name}"))
    return signer.sign(ev, inf)


def envi_nfe(nfes: list[etree._Element], *, ind_sinc: str = "1", id_lote: str = "1") -> etree._Element:
    msg = root("enviNFe", "4.00")
    sub(msg, "idLote", id_lote)
    sub(msg, "indSinc", ind_sinc)
    for nfe in nfes:
        msg.append(copy.deepcopy(nfe))
    return msg


def signed_nfe(signer: Signer, **kwargs: Any) -> etree._Element:
    nfe = make_nfe(**kwargs)
    return signer.sign(nfe, nfe.find("n:infNFe", N))


def cons_stat(cuf: str, tp_amb: str = "2") -> etree._Element:
    msg = root("consStatServ", "4.00")
    sub(msg, "tpAmb", tp_amb)
    sub(msg, "cUF", cuf)
    sub(msg, "xServ", "STATUS")
    return msg


def cons_sit(chave: str) -> etree._Element:
    msg = root("consSitNFe", "4.00")
    sub(msg, "tpAmb", "2")
    sub(msg, "xServ", "CONSULTAR")
    sub(msg, "chNFe", chave)
    return msg


def cons_reci(n_rec: str) -> etree._Element:
    msg = root("consReciNFe", "4.00")
    sub(msg, "tpAmb", "2")
    sub(msg, "nRec", n_rec)
    return msg


def inut(
    signer: Signer, *, cnpj: str, cuf: str, ano: str, model: str, serie: int, ini: int, fin: int
) -> etree._Element:
    msg = root("inutNFe", "4.00")
    inf = sub(msg, "infInut")
    inf.set("Id", f"ID{cuf}{ano}{cnpj}{model}{serie:03d}{ini:09d}{fin:09d}")
    for name, value in (
        ("tpAmb", "2"),
        ("xServ", "INUTILIZAR"),
        ("cUF", cuf),
        ("ano", ano),
        ("CNPJ", cnpj),
        ("mod", model),
        ("serie", str(serie)),
        ("nNFIni", str(ini)),
        ("nNFFin", str(fin)),
        ("xJust", "Numeracao pulada por falha do sistema de emissao"),
    ):
        sub(inf, name, value)
    return signer.sign(msg, inf)


COND_USO = (
    "A Carta de Correcao e disciplinada pelo paragrafo 1o-A do art. 7o do Convenio S/N, de 15 de dezembro de 1970 "
    "e pode ser utilizada para regularizacao de erro ocorrido na emissao de documento fiscal, desde que o erro nao "
    "esteja relacionado com: I - as variaveis que determinam o valor do imposto tais como: base de calculo, "
    "aliquota, diferenca de preco, quantidade, valor da operacao ou da prestacao; II - a correcao de dados "
    "cadastrais que implique mudanca do remetente ou do destinatario; III - a data de emissao ou de saida."
)


def evento(
    signer: Signer,
    *,
    chave: str,
    cnpj: str,
    tp: str,
    seq: int,
    dh: datetime,
    c_orgao: str | None = None,
    n_prot: str = "",
    x_corr: str = "",
    ch_ref: str = "",
) -> etree._Element:
    ev = root("evento", "1.00")
    inf = sub(ev, "infEvento")
    inf.set("Id", f"ID{tp}{chave}{seq:02d}")
    zone = states.uf(chave[:2]).zoneinfo()
    for name, value in (
        ("cOrgao", c_orgao or chave[:2]),
        ("tpAmb", "2"),
        ("CNPJ", cnpj),
        ("chNFe", chave),
        ("dhEvento", dh.astimezone(zone).replace(microsecond=0).isoformat()),
        ("tpEvento", tp),
        ("nSeqEvento", str(seq)),
        ("verEvento", "1.00"),
    ):
        sub(inf, name, value)
    det = sub(inf, "detEvento")
    det.set("versao", "1.00")
    if tp == "110111":
        sub(det, "descEvento", "Cancelamento")
        sub(det, "nProt", n_prot)
        sub(det, "xJust", "Cancelamento por erro de digitacao do pedido")
    elif tp == "110112":
        sub(det, "descEvento", "Cancelamento por substituicao")
        sub(det, "cOrgaoAutor", chave[:2])
        sub(det, "tpAutor", "1")
        sub(det, "verAplic", "TESTE-1.0")
        sub(det, "nProt", n_prot)
        sub(det, "xJust", "Cancelamento por substituicao da NFC-e emitida em duplicidade")
        sub(det, "chNFeRef", ch_ref)
    elif tp == "110110":
        sub(det, "descEvento", "Carta de Correcao")
        sub(det, "xCorrecao", x_corr or "Correcao do endereco de entrega do destinatario")
        sub(det, "xCondUso", COND_USO)
    return signer.sign(ev, inf)


def env_evento(*eventos: etree._Element, id_lote: str = "1") -> etree._Element:
    msg = root("envEvento", "1.00")
    sub(msg, "idLote", id_lote)
    for ev in eventos:
        msg.append(ev)
    return msg


def envelope(operation: str, msg: etree._Element) -> bytes:
    env = etree.Element(f"{{{SOAP12}}}Envelope", nsmap={"soap12": SOAP12})
    body = etree.SubElement(env, f"{{{SOAP12}}}Body")
    dados = etree.SubElement(body, f"{{{WSDL}{operation}}}nfeDadosMsg", nsmap={None: WSDL + operation})
    dados.append(copy.deepcopy(msg))
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


@dataclass
class Response:
    status: int
    body: bytes

    def ret(self) -> etree._Element:
        env = etree.fromstring(self.body)
        result = env.find(f"{{{SOAP12}}}Body")[0]
        assert etree.QName(result).localname == "nfeResultMsg", self.body[:300]
        return result[0]

    def cstat(self) -> str:
        ret = self.ret()
        return (
            ret.findtext("n:cStat", namespaces=N)
            or ret.findtext("n:infInut/n:cStat", namespaces=N)
            or ret.findtext("n:infCons/n:cStat", namespaces=N)
            or ""
        )


class Client:
    """HTTPS with the emitter's A1 as the client certificate, trusting only the simulator's root."""

    def __init__(
        self, base_url: str, ca_pem: Path, cert_file: Path | None, key_file: Path | None, timeout: float = 10.0
    ) -> None:
        host_port = base_url.removeprefix("https://")
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.ctx = ssl.create_default_context(cafile=str(ca_pem))
        if cert_file is not None:
            self.ctx.load_cert_chain(str(cert_file), str(key_file))
        self.timeout = timeout
        self._files = (ca_pem, cert_file, key_file)

    def for_url(self, base_url: str, *, timeout: float | None = None) -> Client:
        """The same identity talking to another simulator (or with another timeout)."""
        return Client(base_url, *self._files, timeout=self.timeout if timeout is None else timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "application/soap+xml; charset=utf-8",
    ) -> Response:
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=self.timeout)
        try:
            headers = {"Content-Type": content_type} if body is not None else {}
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return Response(resp.status, resp.read())
        finally:
            conn.close()

    def call(
        self,
        uf: str,
        model: str,
        service: str,
        msg: etree._Element,
        *,
        base: str,
        contingency: bool = False,
        nacional: bool = False,
    ) -> Response:
        ep = states.endpoint(
            uf, model, "homologacao", service, contingency=contingency, nacional=nacional, base_override=base
        )
        assert base == f"https://{self.host}:{self.port}", "base must be this client's simulator"
        path = ep.url.removeprefix(base)
        return self.request("POST", path, envelope(ep.soap_operation, msg))

    def control(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        body = json.dumps(payload).encode() if payload is not None else (b"{}" if method == "POST" else None)
        resp = self.request(method, path, body, "application/json")
        assert resp.status == 200, resp.body
        return json.loads(resp.body)


_RET_SCHEMAS = {
    "retConsStatServ": "nfe_v4.00/retConsStatServ_v4.00.xsd",
    "retEnviNFe": "nfe_v4.00/retEnviNFe_v4.00.xsd",
    "retConsReciNFe": "nfe_v4.00/retConsReciNFe_v4.00.xsd",
    "retConsSitNFe": "nfe_v4.00/retConsSitNFe_v4.00.xsd",
    "retInutNFe": "nfe_v4.00/retInutNFe_v4.00.xsd",
    "retEnvEvento": "evento_generico_v1.00/retEnvEvento_v1.00.xsd",
    "retConsCad": "conscad_v2.00/retConsCad_v2.00.xsd",
}


_COMPILED: dict[str, etree.XMLSchema] = {}  # compiled once per test session


def assert_schema_valid(ret: etree._Element, relpath: str | None = None) -> None:
    """The answer validates against the official ret* XSD, as a real SEFAZ answer does (``relpath``
    for the messages whose XSD is not found by the root name, e.g. the EPEC's retEnvEPEC)."""
    from schemas import XSD_DIR

    relpath = relpath or _RET_SCHEMAS[etree.QName(ret).localname]
    schema = _COMPILED.get(relpath)
    if schema is None:
        schema = _COMPILED[relpath] = etree.XMLSchema(etree.parse(str(XSD_DIR / relpath)))
    doc = etree.ElementTree(copy.deepcopy(ret))
    assert schema.validate(doc), schema.error_log


def proc_evento(evento_el: etree._Element, ret_evento: etree._Element) -> etree._Element:
    """procEventoNFe = the event as sent + the retEvento as received (MOC 7.0, distribution)."""
    proc = root("procEventoNFe", "1.00")
    proc.append(copy.deepcopy(evento_el))
    proc.append(copy.deepcopy(ret_evento))
    return proc


BRASILIA = ZoneInfo("America/Sao_Paulo")  # the clock of SVRS, SVAN, SVC-AN, SVC-RS and the AN


def authorizer_offset(autorizador: str, when: datetime) -> timedelta | None:
    """The UTC offset a SEFAZ authorizer stamps its answers with: its own clock, i.e. the UF's zone
    for a UF that authorizes itself, Brasília time for the shared/national ones."""
    siglas = {u.sigla for u in states.all_ufs()}
    zone = states.uf(autorizador).zoneinfo() if autorizador in siglas else BRASILIA
    return when.astimezone(zone).utcoffset()


def verify_sefaz_signature(parent: etree._Element, ca_pem: Path) -> None:
    """Verify the simulator's signature on protNFe/retEvento/retInutNFe, extracted from the envelope."""
    doc = copy.deepcopy(parent)
    sig = doc.find(f"{{{DS}}}Signature")
    assert sig is not None
    der = sig.findtext(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    xmlsec.tree.add_ids(doc, ["Id"])
    pem = b"-----BEGIN CERTIFICATE-----\n" + "".join(der.split()).encode() + b"\n-----END CERTIFICATE-----\n"
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatCertPem)
    ctx.verify(sig)
