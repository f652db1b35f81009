"""Request messages of the NF-e 4.00 web services, built with lxml, signed where the layout requires
and validated against their official XSD before anything is sent (cStat 215/225 avoided).

Each builder returns the message as bytes, ready for ``soap.envelope``. Signed parts (``NFe``,
``evento``, ``inutNFe``) are embedded as the exact bytes that were signed (``xmlbytes.embed``).
Field ids cite the MOC 7.0 / the event Notas Técnicas.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from lxml import etree

import states
from certificates.a1 import A1Certificate
from certificates.xmldsig import sign_document
from engine.errors import Finding, ValidationFailed
from engine.nfe.chave import dv_chave
from engine.nfe.rules.eventos import C_ORGAO_SVRS, DESC_CONCILIACAO, conciliacao_findings
from engine.sefaz.xmlbytes import embed, fill, slot, split
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings
from states import Endpoint

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
_N = "{" + NFE_NS + "}"
VERSAO_NFE = "4.00"
VERSAO_EVENTO = "1.00"
MAX_LOTE = 50  # enviNFe: at most 50 NFe per lote (MOC 7.0, AP04; cStat 230 avoided... by the XSD maxOccurs)

TP_CANCELAMENTO = "110111"
TP_CANCELAMENTO_SUBSTITUICAO = "110112"
TP_CARTA_CORRECAO = "110110"
TP_EPEC = "110140"

# CC-e xCondUso (e110110_v1.00.xsd enumerates the accepted texts; this is the unaccented one the
# Manual da CC-e prints). Any other text fails the schema (cStat 225).
X_COND_USO = (
    "A Carta de Correcao e disciplinada pelo paragrafo 1o-A do art. 7o do Convenio S/N, de 15 de dezembro de "
    "1970 e pode ser utilizada para regularizacao de erro ocorrido na emissao de documento fiscal, desde que o "
    "erro nao esteja relacionado com: I - as variaveis que determinam o valor do imposto tais como: base de "
    "calculo, aliquota, diferenca de preco, quantidade, valor da operacao ou da prestacao; II - a correcao de "
    "dados cadastrais que implique mudanca do remetente ou do destinatario; III - a data de emissao ou de saida."
)
DESC_EVENTO = {
    TP_CANCELAMENTO: "Cancelamento",
    TP_CANCELAMENTO_SUBSTITUICAO: "Cancelamento por substituicao",
    TP_CARTA_CORRECAO: "Carta de Correcao",
    TP_EPEC: "EPEC",
}
_DIGITS = re.compile(r"^[0-9]+$")


def tp_amb(endpoint: Endpoint) -> str:
    """tpAmb: 1 produção, 2 homologação (MOC B24)."""
    return "1" if endpoint.ambiente == "producao" else "2"


def _el(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _N + name, attrs)
    if text is not None:
        el.text = text
    return el


def _root(name: str, versao: str) -> etree._Element:
    return etree.Element(_N + name, {"versao": versao}, nsmap={None: NFE_NS})  # type: ignore[dict-item]


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8")


def validated(message: bytes, relpath: str | None = None) -> bytes:
    """Parse ``message`` with the hardened parser and validate it against its XSD; the bytes are returned
    unchanged. ``ValidationFailed`` (cStat 215/225 avoided) otherwise."""
    validated_tree(parse_xml(message), relpath)
    return message


def validated_tree(root: etree._Element, relpath: str | None = None) -> None:
    """``validated`` of the tree the hardened parser gave for a message (the caller parsed the bytes it
    sends and uses that same tree): ``ValidationFailed`` (cStat 215/225 avoided) when the XSD refuses it."""
    findings = schema_findings(root, relpath)
    if findings:
        raise ValidationFailed(findings)


def _fail(code: str, path: str, mensagem: str, cstat: str | None = None) -> ValidationFailed:
    return ValidationFailed([Finding(code=code, path=path, mensagem=mensagem, cstat=cstat)])


def _check_text(path: str, value: str, lo: int, hi: int, cstat: str = "225") -> str:
    text = " ".join(value.split())
    if not lo <= len(text) <= hi:
        raise _fail(
            "TEXTO_TAMANHO", path, f"{path} deve ter de {lo} a {hi} caracteres (tem {len(text)})", cstat
        )
    return text


def _check_chave(chave: str, path: str = "chNFe") -> str:
    """44 digits with a right check digit (cStat 236 avoided). Issuing rules such as the cNF ones are not
    checked here: the chave may belong to a document authorised long ago."""
    if not (len(chave) == 44 and _DIGITS.match(chave)):
        raise _fail("CHAVE_FORMATO", path, f"{path} deve ter 44 dígitos: {chave!r}", "236")
    if dv_chave(chave[:43]) != chave[43]:
        raise _fail("CHAVE_DV", path, f"{path}: dígito verificador da chave inválido ({chave[43]})", "236")
    return chave


# --------------------------------------------------------------------------------------- queries


def cons_stat_serv(endpoint: Endpoint) -> bytes:
    """consStatServ (MOC 4.6): tpAmb, cUF of the UF asking, xServ STATUS."""
    root = _root("consStatServ", endpoint.versao_dados)
    _el(root, "tpAmb", tp_amb(endpoint))
    _el(root, "cUF", states.uf(endpoint.uf).codigo)
    _el(root, "xServ", "STATUS")
    return validated(_bytes(root))


def cons_sit_nfe(endpoint: Endpoint, chave: str) -> bytes:
    """consSitNFe (MOC 4.5): situação, protocol and events of one chave."""
    root = _root("consSitNFe", endpoint.versao_dados)
    _el(root, "tpAmb", tp_amb(endpoint))
    _el(root, "xServ", "CONSULTAR")
    _el(root, "chNFe", _check_chave(chave))
    return validated(_bytes(root))


def cons_reci_nfe(endpoint: Endpoint, n_rec: str) -> bytes:
    """consReciNFe (MOC 4.2): result of an asynchronous lote by its recibo (nRec, 15 digits)."""
    if not (_DIGITS.match(n_rec) and len(n_rec) == 15):
        raise _fail("RECIBO_INVALIDO", "nRec", f"número do recibo deve ter 15 dígitos: {n_rec!r}", "225")
    root = _root("consReciNFe", endpoint.versao_dados)
    _el(root, "tpAmb", tp_amb(endpoint))
    _el(root, "nRec", n_rec)
    return validated(_bytes(root))


def cons_cad(endpoint: Endpoint, *, cnpj: str | None = None, ie: str | None = None, cpf: str | None = None) -> bytes:
    """ConsCad 2.00 (MOC 4.7): one of CNPJ, IE or CPF, for the UF of the endpoint."""
    given = [(n, v) for n, v in (("IE", ie), ("CNPJ", cnpj), ("CPF", cpf)) if v]
    if len(given) != 1:
        raise _fail("CADASTRO_ARGUMENTO", "CNPJ", "informe exatamente um entre CNPJ, IE e CPF para a consulta cadastro")
    root = _root("ConsCad", endpoint.versao_dados)
    inf = _el(root, "infCons")
    _el(inf, "xServ", "CONS-CAD")
    _el(inf, "UF", endpoint.uf)
    _el(inf, given[0][0], given[0][1])
    return validated(_bytes(root), "conscad_v2.00/consCad_v2.00.xsd")


# ---------------------------------------------------------------------------------- authorization


def envi_nfe(nfes: Sequence[bytes], *, id_lote: str, sincrono: bool, versao: str = VERSAO_NFE) -> bytes:
    """enviNFe (MOC 4.1): idLote, indSinc (1 = synchronous, one NFe only) and the signed NFe bytes.

    SEFAZ processes synchronously only a lote with one NFe (indSinc 1); batches of up to 50 go
    asynchronously (indSinc 0) and are followed by NFeRetAutorizacao4.
    """
    check_envi_nfe(nfes, id_lote=id_lote, sincrono=sincrono)
    return validated(envi_nfe_bytes(nfes, id_lote=id_lote, sincrono=sincrono, versao=versao))


def check_envi_nfe(nfes: Sequence[bytes], *, id_lote: str, sincrono: bool) -> None:
    """The lote rules of ``envi_nfe`` (size, indSinc, idLote) that the schema does not state in our words."""
    if not nfes:
        raise _fail("LOTE_VAZIO", "NFe", "o lote não contém nenhuma NF-e")
    if len(nfes) > MAX_LOTE:
        raise _fail("LOTE_GRANDE", "NFe", f"o lote tem {len(nfes)} NF-e; o máximo é {MAX_LOTE}", "225")
    if sincrono and len(nfes) != 1:
        raise _fail("LOTE_SINCRONO", "indSinc", "o processamento síncrono (indSinc 1) aceita uma única NF-e", "452")
    if not (_DIGITS.match(id_lote) and len(id_lote) <= 15):
        raise _fail("ID_LOTE", "idLote", f"idLote deve ter de 1 a 15 dígitos: {id_lote!r}", "225")


def envi_nfe_bytes(nfes: Sequence[bytes], *, id_lote: str, sincrono: bool, versao: str = VERSAO_NFE) -> bytes:
    """The enviNFe bytes, NOT yet checked nor validated: for a caller that parses them once, reads the NFe
    from that tree and then runs ``check_envi_nfe`` and ``validated_tree`` on it (SefazClient.authorize)."""
    if len(nfes) == 1 and id_lote.isascii() and id_lote.isdigit() and len(id_lote) <= 15:
        # One NFe (every synchronous send) and an idLote of digits, as check_envi_nfe requires: the container
        # lxml serialised once, cut at the idLote text and the NFe's slot (``_envi_nfe_parts``). Digits are
        # their own XML text (nothing to escape), so these are the bytes lxml writes for this enviNFe.
        head, middle, tail = _envi_nfe_parts(versao, sincrono)
        return fill((head + id_lote.encode("ascii") + middle, tail), nfes)
    root = _root("enviNFe", versao)
    _el(root, "idLote", id_lote)
    _el(root, "indSinc", "1" if sincrono else "0")
    for _ in nfes:
        slot(root)
    return embed(root, list(nfes))


@functools.cache
def _envi_nfe_parts(versao: str, sincrono: bool) -> tuple[bytes, ...]:
    """The enviNFe container of one NFe built with lxml and cut around the idLote text and the NFe's slot:
    constant bytes per (versao, indSinc), serialised once per process instead of ~9 us of element building
    and serialisation per authorization (issue 5 §9)."""
    root = _root("enviNFe", versao)
    slot(_el(root, "idLote"))
    _el(root, "indSinc", "1" if sincrono else "0")
    slot(root)
    return split(root, 2)


# ------------------------------------------------------------------------------------------ events


def _dh(now: datetime, uf: str) -> str:
    """dhEvento / dhEmi in the UF's time zone (TDateTimeUTC: AAAA-MM-DDThh:mm:ssTZD)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(ZoneInfo(states.uf(uf).timezone)).replace(microsecond=0).isoformat()


def evento(
    *,
    tp_evento: str,
    chave: str,
    autor: str,
    c_orgao: str,
    tp_amb_: str,
    n_seq_evento: int,
    dh_evento: str,
    detalhes: Sequence[tuple[str, str]],
    a1: A1Certificate,
) -> bytes:
    """One signed ``evento`` (NT 2011.004 leiaute de eventos): infEvento Id = ID + tpEvento + chave +
    nSeqEvento (2 digits); ``autor`` is the CNPJ (14) or CPF (11) of the author."""
    if not 1 <= n_seq_evento <= 20:
        raise _fail("SEQ_EVENTO", "nSeqEvento", f"nSeqEvento deve estar entre 1 e 20 (é {n_seq_evento})", "225")
    _check_chave(chave)
    root = _root("evento", VERSAO_EVENTO)
    inf = _el(root, "infEvento", Id=f"ID{tp_evento}{chave}{n_seq_evento:02d}")
    _el(inf, "cOrgao", c_orgao)
    _el(inf, "tpAmb", tp_amb_)
    _el(inf, "CNPJ" if len(autor) == 14 else "CPF", autor)
    _el(inf, "chNFe", chave)
    _el(inf, "dhEvento", dh_evento)
    _el(inf, "tpEvento", tp_evento)
    _el(inf, "nSeqEvento", str(n_seq_evento))
    _el(inf, "verEvento", VERSAO_EVENTO)
    det = _el(inf, "detEvento", versao=VERSAO_EVENTO)
    _el(det, "descEvento", DESC_EVENTO[tp_evento])
    for name, value in detalhes:
        _el(det, name, value)
    return sign_document(root, a1)


def env_evento(eventos: Sequence[bytes], *, id_lote: str) -> bytes:
    """envEvento: a lote of 1-20 signed events of the same type, validated by the type's schema."""
    if not 1 <= len(eventos) <= 20:
        raise _fail("LOTE_EVENTO", "evento", f"o lote de eventos deve ter de 1 a 20 eventos (tem {len(eventos)})")
    if not (_DIGITS.match(id_lote) and len(id_lote) <= 15):
        raise _fail("ID_LOTE", "idLote", f"idLote deve ter de 1 a 15 dígitos: {id_lote!r}", "225")
    root = _root("envEvento", VERSAO_EVENTO)
    _el(root, "idLote", id_lote)
    for _ in eventos:
        slot(root)
    return validated(embed(root, list(eventos)))


def _autor_e_orgao(chave: str) -> tuple[str, str]:
    return chave[6:20], chave[0:2]  # emitter CNPJ and cUF from the chave (MOC 2.2.6)


def cancelamento(
    endpoint: Endpoint, *, chave: str, n_prot: str, x_just: str, now: datetime, a1: A1Certificate, autor: str = ""
) -> bytes:
    """Evento 110111 (NT 2011.006): nProt of the authorization, xJust 15-255 characters."""
    x_just = _check_text("xJust", x_just, 15, 255)
    cnpj, c_uf = _autor_e_orgao(chave)
    return evento(
        tp_evento=TP_CANCELAMENTO, chave=chave, autor=autor or cnpj, c_orgao=c_uf, tp_amb_=tp_amb(endpoint),
        n_seq_evento=1, dh_evento=_dh(now, endpoint.uf), detalhes=[("nProt", n_prot), ("xJust", x_just)], a1=a1,
    )


def cancelamento_substituicao(
    endpoint: Endpoint,
    *,
    chave: str,
    n_prot: str,
    x_just: str,
    chave_substituta: str,
    ver_aplic: str,
    now: datetime,
    a1: A1Certificate,
) -> bytes:
    """Evento 110112 (NT 2018.004, NFC-e only): cancels an NFC-e replaced by another one (chNFeRef).

    There is no specific XSD for 110112 in our schema set: the generic event schema validates the
    envelope and the detail fields are checked here (tpAutor 1 = emitente).
    """
    if chave[20:22] != "65" or chave_substituta[20:22] != "65":
        raise _fail("SUBSTITUICAO_MODELO", "chNFeRef", "cancelamento por substituição só se aplica à NFC-e (modelo 65)")
    if chave == chave_substituta:
        raise _fail("SUBSTITUICAO_MESMA", "chNFeRef", "a NFC-e substituta deve ter chave diferente da cancelada")
    _check_chave(chave_substituta, "chNFeRef")
    x_just = _check_text("xJust", x_just, 15, 255)
    ver_aplic = _check_text("verAplic", ver_aplic, 1, 20)
    if not (_DIGITS.match(n_prot) and len(n_prot) == 15):
        raise _fail("PROTOCOLO", "nProt", f"nProt deve ter 15 dígitos: {n_prot!r}")
    cnpj, c_uf = _autor_e_orgao(chave)
    detalhes = [("cOrgaoAutor", c_uf), ("tpAutor", "1"), ("verAplic", ver_aplic), ("nProt", n_prot),
                ("xJust", x_just), ("chNFeRef", chave_substituta)]
    return evento(
        tp_evento=TP_CANCELAMENTO_SUBSTITUICAO, chave=chave, autor=cnpj, c_orgao=c_uf, tp_amb_=tp_amb(endpoint),
        n_seq_evento=1, dh_evento=_dh(now, endpoint.uf), detalhes=detalhes, a1=a1,
    )


def carta_correcao(
    endpoint: Endpoint, *, chave: str, x_correcao: str, n_seq_evento: int, now: datetime, a1: A1Certificate
) -> bytes:
    """Evento 110110 (Manual da CC-e): xCorrecao 15-1000 characters, the fixed xCondUso, nSeqEvento 1-20
    (each new CC-e replaces the previous one and carries the next sequence number)."""
    if chave[20:22] != "55":
        raise _fail("CCE_MODELO", "chNFe", "a carta de correção só existe para a NF-e (modelo 55)")
    x_correcao = _check_text("xCorrecao", x_correcao, 15, 1000)
    cnpj, c_uf = _autor_e_orgao(chave)
    return evento(
        tp_evento=TP_CARTA_CORRECAO, chave=chave, autor=cnpj, c_orgao=c_uf, tp_amb_=tp_amb(endpoint),
        n_seq_evento=n_seq_evento, dh_evento=_dh(now, endpoint.uf),
        detalhes=[("xCorrecao", x_correcao), ("xCondUso", X_COND_USO)], a1=a1,
    )


def _epec_infevento(endpoint: Endpoint, chave: str, now: datetime, ver_aplic: str,
                    dh_emi: str, tp_nf: str, ie: str) -> tuple[etree._Element, etree._Element]:
    """The ``evento`` of an EPEC (110140) up to detEvento/IE, common to the NF-e and the NFC-e EPEC:
    cOrgao of the receiving body (91 AN for the NF-e, the UF for SP's NFC-e), author = emitter's CNPJ."""
    root = _root("evento", VERSAO_EVENTO)
    inf_ev = _el(root, "infEvento", Id=f"ID{TP_EPEC}{chave}01")
    _el(inf_ev, "cOrgao", endpoint.codigo_orgao)
    _el(inf_ev, "tpAmb", tp_amb(endpoint))
    _el(inf_ev, "CNPJ", chave[6:20])
    _el(inf_ev, "chNFe", chave)
    _el(inf_ev, "dhEvento", _dh(now, endpoint.uf))
    _el(inf_ev, "tpEvento", TP_EPEC)
    _el(inf_ev, "nSeqEvento", "1")
    _el(inf_ev, "verEvento", VERSAO_EVENTO)
    det = _el(inf_ev, "detEvento", versao=VERSAO_EVENTO)
    _el(det, "descEvento", DESC_EVENTO[TP_EPEC])
    _el(det, "cOrgaoAutor", chave[0:2])
    _el(det, "tpAutor", "1")
    _el(det, "verAplic", ver_aplic)
    _el(det, "dhEmi", dh_emi)
    _el(det, "tpNF", tp_nf)
    _el(det, "IE", ie)
    return root, det


def _infnfe_fields(nfe: bytes, what: str) -> tuple[etree._Element, Callable[[str], str | None]]:
    """The infNFe of a signed NF-e/NFC-e and a reader of its fields by path ("ide/dhEmi"): the text
    without surrounding blanks, None when the field is absent or empty. Both EPEC builders read the
    document they cover this way."""
    inf = parse_xml(nfe).find(f"{_N}infNFe")
    if inf is None:
        raise _fail("EPEC_NFE", "NFe", f"o documento informado não é {what} (infNFe ausente)")

    def get(path: str) -> str | None:
        found = inf.find("/".join(_N + part for part in path.split("/")))
        text = found.text.strip() if found is not None and found.text else ""
        return text or None

    return inf, get


def epec(endpoint: Endpoint, *, nfe: bytes, ver_aplic: str, now: datetime, a1: A1Certificate) -> bytes:
    """Evento 110140 EPEC (NT 2013.004) at the Ambiente Nacional (cOrgao 91) from the NF-e's own data:
    dhEmi, tpNF, emitter IE, recipient UF/CNPJ|CPF|idEstrangeiro/IE and the totals vNF, vICMS, vST.
    An NFC-e (model 65) has its own EPEC: ``epec_nfce``."""
    inf, get = _infnfe_fields(nfe, "uma NF-e")
    chave = str(inf.get("Id", ""))[3:]
    if chave[20:22] == "65":
        raise _fail("EPEC_MODELO", "chNFe", "o EPEC do Ambiente Nacional é só para NF-e (modelo 55); o EPEC da "
                    "NFC-e tem leiaute e autorizador próprios (epec_nfce) — evita a rejeição 618", "618")
    if get("ide/tpEmis") != "4":
        raise _fail("EPEC_TPEMIS", "ide/tpEmis", "a NF-e em EPEC deve ter tpEmis 4 (contingência EPEC)", "467")
    dest_uf = get("dest/enderDest/UF")
    dest_doc = [(n, get(f"dest/{n}")) for n in ("CNPJ", "CPF", "idEstrangeiro")]
    dest_doc = [(n, v) for n, v in dest_doc if v is not None]
    required = {"ide/dhEmi": get("ide/dhEmi"), "ide/tpNF": get("ide/tpNF"), "emit/IE": get("emit/IE"),
                "dest/enderDest/UF": dest_uf, "total/ICMSTot/vNF": get("total/ICMSTot/vNF"),
                "total/ICMSTot/vICMS": get("total/ICMSTot/vICMS"), "total/ICMSTot/vST": get("total/ICMSTot/vST")}
    missing = [k for k, v in required.items() if v is None]
    if missing or not dest_doc:
        raise _fail("EPEC_CAMPOS", missing[0] if missing else "dest", "a NF-e não tem os campos que o EPEC exige: "
                    + ", ".join(missing or ["dest/CNPJ|CPF|idEstrangeiro"]))
    ver_aplic = _check_text("verAplic", ver_aplic, 1, 20)
    root, det = _epec_infevento(endpoint, chave, now, ver_aplic, str(required["ide/dhEmi"]),
                                str(required["ide/tpNF"]), str(required["emit/IE"]))
    dest = _el(det, "dest")
    _el(dest, "UF", str(dest_uf))
    _el(dest, dest_doc[0][0], str(dest_doc[0][1]))
    dest_ie = get("dest/IE")
    if dest_ie:
        _el(dest, "IE", dest_ie)
    _el(dest, "vNF", str(required["total/ICMSTot/vNF"]))
    _el(dest, "vICMS", str(required["total/ICMSTot/vICMS"]))
    _el(dest, "vST", str(required["total/ICMSTot/vST"]))
    return sign_document(root, a1)


def epec_nfce(endpoint: Endpoint, *, nfe: bytes, ver_aplic: str, now: datetime, a1: A1Certificate) -> bytes:
    """Evento 110140 EPEC of an NFC-e (model 65, NT 2014.003 "EPEC da NFC-e"), received by the emitter's own
    UF (SP, cOrgao 35; ``states.endpoint(uf, 65, amb, "RecepcaoEvento_EPEC")``), built from the signed tpEmis 4
    NFC-e that will be transmitted later - the authorizer compares them (467 on any difference).

    The model-65 detEvento differs from the NF-e's (docs/nfce-epec-sp.md §3): ``dest`` only when the NFC-e
    identifies its consumer (UF from enderDest, else the emitter's UF; CNPJ|CPF|idEstrangeiro; no IE),
    ``vNF`` and ``vICMS`` after ``dest``, no ``vST``. Validated by our model-65 schema (engine/xsd.py)."""
    inf, get = _infnfe_fields(nfe, "uma NFC-e")
    chave = str(inf.get("Id", ""))[3:]
    _check_chave(chave)
    if chave[20:22] != "65" or get("ide/mod") != "65":
        raise _fail("EPEC_NFCE_MODELO", "chNFe", f"o EPEC da NFC-e é só para o modelo 65; a chave é do modelo "
                    f"{chave[20:22]} (a NF-e usa o EPEC do Ambiente Nacional) — evita a rejeição 618", "618")
    if get("ide/tpEmis") != "4" or chave[34] != "4":
        raise _fail("EPEC_TPEMIS", "ide/tpEmis", "a NFC-e coberta por EPEC deve ter tpEmis 4 (contingência EPEC) "
                    "na chave e em ide/tpEmis — a NFC-e transmitida depois seria rejeitada (467/468)", "467")
    if get("ide/dhCont") is None or get("ide/xJust") is None:
        raise _fail("EPEC_CONTINGENCIA", "ide/xJust", "a NFC-e em EPEC exige dhCont e xJust (entrada em contingência) "
                    "— evita a rejeição 557", "557")
    if endpoint.codigo_orgao != chave[0:2]:
        raise _fail("EPEC_NFCE_ORGAO", "cOrgao", f"o EPEC da NFC-e é recebido pela UF do emitente (cUF {chave[0:2]}), "
                    f"não pelo órgão {endpoint.codigo_orgao} — evita a rejeição 250 (UF diverge da chave)", "250")
    emit_uf = get("emit/enderEmit/UF")
    if emit_uf is None or states.uf(emit_uf).codigo != chave[0:2]:
        raise _fail("EPEC_NFCE_UF", "emit/enderEmit/UF", f"a UF do emitente ({emit_uf or 'ausente'}) não é a da chave "
                    f"(cUF {chave[0:2]}): cOrgaoAutor do EPEC seria inconsistente — evita a rejeição 250", "250")
    dh_emi, tp_nf, ie = get("ide/dhEmi"), get("ide/tpNF"), get("emit/IE")
    v_nf, v_icms = get("total/ICMSTot/vNF"), get("total/ICMSTot/vICMS")
    required = {"ide/dhEmi": dh_emi, "emit/IE": ie, "total/ICMSTot/vNF": v_nf, "total/ICMSTot/vICMS": v_icms}
    missing = [k for k, v in required.items() if v is None]
    if missing:
        raise _fail("EPEC_CAMPOS", missing[0], "a NFC-e não tem os campos que o EPEC declara: " + ", ".join(missing)
                    + " — evita a rejeição 225 (falha no schema)", "225")
    assert dh_emi is not None and ie is not None and v_nf is not None and v_icms is not None
    if tp_nf != "1":
        raise _fail("EPEC_NFCE_TPNF", "ide/tpNF", f"a NFC-e é sempre de saída (tpNF 1); informado {tp_nf!r}", "225")
    # NT 2014.003 v1.02, rule P23-30: the EPEC's dhEmi must fall in the year-month (AAMM) of the chave.
    if f"{dh_emi[2:4]}{dh_emi[5:7]}" != chave[2:6]:
        raise _fail("EPEC_NFCE_DHEMI", "ide/dhEmi", f"dhEmi {dh_emi} fora do ano-mês da chave ({chave[2:6]}, AAMM) — "
                    "o EPEC seria rejeitado (regra P23-30 da NT do EPEC da NFC-e)")
    ver_aplic = _check_text("verAplic", ver_aplic, 1, 20)
    root, det = _epec_infevento(endpoint, chave, now, ver_aplic, dh_emi, tp_nf, ie)
    dest_doc = [(n, v) for n in ("CNPJ", "CPF", "idEstrangeiro") if (v := get(f"dest/{n}")) is not None]
    if inf.find(f"{_N}dest") is not None and dest_doc:
        # An NFC-e consumer without an address bought over the counter, in the emitter's UF (nfephp does the same).
        dest = _el(det, "dest")
        _el(dest, "UF", get("dest/enderDest/UF") or emit_uf)
        _el(dest, dest_doc[0][0], dest_doc[0][1])
    _el(det, "vNF", v_nf)
    _el(det, "vICMS", v_icms)
    return sign_document(root, a1)


# ----------------------------------------------------------------------------------- inutilização


def inut_nfe(
    endpoint: Endpoint,
    *,
    cnpj: str,
    ano: int,
    serie: int,
    n_nf_ini: int,
    n_nf_fin: int,
    x_just: str,
    a1: A1Certificate,
) -> bytes:
    """Signed inutNFe (MOC 4.3): one range of one series (nNFIni <= nNFFin), xJust 15-255 characters.

    Id = ID + cUF + ano (2) + CNPJ + mod + serie (3) + nNFIni (9) + nNFFin (9).
    """
    if not 0 <= serie <= 999:
        raise _fail("SERIE", "serie", f"série deve estar entre 0 e 999 (é {serie})", "225")
    if not 1 <= n_nf_ini <= n_nf_fin <= 999_999_999:
        raise _fail(
            "FAIXA_INUTILIZACAO", "nNFIni",
            f"faixa inválida {n_nf_ini}-{n_nf_fin}: nNFIni deve ser >= 1 e <= nNFFin", "224",
        )
    x_just = _check_text("xJust", x_just, 15, 255)
    c_uf = states.uf(endpoint.uf).codigo
    aa = f"{ano % 100:02d}"
    root = _root("inutNFe", endpoint.versao_dados)
    inf = _el(root, "infInut", Id=f"ID{c_uf}{aa}{cnpj}{endpoint.modelo}{serie:03d}{n_nf_ini:09d}{n_nf_fin:09d}")
    _el(inf, "tpAmb", tp_amb(endpoint))
    _el(inf, "xServ", "INUTILIZAR")
    _el(inf, "cUF", c_uf)
    _el(inf, "ano", aa)
    _el(inf, "CNPJ", cnpj)
    _el(inf, "mod", endpoint.modelo)
    _el(inf, "serie", str(serie))
    _el(inf, "nNFIni", str(n_nf_ini))
    _el(inf, "nNFFin", str(n_nf_fin))
    _el(inf, "xJust", x_just)
    return validated(sign_document(root, a1))


# ------------------------------------------------------------------------ conciliação financeira

TP_CONCILIACAO = "110750"


@dataclass(frozen=True, slots=True)
class PagamentoConciliado:
    """One detPag of the ECONF (NT 2024.002, the NF-e group YA fields plus dPag / CNPJPag / UFPag /
    CNPJIF / CNPJReceb / UFReceb of NT 2023.004). For a Pix: tPag 17, the PSP's CNPJ in CNPJPag and
    its UF in UFPag, the endToEndId in cAut."""

    t_pag: str
    v_pag: Decimal
    d_pag: date
    ind_pag: str | None = None
    x_pag: str | None = None
    cnpj_pag: str | None = None
    uf_pag: str | None = None
    cnpj_if: str | None = None
    t_band: str | None = None
    c_aut: str | None = None
    cnpj_receb: str | None = None
    uf_receb: str | None = None

    def campos(self) -> list[tuple[str, str]]:
        """The detPag children in layout order (absent optional fields left out)."""
        valor = self.v_pag.quantize(Decimal("0.01"))
        pares: list[tuple[str, str | None]] = [
            ("indPag", self.ind_pag), ("tPag", self.t_pag), ("xPag", self.x_pag), ("vPag", f"{valor:f}"),
            ("dPag", self.d_pag.isoformat()), ("CNPJPag", self.cnpj_pag), ("UFPag", self.uf_pag),
            ("CNPJIF", self.cnpj_if), ("tBand", self.t_band), ("cAut", self.c_aut),
            ("CNPJReceb", self.cnpj_receb), ("UFReceb", self.uf_receb),
        ]  # fmt: skip
        return [(k, v) for k, v in pares if v is not None]


def c_orgao_conciliacao(chave: str) -> str:
    """cOrgao of an ECONF: 92 (SVRS) for an NF-e, the chave's cUF for an NFC-e (NT 2024.002 P08)."""
    return C_ORGAO_SVRS if chave[20:22] == "55" else chave[0:2]


def conciliacao_financeira(
    endpoint: Endpoint,
    *,
    chave: str,
    pagamentos: Sequence[PagamentoConciliado],
    ver_aplic: str,
    now: datetime,
    a1: A1Certificate,
    n_seq: int = 1,
) -> bytes:
    """Signed evento 110750 "Conciliação Financeira" (ECONF, NT 2024.002) of an authorized NF-e/NFC-e.

    The official e110750 schema is not in schemas/xsd (not obtainable byte-exact), so the envelope is
    validated by the generic event schema (``env_evento``) and detEvento by
    ``engine.nfe.rules.eventos.conciliacao_findings`` here, before signing (cStat 225 avoided).
    ``endpoint`` is the SVRS for an NF-e and the UF's NFC-e authorizer for an NFC-e
    (``SefazClient.conciliacao_financeira`` resolves it); dhEvento is in the time zone of the chave's UF.
    """
    if not 1 <= n_seq <= 20:
        raise _fail("SEQ_EVENTO", "nSeqEvento", f"nSeqEvento deve estar entre 1 e 20 (é {n_seq})", "225")
    _check_chave(chave)
    ver_aplic = _check_text("verAplic", ver_aplic, 1, 20)
    cnpj, c_uf = _autor_e_orgao(chave)
    root = _root("evento", VERSAO_EVENTO)
    inf = _el(root, "infEvento", Id=f"ID{TP_CONCILIACAO}{chave}{n_seq:02d}")
    _el(inf, "cOrgao", c_orgao_conciliacao(chave))
    _el(inf, "tpAmb", tp_amb(endpoint))
    _el(inf, "CNPJ", cnpj)
    _el(inf, "chNFe", chave)
    _el(inf, "dhEvento", _dh(now, states.uf(c_uf).sigla))
    _el(inf, "tpEvento", TP_CONCILIACAO)
    _el(inf, "nSeqEvento", str(n_seq))
    _el(inf, "verEvento", VERSAO_EVENTO)
    det = _el(inf, "detEvento", versao=VERSAO_EVENTO)
    _el(det, "descEvento", DESC_CONCILIACAO)
    _el(det, "verAplic", ver_aplic)
    for pagamento in pagamentos:
        grupo = _el(det, "detPag")
        for name, value in pagamento.campos():
            _el(grupo, name, value)
    findings = list(conciliacao_findings(inf))
    if findings:
        raise ValidationFailed(findings)
    return sign_document(root, a1)
