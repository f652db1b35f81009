"""DANFE (NF-e, model 55) and DANFE NFC-e (model 65) as PDF, with brazilfiscalreport.

``render_danfe(xml, options=...)`` takes an ``NFe`` or ``nfeProc`` (bytes), parses it with the one
hardened parser (``engine.xml.parse_xml``), decides what the auxiliary document must say about
its situation (``plan_danfe``) and draws it:

* model 65 -> brazilfiscalreport's ``Danfce`` (thermal roll, 80 mm by default). That class already
  prints, under the title, the notices the Manual de Especificações Técnicas do DANFE NFC-e e QR
  Code requires: "EMITIDA EM AMBIENTE DE HOMOLOGAÇÃO - SEM VALOR FISCAL" for tpAmb 2, "EMITIDA EM
  CONTINGÊNCIA" for tpEmis other than 1 and "Pendente de autorização" while there is no protNFe;
  the QR-Code from infNFeSupl/qrCode, the consulta URL (urlChave) and the chave in groups of four;
  nProt + dhRecbto when authorised. We check before drawing that those sources are there (an NFC-e
  without infNFeSupl is refused: cStat 394), so the library never prints a receipt without them. An
  NFC-e in EPEC (tpEmis 4, SP, NT 2014.003) not yet authorised needs its registered EPEC and prints the
  EPEC's protocol and date where the authorization protocol goes (a thin subclass, ``_EpecDanfce``).
* model 55 -> brazilfiscalreport's A4 DANFE, in the layout in force on the issue date (MOC 7.0
  Anexo II before 2026-12-01, NT 2026.010 from then on: the library's own rule). The library knows
  nothing of contingency: a thin subclass (three hooks, pinned version) adds
  - for SVC-AN / SVC-RS (tpEmis 6 / 7, authorised by the SVC): "EMITIDA EM CONTINGÊNCIA SVC-AN"
    (or SVC-RS) with the moment of entering contingency (ide/dhCont, B28) and the reason
    (ide/xJust, B29) at the head of the additional data;
  - for EPEC (tpEmis 4) before the authorisation: the expression of the Manual de Contingência,
    "DANFE impresso em contingência - EPEC regularmente recebida pela Receita Federal do Brasil",
    the EPEC's registration (nProt, dhRegEvento of event 110140, from its procEventoNFe) in the
    protocol field and in the additional data, and no "SEM VALOR FISCAL" watermark in production
    (the DANFE of a registered EPEC is valid on plain paper);
  - after the authorisation of an EPEC the DANFE is the normal one plus the contingency line.
  In homologação (tpAmb 2) the library's "SEM VALOR FISCAL" watermark and recipient name apply.

Refused, with a pt-BR ``DanfeError`` naming the field: roots other than NFe/nfeProc, a chave
that does not check, a protocol of another chave, a denied or rejected protocol (only cStat 100
and 150 authorise), FS / SCAN / FS-DA (tpEmis 2, 3, 5: security paper and a second barcode, not
done here), an EPEC DANFE without the EPEC's registration, tpEmis that do not belong to the model.

This is presentation, not validation: the signature and schema are checked by
``engine.nfe.validate`` (``ortho-fiscal validate``) before a document is stored.

brazilfiscalreport is LGPL-3.0: used unmodified as a library (import + subclass), which the LGPL
section 0 counts as use of its interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from lxml import etree

from engine.emission.records import FiscalEventRecord
from engine.errors import FiscalError
from engine.nfe.chave import check_chave
from engine.sefaz.proc import nfe_proc
from engine.xml.parser import parse_xml

__all__ = [
    "EPEC_EXPRESSAO",
    "DanfeError",
    "DanfeOptions",
    "DanfePlan",
    "EpecRegistro",
    "epec_proc_evento",
    "plan_danfe",
    "render_danfe",
    "render_stored_danfe",
]

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
_N = "{" + NFE_NS + "}"

# protNFe/infProt/cStat that authorise the use (MOC 7.0, 4.2.2): 100, and 150 "autorização fora de prazo".
CSTAT_AUTORIZADO = frozenset({"100", "150"})
# Denied: the number is consumed, there is no valid DANFE (reference/cstat.json, categoria "denegado").
CSTAT_DENEGADO = frozenset({"110", "205", "301", "302", "303"})
# retEvento/infEvento/cStat of a registered EPEC (110140): 124 "EPEC Autorizado", 135/136 registered.
CSTAT_EPEC = frozenset({"124", "135", "136"})
TP_EVENTO_EPEC = "110140"

# ide/tpEmis (B22) accepted per model. NFC-e: 1 normal, 9 off-line (Manual de Contingência Off-line
# NFC-e), 4 EPEC where the UF runs it (SP, NT 2014.003). NF-e: 1 normal, 4 EPEC, 6 SVC-AN, 7 SVC-RS.
# 2 (FS), 3 (SCAN, extinct) and 5 (FS-DA) need
# the security form and the second barcode of contingency (MOC Anexo II, 2.9.2): not rendered here.
TP_EMIS_POR_MODELO = {"65": frozenset({"1", "4", "9"}), "55": frozenset({"1", "4", "6", "7"})}
NOME_TP_EMIS = {
    "1": "normal",
    "2": "FS",
    "3": "SCAN",
    "4": "EPEC",
    "5": "FS-DA",
    "6": "SVC-AN",
    "7": "SVC-RS",
    "9": "contingência off-line da NFC-e",
}

# Expression the Manual de Contingência da NF-e requires on the DANFE of an NF-e covered by EPEC.
EPEC_EXPRESSAO = "DANFE impresso em contingência - EPEC regularmente recebida pela Receita Federal do Brasil"
# Notices printed by brazilfiscalreport's Danfce (danfce_conf), repeated here so the plan says them.
NFCE_HOMOLOGACAO = "EMITIDA EM AMBIENTE DE HOMOLOGAÇÃO - SEM VALOR FISCAL"
NFCE_CONTINGENCIA = "EMITIDA EM CONTINGÊNCIA"
NFCE_PENDENTE = "Pendente de autorização"
NFE_SEM_VALOR = "SEM VALOR FISCAL"


class DanfeError(FiscalError):
    """The document cannot be rendered as a DANFE / DANFE NFC-e (message in pt-BR)."""

    code = "DANFE_INVALIDO"


@dataclass(frozen=True, slots=True)
class EpecRegistro:
    """The registration of an EPEC (event 110140) at the Ambiente Nacional."""

    n_prot: str
    dh_registro: str  # retEvento/infEvento/dhRegEvento, as received (local time with offset)


@dataclass(frozen=True, slots=True)
class DanfeOptions:
    """How to draw.

    epec_proc_evento: procEventoNFe (or retEvento) of the EPEC, needed for an NF-e with tpEmis 4
    that has no protNFe yet. cancelada: print the "CANCELADA" watermark (after event 110111/110112
    was registered). logo: the emitter's logo (PNG/JPEG bytes). largura_bobina_mm: DANFE NFC-e
    roll width (80 or 58).
    """

    epec_proc_evento: bytes | None = None
    cancelada: bool = False
    logo: bytes | None = None
    largura_bobina_mm: int = 80


@dataclass(frozen=True, slots=True)
class DanfePlan:
    """What the DANFE will be and say, decided from the document before drawing."""

    modelo: str  # "55" | "65"
    documento: str  # "DANFE" | "DANFE NFC-e"
    chave: str
    tp_amb: str
    tp_emis: str
    autorizado: bool
    n_prot: str = ""
    dh_recbto: str = ""
    epec: EpecRegistro | None = None
    marcas: tuple[str, ...] = field(default_factory=tuple)  # the situation texts printed


# --------------------------------------------------------------------------- reading the document


def _text(el: etree._Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path)
    return (found.text or "").strip() if found is not None else ""


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _dh_br(valor: str) -> str:
    """``2026-11-05T16:40:00-03:00`` -> ``05/11/2026 16:40:00``, in the time of the document itself
    (the emitter's local time, as SEFAZ and the emitter wrote it: no conversion)."""
    if len(valor) < 19 or valor[4] != "-" or valor[10] != "T":
        return valor
    return f"{valor[8:10]}/{valor[5:7]}/{valor[0:4]} {valor[11:19]}"


def _fail(mensagem: str, *, code: str, path: str = "", cstat: str | None = None) -> DanfeError:
    return DanfeError(mensagem, code=code, path=path, cstat=cstat)


def _documento(root: etree._Element) -> tuple[etree._Element, etree._Element | None]:
    """The NFe element and the protNFe (None for a bare NFe)."""
    nome = _local(root)
    if root.tag == _N + "NFe":
        return root, None
    if root.tag == _N + "nfeProc":
        nfe = root.find(_N + "NFe")
        if nfe is None:
            raise _fail("nfeProc sem o elemento NFe", code="DANFE_SEM_NFE", path="nfeProc/NFe")
        return nfe, root.find(_N + "protNFe")
    raise _fail(
        f"documento '{nome}' não tem DANFE: esperado NFe ou nfeProc do leiaute 4.00 "
        f"(namespace {NFE_NS})",
        code="DANFE_TIPO_DOCUMENTO",
        path=nome,
    )


def _epec(data: bytes, chave: str) -> EpecRegistro:
    """Read the EPEC registration from its procEventoNFe / retEvento, checking it is this NF-e's."""
    root = parse_xml(data)
    ret = root if _local(root) == "retEvento" else root.find(f".//{_N}retEvento")
    inf = ret.find(_N + "infEvento") if ret is not None else None
    if inf is None:
        raise _fail(
            "o EPEC informado não tem retEvento/infEvento (esperado o procEventoNFe do evento 110140)",
            code="DANFE_EPEC_INVALIDO",
            path="retEvento/infEvento",
        )
    tp, ch, cstat = _text(inf, _N + "tpEvento"), _text(inf, _N + "chNFe"), _text(inf, _N + "cStat")
    if tp and tp != TP_EVENTO_EPEC:
        raise _fail(
            f"o evento informado é {tp}, não o EPEC (110140)", code="DANFE_EPEC_INVALIDO", path="infEvento/tpEvento"
        )
    if ch != chave:
        raise _fail(
            f"o EPEC informado é da chave {ch or '(vazia)'}, não desta NF-e {chave}",
            code="DANFE_EPEC_OUTRA_NFE",
            path="infEvento/chNFe",
        )
    if cstat not in CSTAT_EPEC:
        raise _fail(
            f"o EPEC não foi registrado (cStat {cstat or 'ausente'}: "
            f"{_text(inf, _N + 'xMotivo') or 'sem motivo'}); sem registro não há DANFE em EPEC",
            code="DANFE_EPEC_NAO_REGISTRADO",
            path="infEvento/cStat",
            cstat=cstat or None,
        )
    n_prot = _text(inf, _N + "nProt")
    if not n_prot:
        raise _fail("o EPEC registrado não traz o número do protocolo (nProt)", code="DANFE_EPEC_INVALIDO",
                    path="infEvento/nProt")
    return EpecRegistro(n_prot=n_prot, dh_registro=_text(inf, _N + "dhRegEvento"))


def plan_danfe(data: bytes, *, options: DanfeOptions | None = None) -> DanfePlan:
    """Check the document and decide what its DANFE says. Raises ``XmlError`` (not XML / unsafe) or
    ``DanfeError`` (cannot have a DANFE, with the reason)."""
    return _plan(parse_xml(data), options or DanfeOptions())


def _plan(root: etree._Element, options: DanfeOptions) -> DanfePlan:
    nfe, prot = _documento(root)
    inf = nfe.find(_N + "infNFe")
    if inf is None:
        raise _fail("NFe sem o grupo infNFe", code="DANFE_SEM_INFNFE", path="NFe/infNFe")
    chave = str(inf.get("Id", ""))
    chave = chave[3:] if chave.startswith("NFe") else chave
    erros = [f for f in check_chave(chave, xpath="infNFe/@Id") if f.severity == "error"]
    if erros:
        raise _fail(
            f"chave de acesso inválida em infNFe/@Id: {erros[0].mensagem}",
            code="DANFE_CHAVE",
            path="infNFe/@Id",
            cstat=erros[0].cstat,
        )
    ide = inf.find(_N + "ide")
    modelo, tp_amb, tp_emis = _text(ide, _N + "mod"), _text(ide, _N + "tpAmb"), _text(ide, _N + "tpEmis")
    if modelo not in TP_EMIS_POR_MODELO:
        raise _fail(f"ide/mod {modelo or '(ausente)'}: só há DANFE para o modelo 55 (NF-e) e o 65 (NFC-e)",
                    code="DANFE_MODELO", path="ide/mod")
    if tp_amb not in ("1", "2"):
        raise _fail(f"ide/tpAmb deve ser 1 (produção) ou 2 (homologação), recebido '{tp_amb}'",
                    code="DANFE_TPAMB", path="ide/tpAmb")
    if not _text(ide, _N + "dhEmi"):
        raise _fail("ide/dhEmi (data e hora de emissão) ausente", code="DANFE_DHEMI", path="ide/dhEmi")
    if tp_emis not in TP_EMIS_POR_MODELO[modelo]:
        nome = NOME_TP_EMIS.get(tp_emis, "desconhecido")
        aceitos = ", ".join(sorted(TP_EMIS_POR_MODELO[modelo]))
        extra = (
            " (FS/FS-DA exigem formulário de segurança e o segundo código de barras de contingência)"
            if tp_emis in ("2", "5")
            else ""
        )
        raise _fail(
            f"ide/tpEmis {tp_emis} ({nome}) não é suportado no DANFE do modelo {modelo}: aceitos {aceitos}{extra}",
            code="DANFE_TPEMIS",
            path="ide/tpEmis",
        )

    autorizado, n_prot, dh_recbto = False, "", ""
    if prot is not None:
        inf_prot = prot.find(_N + "infProt")
        ch_prot, cstat = _text(inf_prot, _N + "chNFe"), _text(inf_prot, _N + "cStat")
        if ch_prot != chave:
            raise _fail(f"o protocolo (protNFe) é da chave {ch_prot or '(vazia)'}, não desta NF-e {chave}",
                        code="DANFE_PROTOCOLO_OUTRA_NFE", path="protNFe/infProt/chNFe")
        motivo = _text(inf_prot, _N + "xMotivo")
        if cstat in CSTAT_DENEGADO:
            raise _fail(f"NF-e com uso denegado (cStat {cstat}: {motivo}): não há DANFE de documento denegado",
                        code="DANFE_DENEGADA", path="protNFe/infProt/cStat", cstat=cstat)
        if cstat not in CSTAT_AUTORIZADO:
            raise _fail(
                f"o protocolo não autoriza o uso (cStat {cstat or 'ausente'}: {motivo or 'sem motivo'}); "
                "só cStat 100 ou 150 dão DANFE",
                code="DANFE_NAO_AUTORIZADA",
                path="protNFe/infProt/cStat",
                cstat=cstat or None,
            )
        autorizado, n_prot, dh_recbto = True, _text(inf_prot, _N + "nProt"), _text(inf_prot, _N + "dhRecbto")

    if modelo != chave[20:22] or (tp_emis != chave[34] and not autorizado):
        # cStat 502: the Id must be the concatenation of the fields. An authorised document is printed
        # as SEFAZ accepted it (the model still decides which DANFE); an unauthorised one is refused.
        raise _fail(
            f"ide/mod {modelo} e ide/tpEmis {tp_emis} não conferem com a chave de acesso "
            f"(modelo {chave[20:22]}, tpEmis {chave[34]})",
            code="DANFE_CHAVE_DIVERGENTE",
            path="ide/tpEmis",
            cstat="502",
        )

    epec: EpecRegistro | None = None
    if options.epec_proc_evento is not None:
        epec = _epec(options.epec_proc_evento, chave)
    if tp_emis == "4" and not autorizado and epec is None:
        nome, danfe = ("NFC-e", "DANFE NFC-e") if modelo == "65" else ("NF-e", "DANFE")
        raise _fail(
            f"{nome} em contingência EPEC (tpEmis 4) ainda sem autorização: o {danfe} só pode ser impresso depois "
            "do registro do EPEC; informe o procEventoNFe do evento 110140",
            code="DANFE_EPEC_AUSENTE",
            path="ide/tpEmis",
        )

    marcas: list[str] = []
    if modelo == "65":
        supl = nfe.find(_N + "infNFeSupl")
        if not _text(supl, _N + "qrCode"):
            raise _fail("NFC-e sem infNFeSupl/qrCode: o DANFE NFC-e exige o QR-Code",
                        code="DANFE_SEM_QRCODE", path="infNFeSupl/qrCode", cstat="394")
        if not _text(supl, _N + "urlChave"):
            raise _fail("NFC-e sem infNFeSupl/urlChave: o DANFE NFC-e exige o endereço de consulta pela chave",
                        code="DANFE_SEM_URLCHAVE", path="infNFeSupl/urlChave")
        if tp_amb == "2":
            marcas.append(NFCE_HOMOLOGACAO)
        if tp_emis != "1":
            marcas.append(NFCE_CONTINGENCIA)
        if not autorizado and epec is not None:
            # The EPEC's protocol and date where the authorization's go (nfephp's Danfce::epec; the exact
            # wording of SP's manual for tpEmis 4 is not public: docs/nfce-epec-sp.md §4).
            marcas.append(f"EPEC nº {epec.n_prot}, registrado em {_dh_br(epec.dh_registro)}")
        elif not autorizado:
            marcas.append(NFCE_PENDENTE)
    else:
        marcas.extend(_marcas_nfe(ide, tp_emis, autorizado, epec))
        if tp_amb == "2" or not (autorizado or epec is not None):
            marcas.append(NFE_SEM_VALOR)
    if options.cancelada:
        marcas.append("CANCELADA")
    return DanfePlan(
        modelo=modelo,
        documento="DANFE NFC-e" if modelo == "65" else "DANFE",
        chave=chave,
        tp_amb=tp_amb,
        tp_emis=tp_emis,
        autorizado=autorizado,
        n_prot=n_prot,
        dh_recbto=dh_recbto,
        epec=epec,
        marcas=tuple(marcas),
    )


def _marcas_nfe(ide: etree._Element | None, tp_emis: str, autorizado: bool, epec: EpecRegistro | None) -> list[str]:
    """The contingency lines of an NF-e DANFE, printed at the head of the additional data."""
    if tp_emis == "1":
        return []
    linhas: list[str] = []
    if tp_emis == "4" and not autorizado and epec is not None:
        linhas.append(f"{EPEC_EXPRESSAO}.")
        linhas.append(f"EPEC nº {epec.n_prot}, registrado em {_dh_br(epec.dh_registro)}.")
    else:
        linhas.append(f"EMITIDA EM CONTINGÊNCIA {NOME_TP_EMIS[tp_emis]}.")
    dh_cont, x_just = _text(ide, _N + "dhCont"), _text(ide, _N + "xJust")
    if dh_cont:
        linhas.append(f"Entrada em contingência: {_dh_br(dh_cont)}.")
    if x_just:
        linhas.append(f"Justificativa: {x_just.rstrip('.')}.")
    return linhas


# --------------------------------------------------------------------------- drawing


def render_danfe(nfe_proc_or_nfe_xml: bytes, *, options: DanfeOptions | None = None) -> bytes:
    """The PDF of the DANFE (model 55) or DANFE NFC-e (model 65) of an NFe / nfeProc.

    Raises ``engine.errors.XmlError`` when the bytes are not acceptable XML and ``DanfeError`` when
    the document cannot have a DANFE (the message says why, in pt-BR).
    """
    opts = options or DanfeOptions()
    root = parse_xml(nfe_proc_or_nfe_xml)
    plan = _plan(root, opts)
    # What the library parses is the tree our hardened parser accepted, re-serialised.
    xml = etree.tostring(root, encoding="utf-8")
    try:
        pdf = _render_nfce(xml, plan, opts) if plan.modelo == "65" else _render_nfe(xml, plan, opts)
    except (ValueError, KeyError, AttributeError, TypeError, IndexError) as exc:
        # A document that passed our checks but that the library still cannot draw.
        raise _fail(f"não foi possível desenhar o {plan.documento}: {exc}", code="DANFE_RENDER") from exc
    return pdf


def epec_proc_evento(events: Sequence[FiscalEventRecord], chave: str | None) -> bytes | None:
    """The procEventoNFe of the EPEC (110140) the Ambiente Nacional registered for ``chave``, if any (the
    pipeline records it in fiscal_event, engine/emission/epec.py)."""
    for event in events:
        if (event.tp_evento == TP_EVENTO_EPEC and event.chave == chave and event.proc_xml
                and event.cstat is not None and str(event.cstat) in CSTAT_EPEC):
            return event.proc_xml
    return None


def render_stored_danfe(signed_xml: bytes, protocol_xml: bytes | None, events: Sequence[FiscalEventRecord] = (),
                        *, chave: str | None = None, cancelada: bool = False) -> bytes:
    """The DANFE of a stored document: its nfeProc once SEFAZ answered with a protocol, else the signed NFe;
    an NF-e in EPEC (tpEmis 4) not yet authorized carries its registered EPEC from ``events``, so the DANFE
    printed in contingency shows the EPEC's protocol (Manual de Contingência; NT 2014.001)."""
    xml = nfe_proc(signed_xml, protocol_xml) if protocol_xml else signed_xml
    epec = None if protocol_xml else epec_proc_evento(events, chave)
    return render_danfe(xml, options=DanfeOptions(epec_proc_evento=epec, cancelada=cancelada))


def _logo(options: DanfeOptions) -> BytesIO | None:
    return BytesIO(options.logo) if options.logo else None


def _render_nfce(xml: bytes, plan: DanfePlan, options: DanfeOptions) -> bytes:
    # The library (fpdf2, fonttools, phonenumbers) is imported on first use: most CLI commands never draw.
    from brazilfiscalreport.danfce import Danfce, DanfceConfig  # type: ignore[import-untyped]

    if options.largura_bobina_mm not in (58, 80):
        raise _fail(f"largura da bobina {options.largura_bobina_mm} mm: use 80 ou 58", code="DANFE_OPCAO",
                    path="largura_bobina_mm")
    config = DanfceConfig(
        logo=_logo(options), watermark_cancelled=options.cancelada, paper_width=options.largura_bobina_mm
    )
    if plan.epec is not None and not plan.autorizado:
        # The plan is a class attribute: the library re-instantiates its own class to measure the roll.
        cls = type("DanfceEpec", (_EpecDanfce, Danfce), {"_plan": plan})
        return bytes(cls(xml, config=config).output())
    return bytes(Danfce(xml, config=config).output())


class _EpecDanfce:
    """Hook over brazilfiscalreport's Danfce (brazilfiscalreport==1.3.1, pinned) for an NFC-e in EPEC not yet
    authorized: the EPEC's protocol and registration date printed where the authorization protocol goes,
    instead of "Pendente de autorização" (the receipt of a registered EPEC is valid, NT 2014.003); the
    library's "EMITIDA EM CONTINGÊNCIA" notice (tpEmis other than 1) stays under the title."""

    _plan: DanfePlan

    def _parse_xml(self) -> dict[str, Any]:
        data: dict[str, Any] = super()._parse_xml()  # type: ignore[misc]
        epec = self._plan.epec
        assert epec is not None
        data["notices"] = [n for n in data["notices"] if n != NFCE_PENDENTE]
        data["footer"].update(authorized=True, protocol=f"EPEC {epec.n_prot}", authorized_at=_dh_br(epec.dh_registro))
        return data


def _render_nfe(xml: bytes, plan: DanfePlan, options: DanfeOptions) -> bytes:
    from brazilfiscalreport.danfe import DanfeConfig, DanfeLayout  # type: ignore[import-untyped]
    from brazilfiscalreport.danfe.danfe import resolve_layout  # type: ignore[import-untyped]
    from brazilfiscalreport.danfe.danfe_moc_7_0 import DanfeMoc70  # type: ignore[import-untyped]
    from brazilfiscalreport.danfe.danfe_nt_2026_010 import DanfeNt2026010  # type: ignore[import-untyped]

    # The layout in force on the issue date (dhEmi is required, checked by the plan, so the library
    # never falls back to the printing date).
    layout = resolve_layout(xml, DanfeLayout.AUTO)
    base: Any = DanfeMoc70 if layout == DanfeLayout.MOC_7_0 else DanfeNt2026010
    config = DanfeConfig(logo=_logo(options), watermark_cancelled=options.cancelada)
    cls = type("DanfeOrtho", (_ContingenciaDanfe, base), {})
    return bytes(cls(xml, config, plan).output())


class _ContingenciaDanfe:
    """Hooks over brazilfiscalreport's DANFE layouts (brazilfiscalreport==1.3.1, pinned): the
    contingency lines in the additional data, the EPEC registration in the protocol field and no
    "SEM VALOR FISCAL" watermark over a registered EPEC in production."""

    _plan: DanfePlan

    def __init__(self, xml: bytes, config: Any, plan: DanfePlan) -> None:
        self._plan = plan  # before the library's __init__, which draws everything
        super().__init__(xml, config=config)  # type: ignore[call-arg]

    def _marcas_adicionais(self) -> list[str]:
        return [m for m in self._plan.marcas if m not in (NFE_SEM_VALOR, "CANCELADA")]

    def _get_additional_data_content(self) -> str:
        base: str = super()._get_additional_data_content()  # type: ignore[misc]
        linhas = self._marcas_adicionais()
        if not linhas:
            return base
        return " ".join(linhas) + (" " + base if base else "")

    def _get_usage_protocol(self) -> str:
        plan = self._plan
        if plan.autorizado:
            return f"{plan.n_prot} - {_dh_br(plan.dh_recbto)}"
        if plan.epec is not None:
            return f"EPEC {plan.epec.n_prot} - {_dh_br(plan.epec.dh_registro)}"
        return ""

    def _draw_void_watermark(self) -> None:
        plan = self._plan
        if plan.epec is not None and not plan.autorizado and plan.tp_amb == "1" and "CANCELADA" not in plan.marcas:
            return  # a registered EPEC's DANFE is valid on plain paper (Manual de Contingência da NF-e)
        super()._draw_void_watermark()  # type: ignore[misc]
