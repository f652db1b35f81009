"""Typed results of the SEFAZ web services, parsed from the ``ret*`` element of the answer.

Every result carries ``cstat``, ``xmotivo`` and the ``categoria`` of its cStat (engine.sefaz.cstat);
a rejection is a result like any other. Elements that go into distribution documents (``protNFe``,
``retEvento``, ``retInutNFe``) are kept as bytes detached from the SOAP envelope (xmlbytes.detached).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree

from engine.sefaz import cstat as cstat_table
from engine.sefaz.cstat import Categoria
from engine.sefaz.errors import RespostaInvalida
from engine.sefaz.xmlbytes import detached

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
_N = "{" + NFE_NS + "}"


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    """The first child ``name`` (NF-e namespace) of ``el``. ``iterchildren`` with a tag filters in C;
    ``find`` goes through lxml's ElementPath generators in Python, ~2.5x slower, and an answer is
    read field by field on every authorization."""
    return None if el is None else next(el.iterchildren(_N + name), None)


def _t(el: etree._Element | None, path: str) -> str:
    if el is None:
        return ""
    if "/" in path:  # a path (infRec/nRec): ElementPath semantics (first match under any parent)
        found = _first(el, path)
    else:
        found = next(el.iterchildren(_N + path), None)
    return found.text.strip() if found is not None and found.text else ""


def _first(el: etree._Element, path: str) -> etree._Element | None:
    """``el.find(path)`` for a path of child names of the NF-e namespace (``infRec/nRec``), with the same
    result (the first match in document order, under any of the matching parents) but walked with
    ``iterchildren`` (C) instead of ElementPath's Python generators."""
    head, _, rest = path.partition("/")
    for child in el.iterchildren(_N + head):
        found = _first(child, rest) if rest else child
        if found is not None:
            return found
    return None


def _texts(el: etree._Element | None) -> dict[object, str | None]:
    """The text of the first child of each tag of ``el``, by tag: one pass over the children where reading
    every field with ``_t`` walks them once per field (an answer is read on every authorization).
    ``_text(fields, name)`` then gives what ``_t(el, name)`` gives for a child name."""
    fields: dict[object, str | None] = {}
    if el is not None:
        for child in el:
            fields.setdefault(child.tag, child.text)
    return fields


def _text(fields: dict[object, str | None], name: str) -> str:
    text = fields.get(_N + name)
    return text.strip() if text else ""


def _local(el: etree._Element) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _expect(ret: etree._Element, *names: str, cstat_path: str = "cStat") -> None:
    if _local(ret) not in names:
        raise RespostaInvalida(f"resposta inesperada da SEFAZ: esperado {' ou '.join(names)}, veio {_local(ret)}")
    if not _t(ret, cstat_path):
        raise RespostaInvalida(f"resposta {_local(ret)} da SEFAZ sem cStat")


@dataclass(frozen=True, slots=True)
class Resultado:
    cstat: str
    xmotivo: str

    @property
    def categoria(self) -> Categoria:
        return cstat_table.categoria(self.cstat)

    @property
    def sucesso(self) -> bool:
        return self.categoria == "sucesso"


@dataclass(frozen=True, slots=True)
class StatusServico(Resultado):
    """retConsStatServ (MOC 4.6.2): 107 em operação, 108/109 paralisado."""

    tp_amb: str = ""
    ver_aplic: str = ""
    c_uf: str = ""
    dh_recbto: str = ""
    t_med: int | None = None
    dh_ret_prev: str = ""
    x_obs: str = ""

    @property
    def em_operacao(self) -> bool:
        return self.cstat == "107"


def parse_status(ret: etree._Element) -> StatusServico:
    _expect(ret, "retConsStatServ")
    t_med = _t(ret, "tMed")
    return StatusServico(
        cstat=_t(ret, "cStat"), xmotivo=_t(ret, "xMotivo"), tp_amb=_t(ret, "tpAmb"), ver_aplic=_t(ret, "verAplic"),
        c_uf=_t(ret, "cUF"), dh_recbto=_t(ret, "dhRecbto"), t_med=int(t_med) if t_med.isdigit() else None,
        dh_ret_prev=_t(ret, "dhRetorno"), x_obs=_t(ret, "xObs"),
    )


@dataclass(frozen=True, slots=True)
class ProtocoloNFe(Resultado):
    """protNFe/infProt (MOC 4.1.9): the document's own answer (100/150 autorizado, 110/301-303 denegado...)."""

    chave: str = ""
    n_prot: str = ""
    dh_recbto: str = ""
    dig_val: str = ""
    xml: bytes = b""
    # The detached protNFe element ``xml`` is the serialisation of (what parsing ``xml`` would give back):
    # nfe_proc validates it without parsing the bytes again. Not part of the value.
    tree: etree._Element | None = field(default=None, compare=False, repr=False)

    @property
    def autorizado(self) -> bool:
        return self.cstat in cstat_table.AUTORIZADO

    @property
    def denegado(self) -> bool:
        return self.categoria == "denegado"


def parse_prot(prot: etree._Element) -> ProtocoloNFe:
    inf = _texts(_child(prot, "infProt"))
    own = copy.deepcopy(prot)  # what xmlbytes.detached serialises: namespaces of the envelope left behind
    return ProtocoloNFe(
        cstat=_text(inf, "cStat"), xmotivo=_text(inf, "xMotivo"), chave=_text(inf, "chNFe"),
        n_prot=_text(inf, "nProt"), dh_recbto=_text(inf, "dhRecbto"), dig_val=_text(inf, "digVal"),
        xml=etree.tostring(own, encoding="UTF-8"), tree=own,
    )


@dataclass(frozen=True, slots=True)
class RetornoLote(Resultado):
    """retEnviNFe (MOC 4.1.10) or retConsReciNFe (MOC 4.2.2): the lote's status, the recibo (async),
    tMed (average processing time, seconds) and the protocol of each NFe once processed."""

    n_rec: str = ""
    t_med: int | None = None
    dh_recbto: str = ""
    c_uf: str = ""
    protocolos: tuple[ProtocoloNFe, ...] = ()


def parse_lote(ret: etree._Element) -> RetornoLote:
    fields = _texts(ret)
    if _local(ret) not in ("retEnviNFe", "retConsReciNFe") or not _text(fields, "cStat"):
        _expect(ret, "retEnviNFe", "retConsReciNFe")  # raises the error it raises for any answer
    # infRec (asynchronous lote) holds nRec/tMed; a synchronous answer has neither and no infRec.
    rec = _N + "infRec" in fields
    t_med = (_t(ret, "infRec/tMed") if rec else "") or _text(fields, "tMed")
    return RetornoLote(
        cstat=_text(fields, "cStat"), xmotivo=_text(fields, "xMotivo"),
        n_rec=(_t(ret, "infRec/nRec") if rec else "") or _text(fields, "nRec"),
        t_med=int(t_med) if t_med.isdigit() else None, dh_recbto=_text(fields, "dhRecbto"), c_uf=_text(fields, "cUF"),
        protocolos=tuple(parse_prot(p) for p in ret.iterchildren(_N + "protNFe")),
    )


@dataclass(frozen=True, slots=True)
class RetornoEvento(Resultado):
    """retEvento/infEvento: 135/136 registrado, 155 cancelamento fora de prazo, 124 EPEC autorizado."""

    chave: str = ""
    tp_evento: str = ""
    n_seq_evento: str = ""
    n_prot: str = ""
    dh_reg_evento: str = ""
    xml: bytes = b""

    @property
    def registrado(self) -> bool:
        return self.cstat in cstat_table.EVENTO_REGISTRADO


def parse_ret_evento(ret: etree._Element) -> RetornoEvento:
    inf = _child(ret, "infEvento")
    return RetornoEvento(
        cstat=_t(inf, "cStat"), xmotivo=_t(inf, "xMotivo"), chave=_t(inf, "chNFe"), tp_evento=_t(inf, "tpEvento"),
        n_seq_evento=_t(inf, "nSeqEvento"), n_prot=_t(inf, "nProt"), dh_reg_evento=_t(inf, "dhRegEvento"),
        xml=detached(ret),
    )


@dataclass(frozen=True, slots=True)
class ResultadoEvento(Resultado):
    """retEnvEvento: the lote's cStat (128 processado) and one retEvento per event.

    ``proc`` holds the procEventoNFe of each registered event (assembled by the client)."""

    eventos: tuple[RetornoEvento, ...] = ()
    proc: tuple[bytes, ...] = ()
    avisos: tuple[str, ...] = ()  # why a registered event has no proc (its answer failed the schema)

    @property
    def evento(self) -> RetornoEvento | None:
        return self.eventos[0] if self.eventos else None


def parse_env_evento(ret: etree._Element) -> ResultadoEvento:
    _expect(ret, "retEnvEvento")
    return ResultadoEvento(
        cstat=_t(ret, "cStat"), xmotivo=_t(ret, "xMotivo"),
        eventos=tuple(parse_ret_evento(r) for r in ret.iterchildren(_N + "retEvento")),
    )


@dataclass(frozen=True, slots=True)
class Consulta(Resultado):
    """retConsSitNFe (MOC 4.5.2): situação (100 autorizada, 101 cancelada, 110 denegada, 217 não consta),
    the protNFe and the events (procEventoNFe, bytes as received)."""

    chave: str = ""
    protocolo: ProtocoloNFe | None = None
    eventos: tuple[bytes, ...] = ()
    dh_recbto: str = ""


def parse_consulta(ret: etree._Element) -> Consulta:
    _expect(ret, "retConsSitNFe")
    prot = _child(ret, "protNFe")
    return Consulta(
        cstat=_t(ret, "cStat"), xmotivo=_t(ret, "xMotivo"), chave=_t(ret, "chNFe"), dh_recbto=_t(ret, "dhRecbto"),
        protocolo=parse_prot(prot) if prot is not None else None,
        eventos=tuple(detached(p) for p in ret.findall(_N + "procEventoNFe")),
    )


@dataclass(frozen=True, slots=True)
class Inutilizacao(Resultado):
    """retInutNFe (MOC 4.3.2): 102 inutilização homologada, with nProt; ``proc`` = procInutNFe once homologated."""

    n_prot: str = ""
    dh_recbto: str = ""
    xml: bytes = b""
    proc: bytes = b""
    avisos: tuple[str, ...] = ()

    @property
    def homologada(self) -> bool:
        return self.cstat == "102"


def parse_inut(ret: etree._Element) -> Inutilizacao:
    _expect(ret, "retInutNFe", cstat_path="infInut/cStat")
    inf = _child(ret, "infInut")
    return Inutilizacao(
        cstat=_t(inf, "cStat"), xmotivo=_t(inf, "xMotivo"), n_prot=_t(inf, "nProt"), dh_recbto=_t(inf, "dhRecbto"),
        xml=detached(ret),
    )


@dataclass(frozen=True, slots=True)
class Contribuinte:
    ie: str
    cnpj: str
    cpf: str
    uf: str
    c_sit: str
    x_nome: str
    ind_cred_nfe: str = ""
    ind_cred_cte: str = ""


@dataclass(frozen=True, slots=True)
class Cadastro(Resultado):
    """retConsCad (MOC 4.7.2): 111 uma ocorrência, 112 várias, 259 não cadastrado..."""

    uf: str = ""
    contribuintes: tuple[Contribuinte, ...] = field(default_factory=tuple)


def parse_cadastro(ret: etree._Element) -> Cadastro:
    _expect(ret, "retConsCad", cstat_path="infCons/cStat")
    inf = _child(ret, "infCons")
    cads = list(inf.iterchildren(_N + "infCad")) if inf is not None else []
    return Cadastro(
        cstat=_t(inf, "cStat"), xmotivo=_t(inf, "xMotivo"), uf=_t(inf, "UF"),
        contribuintes=tuple(
            Contribuinte(
                ie=_t(c, "IE"), cnpj=_t(c, "CNPJ"), cpf=_t(c, "CPF"), uf=_t(c, "UF"), c_sit=_t(c, "cSit"),
                x_nome=_t(c, "xNome"), ind_cred_nfe=_t(c, "indCredNFe"), ind_cred_cte=_t(c, "indCredCTe"),
            )
            for c in cads
        ),
    )

