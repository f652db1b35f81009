"""Contingency documents: NFC-e off-line (tpEmis 9), NF-e through SVC-AN / SVC-RS (tpEmis 6 / 7), NF-e in
EPEC (tpEmis 4) and the NFC-e in EPEC where the UF runs it (SP, NT 2014.003).

``to_offline`` / ``to_svc`` / ``to_epec`` turn a document built for normal emission (tpEmis 1, signed or not) into
a NEW unsigned document for contingency. What changes, and why:

- ``ide/tpEmis`` (B22): 9 for the NFC-e off-line contingency; 6 (SVC-AN) or 7 (SVC-RS) for the NF-e,
  the SVC of the emitter's UF being data (``states.uf(...).nfe_contingencia``); 4 for the NF-e in EPEC
  (the Ambiente Nacional registers the EPEC for every UF, NT 2014.001) and for the NFC-e of a UF with its own
  NFC-e EPEC (``states`` flag ``nfce_epec``: SP);
- ``ide/dhCont`` (B28) and ``ide/xJust`` (B29), required for tpEmis other than 1: the moment of
  entering contingency in the emitter UF's time zone (``states``) and the reason, 15-256 characters;
- the chave de acesso: tpEmis is its 35th character, so ``infNFe/@Id``, ``ide/cDV`` change with it;
  ``ide/cNF`` is kept (it is redrawn only when it would equal a new nNF, NT 2019.001 B03-10);
- ``ide/nNF`` only when the caller gives a new number. Ajuste SINIEF 19/16 (NFC-e), cláusula décima
  primeira § 2º, forbids reusing in contingency the number of an NFC-e already transmitted with
  tpEmis normal: the online attempt may have been authorized, and it is resolved later (cancelled by
  substitution, event 110112, when authorized; its number inutilizado when not). Hence
  ``transmitida=True`` requires ``nnf``; a document never sent may keep its number. The same rule
  is applied to the NF-e (Ajuste SINIEF 07/05, cláusula décima primeira): a number already sent to
  the normal authorizer is not reused in SVC, whose authorizations reach the origin later;
- ``infRespTec/hashCSRT`` when present (NT 2018.005: SHA-1 of CSRT + chave), so the CSRT is needed;
- any ``Signature`` and the on-line ``infNFeSupl`` are dropped: the caller signs the new document.

The NFC-e off-line QR-Code depends on the signed document (v2 covers its DigestValue, v3 is signed
with the certificate), so it is added after signing by ``finalize_offline``, which inserts
``infNFeSupl`` between ``infNFe`` and ``Signature``: the signature covers only ``infNFe`` (its
Reference is ``#NFe<chave>``), so inserting the sibling keeps it valid.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

from lxml import etree

import states
from certificates.a1 import A1Certificate
from engine.errors import Finding, InputError
from engine.nfe.chave import RandomSource, check_chave, cnf_permitido, dv_chave, gerar_cnf
from engine.nfe.qrcode import DSIG_NS, NFE_NS, QrSigner, VersaoQrCode, hash_csrt, qrcode_for_document
from engine.xml.parser import parse_xml

__all__ = [
    "TP_EMIS_EPEC", "TP_EMIS_SVC", "XJUST_MAX", "XJUST_MIN", "contingency_findings", "finalize_epec",
    "finalize_offline", "to_epec", "to_offline", "to_svc",
]

_N = "{" + NFE_NS + "}"
_SIGNATURE = "{" + DSIG_NS + "}Signature"

XJUST_MIN, XJUST_MAX = 15, 256  # ide/xJust (B29), leiauteNFe_v4.00.xsd
TP_EMIS_SVC = {"SVC-AN": "6", "SVC-RS": "7"}  # B22
TP_EMIS_EPEC = "4"  # B22: EPEC (Evento Prévio de Emissão em Contingência): NF-e (AN), NFC-e where the UF runs it
# TString of the layout: no leading/trailing blanks, printable characters only.
_TSTRING = re.compile(r"[!-ÿ]{1}[ -ÿ]*[!-ÿ]{1}|[!-ÿ]{1}")


def _nfe_root(documento: etree._Element | bytes) -> etree._Element:
    root = parse_xml(documento) if isinstance(documento, bytes) else copy.deepcopy(documento)
    if root.tag != _N + "NFe":
        raise InputError(
            f"esperado o elemento NFe, recebido '{etree.QName(root).localname}'", code="CONTINGENCIA_DOCUMENTO"
        )
    return root


def _child(parent: etree._Element, name: str) -> etree._Element:
    el = parent.find(_N + name)
    if el is None:
        raise InputError(f"documento sem o campo {name}", code="CONTINGENCIA_DOCUMENTO")
    return el


def _xjust(xjust: str) -> str:
    texto = " ".join(xjust.split())
    if not XJUST_MIN <= len(texto) <= XJUST_MAX:
        raise InputError(
            f"justificativa da contingência (xJust) deve ter de {XJUST_MIN} a {XJUST_MAX} caracteres; "
            f"informados {len(texto)} — evita a rejeição 225 (falha no schema)",
            code="CONTINGENCIA_XJUST",
            path="xJust",
            cstat="225",
        )
    if not _TSTRING.fullmatch(texto):
        raise InputError(
            "justificativa da contingência (xJust) com caracteres não permitidos pelo leiaute",
            code="CONTINGENCIA_XJUST",
            path="xJust",
            cstat="225",
        )
    return texto


def _dh_cont(now: dt.datetime, cuf: str) -> str:
    if now.tzinfo is None:
        raise InputError("horário de entrada em contingência sem fuso horário", code="CONTINGENCIA_DHCONT")
    # dhCont in the emitter UF's zone (TDateTimeUTC with offset), like dhEmi.
    return now.astimezone(states.uf(cuf).zoneinfo()).replace(microsecond=0).isoformat()


def _set_ide(ide: etree._Element, name: str, value: str, after: str) -> None:
    """Set ide/<name>, creating it right after ide/<after> (schema order: verProc, dhCont, xJust, NFref)."""
    el = ide.find(_N + name)
    if el is None:
        anchor = _child(ide, after)
        el = ide.makeelement(_N + name)
        anchor.addnext(el)
    el.text = value


def _to_contingency(
    documento: etree._Element | bytes,
    *,
    modelo: str,
    tp_emis: str,
    now: dt.datetime,
    xjust: str,
    transmitida: bool,
    nnf: int | None,
    csrt: str | None,
    rng: RandomSource | None,
    origens: frozenset[str] = frozenset({"1"}),
) -> etree._Element:
    nfe = _nfe_root(documento)
    inf = _child(nfe, "infNFe")
    ide = _child(inf, "ide")
    mod, atual = _child(ide, "mod").text or "", _child(ide, "tpEmis").text or ""
    nome = "NFC-e" if modelo == "65" else "NF-e"
    if mod != modelo:
        raise InputError(
            f"contingência com tpEmis {tp_emis} é só para {nome} (modelo {modelo}); o documento é modelo {mod}",
            code="CONTINGENCIA_MODELO",
            path="ide.mod",
        )
    if atual not in origens:
        aceitos = " ou ".join(sorted(origens))
        raise InputError(
            f"só um documento com tpEmis {aceitos} passa para a contingência com tpEmis {tp_emis}; "
            f"este tem tpEmis {atual}",
            code="CONTINGENCIA_TPEMIS",
            path="ide.tpEmis",
        )
    justificativa = _xjust(xjust)
    nnf_el, cnf_el = _child(ide, "nNF"), _child(ide, "cNF")
    atual_nnf = int(nnf_el.text or "0")
    if transmitida and (nnf is None or nnf == atual_nnf):
        raise InputError(
            f"o número {atual_nnf} já foi transmitido em emissão normal e não pode ser reutilizado em "
            "contingência (Ajuste SINIEF 19/16, cláusula décima primeira, § 2º): informe um novo nNF; "
            "o documento original será cancelado (se autorizado) ou terá o número inutilizado",
            code="CONTINGENCIA_NUMERO",
            path="ide.nNF",
            cstat="539",
        )
    novo_nnf = atual_nnf if nnf is None else nnf
    if not 1 <= novo_nnf <= 999_999_999:
        raise InputError(f"nNF deve estar entre 1 e 999999999, recebido {novo_nnf}", code="CONTINGENCIA_NUMERO")
    cnf = cnf_el.text or ""
    if not cnf_permitido(cnf, novo_nnf):  # NT 2019.001 B03-10 (cStat 897): cNF may not equal nNF
        cnf = gerar_cnf(novo_nnf, rng)

    antiga = (inf.get("Id") or "")[3:]
    if len(antiga) != 44:
        raise InputError("infNFe sem o Id com a chave de acesso", code="CONTINGENCIA_DOCUMENTO")
    # cUF, AAMM, CNPJ/CPF and mod are unchanged (positions 1-22); série too (23-25).
    corpo = f"{antiga[:25]}{novo_nnf:09d}{tp_emis}{cnf}"
    chave = corpo + dv_chave(corpo)
    problemas = check_chave(chave)
    if problemas:
        raise InputError(problemas[0].mensagem, code=problemas[0].code, cstat=problemas[0].cstat)

    cuf = _child(ide, "cUF").text or ""
    nnf_el.text = str(novo_nnf)
    cnf_el.text = cnf
    _child(ide, "tpEmis").text = tp_emis
    _child(ide, "cDV").text = chave[43]
    _set_ide(ide, "dhCont", _dh_cont(now, cuf), after="verProc")
    _set_ide(ide, "xJust", justificativa, after="dhCont")
    inf.set("Id", "NFe" + chave)

    hash_el = inf.find(f"{_N}infRespTec/{_N}hashCSRT")
    if hash_el is not None:
        if not csrt:
            raise InputError(
                "o documento tem infRespTec/hashCSRT, que depende da chave: informe o CSRT do responsável "
                "técnico para recalculá-lo (NT 2018.005)",
                code="CONTINGENCIA_CSRT",
                path="infRespTec.hashCSRT",
            )
        hash_el.text = hash_csrt(csrt, chave)

    for el in nfe.findall(_SIGNATURE) + nfe.findall(_N + "infNFeSupl"):
        nfe.remove(el)
    return nfe


def to_offline(
    documento: etree._Element | bytes,
    *,
    now: dt.datetime,
    xjust: str,
    transmitida: bool,
    nnf: int | None = None,
    csrt: str | None = None,
    rng: RandomSource | None = None,
) -> etree._Element:
    """The NFC-e (model 65, tpEmis 1) as a new unsigned off-line contingency NFC-e (tpEmis 9).

    ``now`` is when contingency began (dhCont); ``transmitida`` says whether the normal document was
    ever sent to SEFAZ (then ``nnf``, a new number of the same series, is required); ``csrt`` recomputes
    hashCSRT; ``rng`` draws a new cNF only when the kept one would equal the new nNF. Sign the result,
    then call ``finalize_offline`` for the QR-Code.

    The source may also be an NFC-e built for EPEC (tpEmis 4) whose EPEC was never registered (SP's EPEC
    service switched off, or the EPEC refused): nothing was accepted under its chave, so it becomes the
    off-line NFC-e (a number never transmitted is kept).
    """
    return _to_contingency(
        documento, modelo="65", tp_emis="9", now=now, xjust=xjust, transmitida=transmitida, nnf=nnf, csrt=csrt,
        rng=rng, origens=frozenset({"1", TP_EMIS_EPEC}),
    )


def to_svc(
    documento: etree._Element | bytes,
    *,
    now: dt.datetime,
    xjust: str,
    transmitida: bool,
    nnf: int | None = None,
    csrt: str | None = None,
    rng: RandomSource | None = None,
) -> etree._Element:
    """The NF-e (model 55, tpEmis 1) as a new unsigned NF-e for the UF's SVC: tpEmis 6 (SVC-AN) or
    7 (SVC-RS) from ``states``; same arguments as ``to_offline``. Send it to the SVC endpoint
    (``states.endpoint(..., contingency=True)``)."""
    root = parse_xml(documento) if isinstance(documento, bytes) else documento
    cuf = root.findtext(f"{_N}infNFe/{_N}ide/{_N}cUF") or ""
    try:
        svc = states.uf(cuf).nfe_contingencia
    except states.UnknownUF as exc:
        raise InputError(f"UF do emitente desconhecida: cUF {cuf!r}", code="CONTINGENCIA_UF") from exc
    return _to_contingency(
        root, modelo="55", tp_emis=TP_EMIS_SVC[svc], now=now, xjust=xjust, transmitida=transmitida, nnf=nnf,
        csrt=csrt, rng=rng,
    )


def to_epec(
    documento: etree._Element | bytes,
    *,
    now: dt.datetime,
    xjust: str,
    transmitida: bool,
    nnf: int | None = None,
    csrt: str | None = None,
    rng: RandomSource | None = None,
    modelo: str = "55",
) -> etree._Element:
    """The NF-e (model 55, tpEmis 1) as a new unsigned NF-e for the EPEC contingency (tpEmis 4; NT
    2014.001): sign it, register its EPEC (event 110140) at the Ambiente Nacional from the signed
    document, print the DANFE with the EPEC's protocol, and transmit these very bytes to the normal
    authorizer once it answers again (within 168 h of the EPEC, else new EPEC are refused, cStat 142).
    The EPEC carries the chave, dhEmi, the emitter's IE, the recipient and vNF/vICMS/vST: the NF-e sent
    later must keep them (467 otherwise), which is why the signed bytes are stored and never rebuilt.
    Same arguments as ``to_offline``; a number sent before is not reused (``nnf``). The source may also
    be an NF-e issued for the SVC (tpEmis 6/7) that the SVC did not answer for: EPEC is the fallback
    when the SVC is down too, and dhCont/xJust are replaced by the EPEC's own.

    ``modelo="65"``: the NFC-e (tpEmis 1) in EPEC, only in a UF that runs its own NFC-e EPEC (flag
    ``nfce_epec`` in ``states``: SP, NT 2014.003 "EPEC da NFC-e"). The EPEC goes to the UF (cOrgao 35),
    the NFC-e must be authorised within 24 h (else SP blocks new EPEC, 142), and its QR-Code is the
    ON-LINE form (only tpEmis 9 uses the off-line one): sign the result, then ``finalize_epec``."""
    origens = frozenset({"1", *TP_EMIS_SVC.values()})
    if modelo == "65":
        root = parse_xml(documento) if isinstance(documento, bytes) else documento
        cuf = root.findtext(f"{_N}infNFe/{_N}ide/{_N}cUF") or ""
        try:
            uf = states.uf(cuf)
        except states.UnknownUF as exc:
            raise InputError(f"UF do emitente desconhecida: cUF {cuf!r}", code="CONTINGENCIA_UF") from exc
        if not uf.has_flag("nfce_epec"):
            raise InputError(
                f"{uf.sigla} não oferece EPEC para a NFC-e (só SP tem o serviço): use a contingência off-line "
                "(tpEmis 9)",
                code="CONTINGENCIA_EPEC_UF",
                path="ide.tpEmis",
            )
        documento, origens = root, frozenset({"1"})
    return _to_contingency(
        documento, modelo=modelo, tp_emis=TP_EMIS_EPEC, now=now, xjust=xjust, transmitida=transmitida, nnf=nnf,
        csrt=csrt, rng=rng, origens=origens,
    )


def finalize_offline(
    signed: etree._Element | bytes,
    *,
    versao: VersaoQrCode,
    id_csc: str | int | None = None,
    csc: str | None = None,
    signer: QrSigner | A1Certificate | None = None,
) -> bytes:
    """Insert infNFeSupl (off-line QR-Code + urlChave) into a signed tpEmis 9 NFC-e; returns the bytes
    to store and send (UTF-8, no XML declaration).

    v2 needs the CSC (``id_csc``/``csc``); v3 a ``signer`` with the emitter's certificate. The URLs
    are the UF's for the document's tpAmb (``states.qrcode_urls``). The signature is not touched.
    """
    return _finalize(signed, "9", "QR-Code off-line só para NFC-e (modelo 65) com tpEmis 9", versao=versao,
                     id_csc=id_csc, csc=csc, signer=signer)


def finalize_epec(
    signed: etree._Element | bytes,
    *,
    versao: VersaoQrCode,
    id_csc: str | int | None = None,
    csc: str | None = None,
) -> bytes:
    """Insert infNFeSupl into a signed NFC-e in EPEC (model 65, tpEmis 4): the ON-LINE QR-Code of the new
    chave (v3 ``chave|3|tpAmb``, v2 with the CSC) - the DANFE NFC-e/QR-Code manual keeps the off-line form
    for tpEmis 9 only (docs/nfce-epec-sp.md §4). Returns the bytes to store, send and print."""
    return _finalize(signed, TP_EMIS_EPEC, "QR-Code da NFC-e em EPEC só para NFC-e (modelo 65) com tpEmis 4",
                     versao=versao, id_csc=id_csc, csc=csc, signer=None)


def _finalize(
    signed: etree._Element | bytes,
    tp_emis: str,
    recusa: str,
    *,
    versao: VersaoQrCode,
    id_csc: str | int | None,
    csc: str | None,
    signer: QrSigner | A1Certificate | None,
) -> bytes:
    nfe = _nfe_root(signed)
    inf = _child(nfe, "infNFe")
    ide = _child(inf, "ide")
    sig = nfe.find(_SIGNATURE)
    if sig is None:
        raise InputError(
            "assine a NFC-e de contingência antes de gerar o QR-Code (o off-line usa a assinatura; a assinatura "
            "cobre só infNFe, o QR-Code entra ao lado dela)",
            code="CONTINGENCIA_SEM_ASSINATURA",
        )
    if (_child(ide, "tpEmis").text or "") != tp_emis or (_child(ide, "mod").text or "") != "65":
        raise InputError(recusa, code="CONTINGENCIA_TPEMIS")
    urls = states.qrcode_urls(_child(ide, "cUF").text or "", _child(ide, "tpAmb").text or "")
    qrcode = qrcode_for_document(nfe, versao=versao, base_url=urls.qrcode, id_csc=id_csc, csc=csc, signer=signer)
    for old in nfe.findall(_N + "infNFeSupl"):
        nfe.remove(old)
    # Created inside the document so it shares the default namespace declaration of NFe.
    supl = etree.SubElement(nfe, _N + "infNFeSupl")
    etree.SubElement(supl, _N + "qrCode").text = qrcode
    etree.SubElement(supl, _N + "urlChave").text = urls.url_chave
    sig.addprevious(supl)
    return etree.tostring(nfe, encoding="UTF-8")


def contingency_findings(nfe: etree._Element, *, now: dt.datetime | None = None) -> list[Finding]:
    """The contingency fields of an ``NFe`` checked as SEFAZ does (empty list = consistent):

    - 556: dhCont/xJust given for tpEmis 1; 557: missing for another tpEmis (B28/B29);
    - 558: dhCont after ``now`` (the reception time, when given);
    - 711: NF-e (55) with tpEmis 9; 783: NFC-e (65) through the SVC (tpEmis 6/7);
    - 713: tpEmis 6/7 that is not the SVC of the emitter's UF (``states``).
    """
    out: list[Finding] = []
    ide = nfe.find(f"{_N}infNFe/{_N}ide")
    if ide is None:
        return out
    tp_emis, mod, cuf = (ide.findtext(_N + name) or "" for name in ("tpEmis", "mod", "cUF"))

    def add(code: str, mensagem: str, campo: str, cstat: str) -> None:
        out.append(Finding(code=code, mensagem=mensagem, path=f"infNFe.ide.{campo}",
                           xpath=f"/NFe/infNFe/ide/{campo}", cstat=cstat))

    dh_cont, xjust = ide.findtext(_N + "dhCont"), ide.findtext(_N + "xJust")
    if tp_emis == "1" and (dh_cont or xjust):
        add("CONTINGENCIA_EM_EMISSAO_NORMAL",
            "dhCont e xJust (entrada em contingência) não devem ser informados para emissão normal (tpEmis 1)",
            "xJust" if xjust else "dhCont", "556")
    if tp_emis not in ("", "1") and not (dh_cont and xjust):
        add("CONTINGENCIA_SEM_JUSTIFICATIVA",
            f"tpEmis {tp_emis} exige a data/hora (dhCont) e a justificativa (xJust) da entrada em contingência",
            "xJust", "557")
    if dh_cont and now is not None:
        try:
            quando = dt.datetime.fromisoformat(dh_cont)
        except ValueError:
            quando = None  # the schema (TDateTimeUTC) reports it
        if quando is not None and quando.tzinfo is not None and quando > now:
            add("CONTINGENCIA_DHCONT_FUTURA",
                f"data de entrada em contingência {dh_cont} posterior à data de recebimento", "dhCont", "558")
    if mod == "55" and tp_emis == "9":
        add("CONTINGENCIA_OFFLINE_NFE", "contingência off-line (tpEmis 9) é só para NFC-e", "tpEmis", "711")
    if mod == "65" and tp_emis in ("6", "7"):
        add("CONTINGENCIA_SVC_NFCE", "NFC-e não é autorizada pela SVC (tpEmis 6 ou 7)", "tpEmis", "783")
    if mod == "55" and tp_emis in ("6", "7"):
        try:
            svc = states.uf(cuf).nfe_contingencia
        except states.UnknownUF:
            return out
        if TP_EMIS_SVC[svc] != tp_emis:
            add("CONTINGENCIA_SVC_UF",
                f"tpEmis {tp_emis} não corresponde à SVC da UF {states.uf(cuf).sigla} ({svc}, tpEmis "
                f"{TP_EMIS_SVC[svc]})", "tpEmis", "713")
    return out
