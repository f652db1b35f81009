"""Document source over a folder of distribution XMLs (the accountant's monthly folder).

Reads ``nfeProc`` (authorised or denied NF-e/NFC-e), ``procEventoNFe`` (cancellation 110111 and
cancellation by substitution 110112 make the document cancelled; CC-e 110110 changes nothing in
the EFD), ``procInutNFe``/``ProcInutNFe`` (voided ranges) and bare ``NFe`` of contingency documents
not yet authorised (tpEmis != 1: an NFC-e offline is a valid document from its issue).

Every file goes through the one hardened parser. The folder is scanned once into a small index
(date, model, series, number, path per document; the set of cancelled keys) so documents can be
yielded ordered by (date, model, series, number); each document is then parsed again when its
turn comes, so only the index — a few dozen bytes per file — stays in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lxml import etree

from engine.errors import Finding, XmlError
from engine.sped.facts import (
    DocumentoFiscal,
    Fato,
    Item,
    NumeracaoInutilizada,
    PagamentoEletronico,
    Participante,
    Situacao,
)
from engine.xml.parser import parse_xml, parse_xml_file

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
_N = "{" + NFE_NS + "}"

# protNFe/infProt/cStat of a usage denial (MOC 7.0 / NT 2011.004): 110, 301, 302, 303 (205 = already denied).
CSTAT_DENEGADA = frozenset({"110", "205", "301", "302", "303"})
CSTAT_AUTORIZADA = frozenset({"100", "150"})
# retEvento/infEvento/cStat of a registered event: 135, 136 (vinculado), 155 (cancelamento fora de prazo).
CSTAT_EVENTO_OK = frozenset({"135", "136", "155"})
TP_CANCELAMENTO = frozenset({"110111", "110112"})
TP_CCE = "110110"
CSTAT_INUT_OK = "102"
# detPag/tPag of electronic payment instruments (MOC 7.0, YA02): 03 crédito, 04 débito, 10-13 vales/
# cartões, 15 boleto is not; 16 depósito, 17 Pix dinâmico, 18 transferência/carteira digital, 20 Pix estático.
TPAG_ELETRONICO = frozenset({"03", "04", "10", "11", "12", "13", "17", "18", "20"})

_ZERO = Decimal("0.00")


def _t(el: etree._Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path)
    return found.text.strip() if found is not None and found.text else ""


def valor_decimal(el: etree._Element | None, path: str) -> Decimal:
    v = _t(el, path)
    return Decimal(v) if v else _ZERO


_d = valor_decimal


def _data(dh: str) -> dt.date:
    """Local date of a dhEmi/dhRecbto (the date as written, in the issuer's own offset)."""
    return dt.date.fromisoformat(dh[:10])


@dataclass(frozen=True, slots=True)
class Entrada:
    """One file of the folder, classified (also used by the monthly package)."""

    path: Path
    tipo: str  # "nfe" | "evento" | "inut"
    chave: str  # of the document (nfe, evento); "" for inutilização
    cnpj: str  # emitter / author
    data: dt.date
    modelo: str
    serie: int
    numero: int  # nNF (nNFIni for inutilização)
    numero_fim: int
    status: str  # autorizada | denegada | contingencia | cancelamento | cce | evento | inutilizada
    tp_evento: str = ""


def classificar(path: Path) -> Entrada | None:
    """What a distribution XML is; None for files that are not one (or not accepted by SEFAZ)."""
    return classificar_raiz(parse_xml_file(path), path)


def classificar_raiz(root: etree._Element, path: Path) -> Entrada | None:
    """``classificar`` for an already parsed root; ``path`` only names where it came from (Entrada.path)."""
    tag = etree.QName(root).localname
    if tag in ("nfeProc", "NFe"):
        nfe = root.find(_N + "NFe") if tag == "nfeProc" else root
        inf = nfe.find(_N + "infNFe") if nfe is not None else None
        if inf is None:
            return None
        ide = inf.find(_N + "ide")
        if tag == "nfeProc":
            cstat = _t(root, f"{_N}protNFe/{_N}infProt/{_N}cStat")
            if cstat in CSTAT_AUTORIZADA:
                status = "autorizada"
            elif cstat in CSTAT_DENEGADA:
                status = "denegada"
            else:
                return None  # a rejection is not a document
        else:
            if _t(ide, _N + "tpEmis") in ("", "1"):
                return None  # normal-emission NF-e without protocol: not (yet) a document
            status = "contingencia"
        return Entrada(path=path, tipo="nfe", chave=str(inf.get("Id", ""))[3:], cnpj=_t(inf, f"{_N}emit/{_N}CNPJ"),
                       data=_data(_t(ide, _N + "dhEmi")), modelo=_t(ide, _N + "mod"), serie=int(_t(ide, _N + "serie")),
                       numero=int(_t(ide, _N + "nNF")), numero_fim=int(_t(ide, _N + "nNF")), status=status)
    if tag == "procEventoNFe":
        inf = root.find(f"{_N}evento/{_N}infEvento")
        if inf is None or _t(root, f"{_N}retEvento/{_N}infEvento/{_N}cStat") not in CSTAT_EVENTO_OK:
            return None
        chave = _t(inf, _N + "chNFe")
        tp = _t(inf, _N + "tpEvento")
        status = "cancelamento" if tp in TP_CANCELAMENTO else ("cce" if tp == TP_CCE else "evento")
        return Entrada(path=path, tipo="evento", chave=chave, cnpj=_t(inf, _N + "CNPJ"),
                       data=_data(_t(inf, _N + "dhEvento")), modelo=chave[20:22], serie=int(chave[22:25] or 0),
                       numero=int(chave[25:34] or 0), numero_fim=int(chave[25:34] or 0), status=status, tp_evento=tp)
    if tag in ("procInutNFe", "ProcInutNFe"):
        inf = root.find(f"{_N}inutNFe/{_N}infInut")
        ret = root.find(f"{_N}retInutNFe/{_N}infInut")
        if inf is None or _t(ret, _N + "cStat") != CSTAT_INUT_OK:
            return None
        return Entrada(path=path, tipo="inut", chave="", cnpj=_t(inf, _N + "CNPJ"),
                       data=_data(_t(ret, _N + "dhRecbto")), modelo=_t(inf, _N + "mod"),
                       serie=int(_t(inf, _N + "serie")), numero=int(_t(inf, _N + "nNFIni")),
                       numero_fim=int(_t(inf, _N + "nNFFin")), status="inutilizada")
    return None


def indexar(pasta: Path, *, avisos: list[Finding] | None = None) -> list[Entrada]:
    """Classify every ``*.xml`` under ``pasta`` (recursively, in name order); unreadable files become notes."""
    out: list[Entrada] = []
    for path in sorted(pasta.rglob("*.xml")):
        try:
            e = classificar(path)
        except (XmlError, ValueError) as exc:
            if avisos is not None:
                avisos.append(Finding(code="SPED_XML_IGNORADO", path=str(path), severity="note",
                                      mensagem=f"arquivo ignorado: {getattr(exc, 'mensagem', exc)}"))
            continue
        if e is not None:
            out.append(e)
    return out


def _participante(dest: etree._Element | None) -> Participante | None:
    if dest is None:
        return None
    cnpj, cpf, estrangeiro = _t(dest, _N + "CNPJ"), _t(dest, _N + "CPF"), _t(dest, _N + "idEstrangeiro")
    ident = cnpj or cpf or estrangeiro
    if not ident:
        return None
    end = dest.find(_N + "enderDest")
    c_pais = _t(end, _N + "cPais") or "1058"
    return Participante(
        cod_part=ident if (cnpj or cpf) else f"EX{ident}", nome=_t(dest, _N + "xNome") or ident,
        cod_pais=c_pais.zfill(5), cnpj=cnpj, cpf=cpf,
        ie=(lambda ie: "" if ie.upper() == "ISENTO" else ie)(_t(dest, _N + "IE")),
        cod_mun=_t(end, _N + "cMun") if c_pais == "1058" else "", suframa=_t(dest, _N + "ISUF"),
        end=_t(end, _N + "xLgr"), num=_t(end, _N + "nro"), compl=_t(end, _N + "xCpl"),
        bairro=_t(end, _N + "xBairro"),
    )


def _item(det: etree._Element) -> Item:
    prod = det.find(_N + "prod")
    imposto = det.find(_N + "imposto")
    icms_grupo = imposto.find(_N + "ICMS") if imposto is not None else None
    icms = icms_grupo[0] if icms_grupo is not None and len(icms_grupo) else None
    cst = _t(icms, _N + "CST")
    # Saídas of a Simples Nacional issuer use the CSOSN (Tabela B) as CST_ICMS (Guia 3.1.8, C170 campo 10).
    cst_icms = (_t(icms, _N + "orig") + cst) if cst else _t(icms, _N + "CSOSN")
    vl_item, vl_desc = _d(prod, _N + "vProd"), _d(prod, _N + "vDesc")
    vl_frete, vl_seg, vl_outro = _d(prod, _N + "vFrete"), _d(prod, _N + "vSeg"), _d(prod, _N + "vOutro")
    vl_bc = _d(icms, _N + "vBC")
    red = _t(icms, _N + "pRedBC")
    ipi_trib = imposto.find(f"{_N}IPI/{_N}IPITrib") if imposto is not None else None
    pis = imposto.find(_N + "PIS") if imposto is not None else None
    cofins = imposto.find(_N + "COFINS") if imposto is not None else None
    ean = _t(prod, _N + "cEAN")
    return Item(
        num_item=int(det.get("nItem", "0")), cod_item=_t(prod, _N + "cProd"), descr=_t(prod, _N + "xProd"),
        unid=_t(prod, _N + "uCom"), qtd=_d(prod, _N + "qCom"), vl_item=vl_item, vl_desc=vl_desc,
        vl_frete=vl_frete, vl_seg=vl_seg, vl_outro=vl_outro, cst_icms=cst_icms, cfop=_t(prod, _N + "CFOP"),
        vl_bc_icms=vl_bc, aliq_icms=_d(icms, _N + "pICMS").quantize(Decimal("0.01")),
        vl_icms=_d(icms, _N + "vICMS") + _d(icms, _N + "vFCP"),
        vl_bc_icms_st=_d(icms, _N + "vBCST"), aliq_st=_d(icms, _N + "pICMSST").quantize(Decimal("0.01")),
        vl_icms_st=_d(icms, _N + "vICMSST") + _d(icms, _N + "vFCPST"),
        # Value not taxed because of the base reduction (C190.VL_RED_BC): operation value - reduced base.
        vl_red_bc=(vl_item - vl_desc + vl_frete + vl_seg + vl_outro - vl_bc) if red else _ZERO,
        vl_ipi=_d(ipi_trib, _N + "vIPI"),
        vl_pis=sum((_d(g, _N + "vPIS") for g in (pis if pis is not None else [])), _ZERO),
        vl_cofins=sum((_d(g, _N + "vCOFINS") for g in (cofins if cofins is not None else [])), _ZERO),
        ncm=_t(prod, _N + "NCM"), cod_barra="" if ean in ("", "SEM GTIN") else ean, cest=_t(prod, _N + "CEST"),
    )


def _ind_pgto(inf: etree._Element) -> str:
    """C100.IND_PGTO (from 01/07/2012): 0 à vista, 1 a prazo, 2 outros."""
    det = inf.findall(f"{_N}pag/{_N}detPag")
    if inf.find(f"{_N}cobr/{_N}dup") is not None or any(_t(d, _N + "indPag") == "1" for d in det):
        return "1"
    if det and all(_t(d, _N + "tPag") == "90" for d in det):
        return "2"  # sem pagamento
    return "0"


def _pagamentos(inf: etree._Element) -> tuple[PagamentoEletronico, ...]:
    """The electronic detPag of a document: institution (card/CNPJ, YA05), intermediary (infIntermed/CNPJ,
    YB02, NT 2020.006) and vPag, in document order (the writer sums them per institution/intermediary)."""
    intermediador = _t(inf, f"{_N}infIntermed/{_N}CNPJ")
    out: list[PagamentoEletronico] = []
    for det in inf.findall(f"{_N}pag/{_N}detPag"):
        if _t(det, _N + "tPag") not in TPAG_ELETRONICO:
            continue
        out.append(PagamentoEletronico(cnpj_ip=_t(det, f"{_N}card/{_N}CNPJ"), cnpj_it=intermediador,
                                       valor=_d(det, _N + "vPag")))
    return tuple(out)


def documento(path: Path, situacao: Situacao) -> DocumentoFiscal:
    """The EFD facts of one nfeProc / NFe file."""
    return documento_de_raiz(parse_xml_file(path), situacao, origem=str(path))


def documento_de_bytes(data: bytes, situacao: Situacao, *, origem: str = "documento") -> DocumentoFiscal:
    """The EFD facts of one nfeProc / NFe held in memory (e.g. a stored document), via the hardened parser."""
    return documento_de_raiz(parse_xml(data), situacao, origem=origem)


def documento_de_raiz(root: etree._Element, situacao: Situacao, *, origem: str = "documento") -> DocumentoFiscal:
    """The EFD facts of an already parsed nfeProc / NFe root element."""
    nfe = root.find(_N + "NFe") if etree.QName(root).localname == "nfeProc" else root
    inf = nfe.find(_N + "infNFe") if nfe is not None else None
    if inf is None:
        raise XmlError(f"{origem}: infNFe ausente", code="SPED_XML_SEM_INFNFE")
    ide = inf.find(_N + "ide")
    tot = inf.find(f"{_N}total/{_N}ICMSTot")
    dh_sai = _t(ide, _N + "dhSaiEnt")
    modelo = _t(ide, _N + "mod")
    pagamentos = _pagamentos(inf)
    if situacao is Situacao.REGULAR and _t(ide, _N + "finNFe") == "2":
        situacao = Situacao.COMPLEMENTAR  # NF-e complementar: COD_SIT 06 (Guia 3.1.8, C100 Exceção 3)
    return DocumentoFiscal(
        modelo=modelo, serie=int(_t(ide, _N + "serie")), numero=int(_t(ide, _N + "nNF")),
        chave=str(inf.get("Id", ""))[3:], dt_doc=_data(_t(ide, _N + "dhEmi")),
        dt_e_s=_data(dh_sai) if dh_sai else None, situacao=situacao,
        ind_oper="0" if _t(ide, _N + "tpNF") == "0" else "1", ind_emit="0",
        participante=_participante(inf.find(_N + "dest")) if modelo == "55" else None,
        ind_pgto=_ind_pgto(inf), ind_frt=_t(inf, f"{_N}transp/{_N}modFrete") or "9",
        vl_doc=_d(tot, _N + "vNF"), vl_desc=_d(tot, _N + "vDesc"), vl_merc=_d(tot, _N + "vProd"),
        vl_frt=_d(tot, _N + "vFrete"), vl_seg=_d(tot, _N + "vSeg"), vl_out_da=_d(tot, _N + "vOutro"),
        vl_bc_icms=_d(tot, _N + "vBC"), vl_icms=_d(tot, _N + "vICMS") + _d(tot, _N + "vFCP"),
        vl_bc_icms_st=_d(tot, _N + "vBCST"), vl_icms_st=_d(tot, _N + "vST") + _d(tot, _N + "vFCPST"),
        vl_ipi=_d(tot, _N + "vIPI"), vl_pis=_d(tot, _N + "vPIS"), vl_cofins=_d(tot, _N + "vCOFINS"),
        itens=tuple(_item(det) for det in inf.findall(_N + "det")), tp_emis=_t(ide, _N + "tpEmis") or "1",
        pagamento_eletronico=bool(pagamentos), pagamentos=pagamentos,
    )


class PastaXml:
    """FonteDocumentos over a folder of distribution XMLs."""

    def __init__(self, pasta: str | Path):
        self.pasta = Path(pasta)
        self.avisos: list[Finding] = []

    def documentos(self, cnpj: str, inicio: dt.date, fim: dt.date) -> Iterator[Fato]:
        entradas = indexar(self.pasta, avisos=self.avisos)
        canceladas = {e.chave for e in entradas if e.status == "cancelamento"}
        docs: dict[str, Entrada] = {}
        fatos: list[tuple[tuple[dt.date, str, int, int], Entrada]] = []
        for e in entradas:
            if e.cnpj != cnpj or not (inicio <= e.data <= fim):
                continue
            if e.tipo == "nfe":
                # An authorised nfeProc supersedes the bare contingency NFe of the same chave.
                anterior = docs.get(e.chave)
                if anterior is None or anterior.status == "contingencia":
                    docs[e.chave] = e
            elif e.tipo == "inut":
                fatos.append(((e.data, e.modelo, e.serie, e.numero), e))
        fatos.extend(((e.data, e.modelo, e.serie, e.numero), e) for e in docs.values())
        fatos.sort(key=lambda par: par[0])
        for _, e in fatos:
            if e.tipo == "inut":
                yield NumeracaoInutilizada(modelo=e.modelo, serie=e.serie, num_ini=e.numero, num_fin=e.numero_fim,
                                           data=e.data)
                continue
            if e.chave in canceladas:
                situacao = Situacao.CANCELADO
            elif e.status == "denegada":
                situacao = Situacao.DENEGADO
            else:
                situacao = Situacao.REGULAR  # contingency documents too: tpEmis is not a situation
            yield documento(e.path, situacao)
