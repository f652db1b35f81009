"""Friendly PDV input + emitter configuration -> the typed NF-e/NFC-e 4.00 model (unsigned).

The builder fills everything the PDV does not know: ide codes (cUF, cNF, cDV, dhEmi in the
emitter state's time zone, tpImp, idDest, verProc...), the chave/Id (engine.nfe.chave), emit from
the configuration, each item's imposto groups and the totals (taxes.py / totals.py), transp, pag with
vTroco, infAdic, infRespTec (with hashCSRT) and, for the NFC-e, infNFeSupl (QR-Code v3 or v2).

The model is assembled as a dict with the layout's names and validated by the generated model
(engine.nfe.model), which then renders in schema order (engine.nfe.xmlio).
"""

from __future__ import annotations

import functools
import random
from datetime import datetime
from decimal import Decimal
from importlib import metadata
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

import states
from engine.errors import Finding
from engine.nfe.build.emitter import Emitente
from engine.nfe.build.input import Cliente, Endereco, Item, Venda
from engine.nfe.build.messages import EntradaInvalida, describe
from engine.nfe.build.money import RATE4, ZERO
from engine.nfe.build.qrcode import hash_csrt, qrcode_v2, qrcode_v3
from engine.nfe.build.rules import NAO_PRESENCIAL, validar_pagamentos, validar_venda
from engine.nfe.build.taxes import ICMSCalc, ItemCalc, PisCofinsCalc, calcular
from engine.nfe.build.totals import Totais, calcular_totais
from engine.nfe.chave import make_chave
from engine.nfe.model import Emit
from engine.nfe.model.base import XmlModel
from engine.nfe.xmlio import root_class

# Homologation texts the SEFAZ demands (cStat 598 for the customer name, 373 for the first NFC-e item).
HOMOLOGACAO_DEST = "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL"
HOMOLOGACAO_ITEM = "NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL"


@functools.cache
def ver_proc() -> str:
    """ide/verProc: the application and its version (read once per process: metadata lookups cost ~1 ms)."""
    try:
        version = metadata.version("ortho-fiscal")
    except metadata.PackageNotFoundError:  # running from a source tree that was not installed
        version = "dev"
    return f"OrthoFiscal {version}"


def _some(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` without its None values: absent optional fields stay absent (not set) in the model.

    The builder hands the model only what is present: every group is filtered here as it is assembled and
    empty groups and lists are left out where they can occur, instead of a recursive clean-up of the finished
    dict (tests/unit/engine/nfe/test_build_fast.py checks that nothing None or empty reaches the model)."""
    return {k: v for k, v in fields.items() if v is not None}


def _endereco(e: Endereco) -> dict[str, Any]:
    return _some({
        "xLgr": e.logradouro, "nro": e.numero, "xCpl": e.complemento, "xBairro": e.bairro,
        "cMun": e.codigo_municipio, "xMun": e.municipio, "UF": e.uf, "CEP": e.cep,
        "cPais": "1058", "xPais": "BRASIL", "fone": e.fone,
    })


def _emit(emitente: Emitente) -> XmlModel | dict[str, Any]:
    """The emit group (C01) of ``emitente``: validated once per emitter and reused (pydantic keeps a model
    instance given for a model field as it is, revalidate_instances='never'), since it comes from the frozen
    configuration alone. Never mutate it in a built document: the next documents of the emitter share it.
    When the layout refuses a value of it, the dict is returned, so the whole document's validation reports
    it with its path and cStat 225, as for any other group."""
    memo = emitente.derivados()
    if memo.emit is None:
        fields = _some({
            "CNPJ": emitente.cnpj, "xNome": emitente.razao_social, "xFant": emitente.nome_fantasia,
            "enderEmit": _endereco(emitente.endereco), "IE": emitente.ie, "IM": emitente.im,
            "CNAE": emitente.cnae if emitente.im else None, "CRT": str(emitente.crt),
        })
        try:
            memo.emit = Emit.model_validate(fields)
        except ValidationError:
            return fields
    emit: XmlModel = memo.emit
    return emit


def _icms(c: ICMSCalc) -> dict[str, Any]:
    fields: dict[str, Any] = {"orig": str(c.orig)}
    if c.csosn is not None:
        fields["CSOSN"] = c.csosn
        if c.grupo == "ICMSSN101":
            fields.update(pCredSN=_p(c.pCredSN), vCredICMSSN=c.vCredICMSSN)
    else:
        fields["CST"] = c.cst
        if c.grupo in ("ICMS00", "ICMS20"):
            fields["modBC"] = str(c.modBC)
            if c.grupo == "ICMS20":
                fields["pRedBC"] = _p(c.pRedBC)
            fields.update(vBC=c.vBC, pICMS=_p(c.pICMS), vICMS=c.vICMS)
            if c.pFCP is not None:
                if c.grupo == "ICMS20":
                    fields["vBCFCP"] = c.vBCFCP
                fields.update(pFCP=_p(c.pFCP), vFCP=c.vFCP)
    return {c.grupo: _some(fields)}


def _pis_cofins(tax: str, c: PisCofinsCalc) -> dict[str, Any]:
    if c.grupo == "NT":
        return {f"{tax}NT": {"CST": c.cst}}
    return {f"{tax}{c.grupo}": _some({"CST": c.cst, "vBC": c.vBC, f"p{tax}": _p(c.aliquota), f"v{tax}": c.valor})}


def _ibscbs(calc: ItemCalc) -> dict[str, Any] | None:
    ib = calc.ibscbs
    if ib is None:
        return None
    out: dict[str, Any] = {"CST": ib.cst, "cClassTrib": ib.cClassTrib}
    if not ib.com_grupo:
        return out

    def red(p_red: Decimal | None, efetiva: Decimal) -> dict[str, Any] | None:
        return _some({"pRedAliq": _p(p_red), "pAliqEfet": _p(efetiva)}) if p_red is not None else None

    out["gIBSCBS"] = {
        "vBC": ib.vBC,
        "gIBSUF": _some({"pIBSUF": _p(ib.pIBSUF), "gRed": red(ib.pRedIBS, ib.pAliqEfetIBSUF), "vIBSUF": ib.vIBSUF}),
        "gIBSMun": _some({"pIBSMun": _p(ib.pIBSMun), "gRed": red(ib.pRedIBS, ib.pAliqEfetIBSMun),
                          "vIBSMun": ib.vIBSMun}),
        "vIBS": ib.vIBS,
        "gCBS": _some({"pCBS": _p(ib.pCBS), "gRed": red(ib.pRedCBS, ib.pAliqEfetCBS), "vCBS": ib.vCBS}),
    }
    return out


@functools.lru_cache(maxsize=512)
def _rate(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    return value.quantize(Decimal("0.01")) if isinstance(exponent, int) and exponent > -2 else value


def _p(value: Decimal | None) -> Decimal | None:
    """Rates (TDec_0302a04) are written with at least 2 decimals (18 -> 18.00, 1.65 stays, 0.0400 stays);
    a document has few distinct rates, so the normalisation is cached (Decimal.as_tuple is slow)."""
    return None if value is None else _rate(value)


def _nz(value: Decimal) -> Decimal | None:
    """Optional money fields of prod (vFrete, vDesc, vOutro) are omitted when zero."""
    return value if value != ZERO else None


def _det(n: int, item: Item, calc: ItemCalc, venda: Venda, emitente: Emitente) -> dict[str, Any]:
    descricao = item.descricao
    if n == 1 and venda.modelo == 65 and emitente.ambiente == 2:
        descricao = HOMOLOGACAO_ITEM  # cStat 373
    gtin = item.gtin or "SEM GTIN"
    v = calc.valores
    qtd = item.quantidade.quantize(RATE4)  # qCom/qTrib written with 4 decimals
    vun = _p(item.valor_unitario)
    imposto = _some({
        "vTotTrib": calc.vTotTrib,
        "ICMS": _icms(calc.icms),
        "PIS": _pis_cofins("PIS", calc.pis),
        "COFINS": _pis_cofins("COFINS", calc.cofins),
        "IBSCBS": _ibscbs(calc),
    })
    return _some({
        "nItem": str(n),
        "prod": _some({
            "cProd": item.codigo, "cEAN": gtin, "xProd": descricao, "NCM": item.ncm, "CEST": item.cest,
            "CFOP": calc.cfop, "uCom": item.unidade, "qCom": qtd, "vUnCom": vun,
            "vProd": v.vProd, "cEANTrib": gtin, "uTrib": item.unidade, "qTrib": qtd, "vUnTrib": vun,
            "vFrete": _nz(v.vFrete), "vSeg": _nz(v.vSeg), "vDesc": _nz(v.vDesc),
            "vOutro": _nz(v.vOutro), "indTot": "1",
        }),
        "imposto": imposto,
        "infAdProd": item.informacoes_adicionais,
        "vItem": calc.vItem if calc.ibscbs is not None else None,
    })


def _total(t: Totais) -> dict[str, Any]:
    icms_tot = {
        "vBC": t.vBC, "vICMS": t.vICMS, "vICMSDeson": t.vICMSDeson, "vFCP": t.vFCP, "vBCST": t.vBCST, "vST": t.vST,
        "vFCPST": t.vFCPST, "vFCPSTRet": t.vFCPSTRet, "vProd": t.vProd, "vFrete": t.vFrete, "vSeg": t.vSeg,
        "vDesc": t.vDesc, "vII": t.vII, "vIPI": t.vIPI, "vIPIDevol": t.vIPIDevol, "vPIS": t.vPIS,
        "vCOFINS": t.vCOFINS, "vOutro": t.vOutro, "vNF": t.vNF, "vTotTrib": t.vTotTrib,
    }
    out: dict[str, Any] = {"ICMSTot": _some(icms_tot)}
    if t.ibscbs is not None:
        ib = t.ibscbs
        out["IBSCBSTot"] = {
            "vBCIBSCBS": ib.vBCIBSCBS,
            "gIBS": {
                "gIBSUF": {"vDif": ZERO, "vDevTrib": ZERO, "vIBSUF": ib.vIBSUF},
                "gIBSMun": {"vDif": ZERO, "vDevTrib": ZERO, "vIBSMun": ib.vIBSMun},
                "vIBS": ib.vIBS, "vCredPres": ZERO, "vCredPresCondSus": ZERO,
            },
            "gCBS": {"vDif": ZERO, "vDevTrib": ZERO, "vCBS": ib.vCBS, "vCredPres": ZERO, "vCredPresCondSus": ZERO},
        }
        out["vNFTot"] = t.vNFTot
    return out


def _dest(cliente: Cliente, venda: Venda, emitente: Emitente) -> dict[str, Any]:
    nome = cliente.nome
    if nome and emitente.ambiente == 2:
        nome = HOMOLOGACAO_DEST  # cStat 598
    dest: dict[str, Any] = {"CPF": cliente.cpf, "CNPJ": cliente.cnpj, "xNome": nome}
    if cliente.endereco is not None:
        dest["enderDest"] = _endereco(cliente.endereco)
    # indIEDest: 1 contribuinte with IE, 9 não contribuinte (always 9 on the NFC-e, cStat 729/789)
    dest["indIEDest"] = "1" if (cliente.ie and venda.modelo == 55) else "9"
    if cliente.ie and venda.modelo == 55:
        dest["IE"] = cliente.ie
    dest["email"] = cliente.email
    return _some(dest)


def _pag(venda: Venda, v_troco: Decimal | None) -> dict[str, Any]:
    if not venda.pagamentos:
        # NF-e without payment information: tPag 90 "Sem pagamento" (NT 2016.002).
        return {"detPag": [{"tPag": "90", "vPag": ZERO}]}
    det = []
    for p in venda.pagamentos:
        card = None
        if p.cartao is not None:
            card = _some({"tpIntegra": str(p.cartao.integracao), "CNPJ": p.cartao.cnpj_credenciadora,
                          "tBand": p.cartao.bandeira, "cAut": p.cartao.autorizacao})
        det.append(_some({"indPag": "1" if p.a_prazo else "0", "tPag": p.forma, "xPag": p.descricao,
                          "vPag": p.valor, "card": card}))
    return _some({"detPag": det, "vTroco": v_troco})


def build_nfe(venda: Venda, emitente: Emitente, *, now: datetime, rng: random.Random | None = None,
              numero: int | None = None) -> XmlModel:
    """Build the unsigned NFe model of ``venda``.

    ``now`` must be timezone-aware (the clock is passed in; dhEmi is written in the emitter state's
    time zone from ``states``). ``rng`` draws cNF (default: the OS CSPRNG). ``numero`` overrides
    ``venda.numero``. Raises EntradaInvalida (pt-BR findings with JSON paths) for input the SEFAZ
    would reject.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    findings: list[Finding] = validar_venda(venda, emitente)
    nnf = numero if numero is not None else venda.numero
    if nnf is None:
        findings.append(Finding(code="NUMERO_AUSENTE", path="numero",
                                mensagem="número da nota (nNF) não informado: envie 'numero' ou use --numero"))
    if findings:
        raise EntradaInvalida(findings)
    assert nnf is not None
    uf_emit = states.uf(emitente.endereco.uf)
    if emitente.endereco.codigo_municipio[:2] != uf_emit.codigo:
        raise EntradaInvalida([Finding(code="EMITENTE_MUNICIPIO_UF", path="emitente.endereco.codigo_municipio",
                                       mensagem=f"município {emitente.endereco.codigo_municipio} não pertence à UF "
                                       f"{uf_emit.sigla} (código {uf_emit.codigo})", cstat="273")])
    dh_emi = now.astimezone(ZoneInfo(uf_emit.timezone)).replace(microsecond=0)
    cliente = venda.cliente
    interestadual = (venda.modelo == 55 and cliente is not None and cliente.endereco is not None
                     and cliente.endereco.uf != emitente.endereco.uf)
    if (interestadual and venda.consumidor_final and cliente is not None and not cliente.ie
            and emitente.crt in (2, 3)):
        # EC 87/2015: an interstate sale to a final consumer who is not an ICMS taxpayer needs the
        # ICMSUFDest group (partilha / DIFAL), which this input does not compute.
        raise EntradaInvalida([Finding(
            code="DIFAL_NAO_SUPORTADO", path="cliente.endereco.uf", cstat="694",
            mensagem=f"venda interestadual para {cliente.endereco.uf if cliente.endereco else '?'} a consumidor "
            "final não contribuinte exige o grupo ICMSUFDest (partilha do ICMS, EC 87/2015), que a entrada "
            "simplificada não calcula")])
    calc = calcular(venda, emitente, dh_emi.date(), interestadual=interestadual)
    totais = calcular_totais(calc.itens, calc.periodo)
    v_troco, pag_findings = validar_pagamentos(venda, totais.vNF)
    if pag_findings:
        raise EntradaInvalida(pag_findings)

    serie = venda.serie if venda.serie is not None else (
        emitente.series.nfe if venda.modelo == 55 else emitente.series.nfce)
    chave = make_chave(uf=uf_emit.sigla, ano_mes=dh_emi.date(), emitente=emitente.cnpj, mod=venda.modelo,
                       serie=serie, nnf=nnf, tp_emis=1, rng=rng)
    ide: dict[str, Any] = {
        "cUF": uf_emit.codigo, "cNF": chave[35:43], "natOp": venda.natureza_operacao, "mod": str(venda.modelo),
        "serie": str(serie), "nNF": str(nnf), "dhEmi": dh_emi.isoformat(), "tpNF": "1",
        "idDest": "2" if interestadual else "1", "cMunFG": emitente.endereco.codigo_municipio,
        "tpImp": "4" if venda.modelo == 65 else "1", "tpEmis": "1", "cDV": chave[43],
        "tpAmb": str(emitente.ambiente), "finNFe": "1",
        "indFinal": "1" if (venda.modelo == 65 or venda.consumidor_final) else "0",
        "indPres": str(venda.presenca),
        "indIntermed": ("1" if venda.intermediador else "0") if venda.presenca in NAO_PRESENCIAL else None,
        "procEmi": "0", "verProc": ver_proc(),
        "NFref": [{"refNFe": d.chave} for d in venda.documentos_referenciados] or None,
    }
    inf: dict[str, Any] = {
        "versao": "4.00", "Id": f"NFe{chave}", "ide": _some(ide), "emit": _emit(emitente),
        "dest": _dest(cliente, venda, emitente) if cliente is not None else None,
        "autXML": [{"CPF": d} if len(d) == 11 else {"CNPJ": d} for d in emitente.autorizados_xml] or None,
        "det": [_det(n, item, c, venda, emitente) for n, (item, c) in enumerate(zip(venda.itens, calc.itens,
                                                                                      strict=True), start=1)],
        "total": _total(totais),
        "transp": {"modFrete": str(venda.frete.modalidade)},
        "pag": _pag(venda, v_troco),
        "infIntermed": ({"CNPJ": venda.intermediador.cnpj, "idCadIntTran": venda.intermediador.identificador}
                        if venda.intermediador else None),
        "infAdic": _some({"infAdFisco": venda.informacoes_fisco, "infCpl": venda.informacoes_complementares})
        or None,
    }
    rt = emitente.responsavel_tecnico
    if rt is not None:
        inf["infRespTec"] = _some({
            "CNPJ": rt.cnpj, "xContato": rt.contato, "email": rt.email, "fone": rt.fone,
            "idCSRT": rt.csrt.id if rt.csrt else None,
            "hashCSRT": hash_csrt(rt.csrt.token, chave) if rt.csrt else None,
        })
    doc: dict[str, Any] = {"infNFe": _some(inf)}
    if venda.modelo == 65:
        urls = states.qrcode_urls(uf_emit.sigla, emitente.ambiente)
        if emitente.qrcode_versao == 3:
            qr = qrcode_v3(urls.qrcode, chave, emitente.ambiente)
        else:
            assert emitente.csc is not None  # guaranteed by the Emitente validator
            qr = qrcode_v2(urls.qrcode, chave, emitente.ambiente, emitente.csc.id, emitente.csc.token)
        doc["infNFeSupl"] = {"qrCode": qr, "urlChave": urls.url_chave}
    try:
        return root_class("NFe").model_validate(doc)
    except ValidationError as exc:  # a value the layout refuses that the input rules did not catch
        raise EntradaInvalida([
            Finding(code="LEIAUTE", path="/".join(str(p) for p in err["loc"]),
                    mensagem=f"valor recusado pelo leiaute da NF-e: {describe(err)}", cstat="225")
            for err in exc.errors(include_url=False)
        ]) from exc
