"""The EFD ICMS/IPI and the monthly package from the service database (issue 7, point 4).

* ``BancoDocumentos(db, emitter_id)``: ``engine.sped.FonteDocumentos`` over the stored documents.
  The period's documents are read with one streamed query (``yield_per``: a server-side cursor on
  PostgreSQL, ``fetchmany`` chunks on SQLite) and turned into ``DocumentoFiscal`` from the stored
  signed XML (the same mapping the XML-folder source uses, so both give the same file); the status
  says the situation (authorized/contingency -> 00, cancelled -> 02, denied -> 04). Online NFC-e
  superseded by their off-line copy and then cancelled by substitution (110112) are documents too
  (``document_attempt`` resolved ``cancelled``), and homologated voided ranges come from
  ``inutilizacao``.
* The table has no issue-date column (the date is ``dhEmi`` inside the signed bytes; the chave
  carries its year and month, AAMM, which is what the query filters on), and the writer needs the
  facts ordered by (date, model, series, number). So the facts are spooled to a temporary SQLite
  file on disk and read back ``ORDER BY`` that key: SQLite sorts on disk with a bounded cache, so
  memory does not grow with the month, and each document is parsed once.
* ``estabelecimento(conn, emitter_row)``: the ``engine.sped.Estabelecimento`` of an emitter = what
  the emitter record already knows (CNPJ, IE, UF, município, name, address, phone) + its stored
  ``sped_config`` (profile, accountant, apuração data), which the tenant's admin sets.
* ``escrever_pacote_banco(db, emitter_id, inicio, fim, destino)``: the month's nfeProc,
  procEventoNFe and procInutNFe written to a temporary folder and packed by
  ``engine.sped.escrever_pacote`` — the same zip and CSV as the folder command.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Row, and_, func, or_, select

from adapters.db.engine import Database
from adapters.db.schema import document, document_attempt, emitter, fiscal_event, inutilizacao, sped_config
from engine.documentos import normalizar
from engine.errors import Finding, XmlError
from engine.sefaz.proc import nfe_proc
from engine.sped import (
    ConfiguracaoInvalida,
    Estabelecimento,
    Fato,
    NumeracaoInutilizada,
    ResumoPacote,
    Situacao,
    escrever_pacote,
    parse_estabelecimento,
)
from engine.sped.xmlsource import classificar_raiz, documento_de_bytes
from engine.xml.parser import parse_xml

# Document status (engine.emission.records.DocStatus values) -> C100.COD_SIT (Tabela 4.1.2).
# An off-line NFC-e not yet transmitted (contingency) is a valid document from its issue: 00.
SITUACAO_POR_STATUS = {
    "authorized": Situacao.REGULAR,
    "contingency": Situacao.REGULAR,
    "cancelled": Situacao.CANCELADO,
    "denied": Situacao.DENEGADO,
}
CSTAT_INUT_HOMOLOGADA = 102
CSTAT_EVENTO_OK = (135, 136, 155)

_LOTE = 500  # facts per spool insert and per spool fetch (about 1 KiB each)
_LOTE_BANCO = 100  # stored documents per database fetch (signed XML: several KiB each)
_EMITTER_ID = re.compile(r"^[0-9a-f]{32}$")

# Keys of the EFD configuration taken from the emitter record unless the stored configuration sets them.
CHAVES_DO_EMITENTE = ("cnpj", "nome", "uf", "ie", "cod_mun", "fantasia", "cep", "end", "num", "compl", "bairro",
                      "fone", "email")


class ConfiguracaoAusente(ConfiguracaoInvalida):
    """The emitter has no EFD configuration yet (the admin sets it once)."""

    code = "SPED_CONFIGURACAO_AUSENTE"


def _meses(inicio: dt.date, fim: dt.date) -> list[str]:
    """AAMM of every month in [inicio, fim]: the chave's positions 3-6 (MOC 7.0, 5.4 — ano e mês de emissão)."""
    out, d = [], inicio.replace(day=1)
    while d <= fim:
        out.append(f"{d.year % 100:02d}{d.month:02d}")
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


# ---------------------------------------------------------------------------------------------------
# Emitters and their EFD configuration


def resolver_emitente(conn: Connection, ident: str, *, tenant_id: str | None) -> Row[Any] | None:
    """The emitter row by id (32 hex) or CNPJ (with or without punctuation); ``tenant_id`` None: any tenant."""
    ident = ident.strip()
    if _EMITTER_ID.match(ident):
        cond = emitter.c.id == ident
    else:
        cnpj = normalizar(ident)
        if not re.fullmatch(r"[0-9A-Z]{12}[0-9]{2}", cnpj):
            return None
        cond = emitter.c.cnpj == cnpj
    query = select(emitter).where(cond)
    if tenant_id is not None:
        query = query.where(emitter.c.tenant_id == tenant_id)
    return conn.execute(query).first()


def _do_emitente(row: Row[Any]) -> dict[str, Any]:
    cfg: dict[str, Any] = row.config if isinstance(row.config, dict) else json.loads(row.config)
    end: dict[str, Any] = cfg.get("endereco") or {}
    fone = re.sub(r"\D", "", str(end.get("fone") or ""))
    base: dict[str, Any] = {
        "cnpj": row.cnpj, "nome": row.razao_social, "uf": row.uf, "ie": row.ie, "cod_mun": row.c_mun,
        "fantasia": cfg.get("nome_fantasia") or row.razao_social, "cep": end.get("cep"),
        "end": end.get("logradouro"), "num": end.get("numero"), "compl": end.get("complemento"),
        "bairro": end.get("bairro"),
        # 0005.FONE is C 11: a phone the EFD cannot carry is left for the stored configuration to give.
        "fone": fone if 10 <= len(fone) <= 11 else None,
        "email": cfg.get("email"),
    }
    return {k: v for k, v in base.items() if v not in (None, "")}


def montar_estabelecimento(row: Row[Any], config: dict[str, Any]) -> Estabelecimento:
    """Emitter data + the stored EFD configuration (which may override the address/phone/e-mail)."""
    if "cnpj" in config and normalizar(str(config["cnpj"])) != row.cnpj:
        raise ConfiguracaoInvalida([Finding(
            code="SPED_CNPJ_DIVERGENTE", path="cnpj",
            mensagem=f"o CNPJ da configuração difere do CNPJ do emitente ({row.cnpj})")])
    return parse_estabelecimento({**_do_emitente(row), **config})


def _json_ready(value: Any) -> Any:
    """Money stays exact in the JSON column: Decimal -> string (read back as Decimal by pydantic)."""
    return json.loads(json.dumps(value, default=lambda v: str(v) if isinstance(v, Decimal) else v))


def salvar_configuracao(conn: Connection, row: Row[Any], config: dict[str, Any], *, now: dt.datetime
                        ) -> Estabelecimento:
    """Validate (merged with the emitter's data) and store the EFD configuration of ``row``'s emitter."""
    estab = montar_estabelecimento(row, config)
    values = {"config": _json_ready(config), "updated_at": now}
    updated = conn.execute(sped_config.update().where(sped_config.c.emitter_id == row.id).values(values))
    if updated.rowcount == 0:
        conn.execute(sped_config.insert().values(emitter_id=row.id, tenant_id=row.tenant_id, **values))
    return estab


def configuracao(conn: Connection, row: Row[Any]) -> dict[str, Any] | None:
    cfg = conn.execute(select(sped_config.c.config).where(sped_config.c.emitter_id == row.id)).scalar_one_or_none()
    if cfg is None:
        return None
    return cfg if isinstance(cfg, dict) else dict(json.loads(cfg))


def estabelecimento(conn: Connection, row: Row[Any]) -> Estabelecimento:
    """The emitter's Estabelecimento; ConfiguracaoAusente when the admin has not set the EFD profile yet."""
    cfg = configuracao(conn, row)
    if cfg is None:
        raise ConfiguracaoAusente([Finding(
            code="SPED_CONFIGURACAO_AUSENTE", path="configuracao_sped",
            mensagem=f"o emitente {row.cnpj} não tem configuração da EFD (perfil IND_PERFIL, atividade IND_ATIV e "
            "contabilista do registro 0100): o administrador deve cadastrá-la em PUT /v1/sped/config/{emitente}")])
    return montar_estabelecimento(row, cfg)


# ---------------------------------------------------------------------------------------------------
# The document source


class _Espera:
    """Facts spooled to a temporary SQLite file and read back ordered by (date, model, series, number)."""

    def __init__(self, pasta: Path) -> None:
        self.conn = sqlite3.connect(pasta / "ordem.sqlite3")
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("CREATE TABLE fato (d TEXT, m TEXT, s INTEGER, n INTEGER, b BLOB)")
        self._lote: list[tuple[str, str, int, int, bytes]] = []

    def add(self, fato: Fato) -> None:
        d, m, s, n = fato.chave_ordem
        # Our own objects, written and read back by this process only (never an outside input).
        self._lote.append((d.isoformat(), m, s, n, pickle.dumps(fato, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._lote) >= _LOTE:
            self.flush()

    def flush(self) -> None:
        if self._lote:
            self.conn.executemany("INSERT INTO fato VALUES (?, ?, ?, ?, ?)", self._lote)
            self._lote.clear()

    def ordenados(self) -> Iterator[Fato]:
        self.flush()
        cur = self.conn.execute("SELECT b FROM fato ORDER BY d, m, s, n")
        while rows := cur.fetchmany(_LOTE):
            for (b,) in rows:
                fato: Fato = pickle.loads(b)  # noqa: S301 - written above by this very generator
                yield fato

    def close(self) -> None:
        self.conn.close()


class BancoDocumentos:
    """``engine.sped.FonteDocumentos`` over the service database, for one emitter."""

    def __init__(self, db: Database, emitter_id: str, *, progresso: Callable[[int], None] | None = None,
                 progresso_cada: int = 1000) -> None:
        self.db = db
        self.emitter_id = emitter_id
        self.avisos: list[Finding] = []
        # Called with the number of stored documents read so far: the reading (and parsing) happens
        # before the first fact is yielded, so a long export shows progress during it too.
        self.progresso = progresso
        self.progresso_cada = progresso_cada
        self._lidos = 0

    def documentos(self, cnpj: str, inicio: dt.date, fim: dt.date) -> Iterator[Fato]:
        with tempfile.TemporaryDirectory(prefix="efd-banco-") as tmp:
            pasta = Path(tmp)
            espera = _Espera(pasta)
            try:
                with self.db.read() as conn:
                    self._ler(conn, cnpj, inicio, fim, espera)
                yield from espera.ordenados()
            finally:
                espera.close()

    def _ler(self, conn: Connection, cnpj: str, inicio: dt.date, fim: dt.date, espera: _Espera) -> None:
        dono = conn.execute(select(emitter.c.cnpj).where(emitter.c.id == self.emitter_id)).scalar_one_or_none()
        if dono != cnpj:
            return  # another establishment's documents are never in this one's file
        meses = _meses(inicio, fim)
        streamed = conn.execution_options(yield_per=_LOTE_BANCO)
        docs = streamed.execute(
            select(document.c.id, document.c.status, document.c.signed_xml)
            .where(document.c.emitter_id == self.emitter_id,
                   document.c.status.in_(list(SITUACAO_POR_STATUS)),
                   document.c.signed_xml.is_not(None),
                   func.substr(document.c.chave, 3, 4).in_(meses))
            .order_by(document.c.model, document.c.series, document.c.number))
        for row in docs:
            self._documento(row.id, row.signed_xml, SITUACAO_POR_STATUS[row.status], inicio, fim, espera)
        # An online NFC-e authorized after its off-line copy took over, then cancelled by substitution
        # (110112, NT 2018.004): a cancelled document of its own number and chave.
        atts = streamed.execute(
            select(document_attempt.c.document_id, document_attempt.c.signed_xml)
            .join(document, document.c.id == document_attempt.c.document_id)
            .where(document.c.emitter_id == self.emitter_id, document_attempt.c.resolution == "cancelled",
                   func.substr(document_attempt.c.chave, 3, 4).in_(meses))
            .order_by(document_attempt.c.id))
        for att in atts:
            self._documento(att.document_id, att.signed_xml, Situacao.CANCELADO, inicio, fim, espera)
        anos = sorted({int(m[:2]) for m in meses})
        inuts = conn.execute(
            select(inutilizacao.c.id, inutilizacao.c.proc_xml)
            .where(inutilizacao.c.emitter_id == self.emitter_id, inutilizacao.c.cstat == CSTAT_INUT_HOMOLOGADA,
                   inutilizacao.c.proc_xml.is_not(None), inutilizacao.c.ano.in_(anos))
            .order_by(inutilizacao.c.created_at))
        for inut in inuts:
            try:
                # The stored bytes go straight to the hardened parser (no temporary file).
                e = classificar_raiz(parse_xml(inut.proc_xml), Path(f"inutilizacao-{inut.id}.xml"))
            except (XmlError, ValueError) as exc:
                self._aviso(f"inutilização {inut.id}", exc)
                continue
            # The date of a voided range is SEFAZ's dhRecbto (as in the folder source).
            if e is not None and e.tipo == "inut" and inicio <= e.data <= fim:
                espera.add(NumeracaoInutilizada(modelo=e.modelo, serie=e.serie, num_ini=e.numero,
                                                num_fin=e.numero_fim, data=e.data))
        espera.flush()

    def _documento(self, doc_id: str, signed: bytes, situacao: Situacao, inicio: dt.date, fim: dt.date,
                   espera: _Espera) -> None:
        self._lidos += 1
        if self.progresso is not None and self._lidos % self.progresso_cada == 0:
            self.progresso(self._lidos)
        try:
            fato = documento_de_bytes(signed, situacao, origem=f"documento {doc_id}")
        except (XmlError, ValueError) as exc:
            self._aviso(f"documento {doc_id}", exc)
            return
        if inicio <= fato.dt_doc <= fim:
            espera.add(fato)

    def _aviso(self, onde: str, exc: Exception) -> None:
        self.avisos.append(Finding(code="SPED_XML_IGNORADO", path=onde, severity="note",
                                   mensagem=f"XML armazenado ilegível, ignorado: {getattr(exc, 'mensagem', exc)}"))


# ---------------------------------------------------------------------------------------------------
# The monthly package


def escrever_pacote_banco(db: Database, emitter_id: str, inicio: dt.date, fim: dt.date, destino: BinaryIO
                          ) -> ResumoPacote:
    """The month's zip (nfeProc, procEventoNFe, procInutNFe + resumo.csv) of one emitter from the database.

    The XMLs are written to a temporary folder (disk, not memory) and packed by
    ``engine.sped.escrever_pacote``, so the database and the folder give the same package. Events of
    the period's documents are included, and events registered in the period for earlier documents
    (the engine keeps those whose dhEvento is in the period).
    """
    meses = _meses(inicio, fim)
    # UTC bounds one day wider than the period: the engine filters on the local dates in the XMLs.
    desde = dt.datetime.combine(inicio - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    ate = dt.datetime.combine(fim + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory(prefix="pacote-banco-") as tmp:
        pasta = Path(tmp)
        with db.read() as conn:
            cnpj = conn.execute(select(emitter.c.cnpj).where(emitter.c.id == emitter_id)).scalar_one()
            streamed = conn.execution_options(yield_per=_LOTE_BANCO)
            no_periodo = and_(document.c.emitter_id == emitter_id, func.substr(document.c.chave, 3, 4).in_(meses))
            for row in streamed.execute(
                    select(document.c.chave, document.c.status, document.c.signed_xml, document.c.protocol_xml)
                    .where(no_periodo, document.c.status.in_(list(SITUACAO_POR_STATUS)),
                           document.c.signed_xml.is_not(None))):
                if row.protocol_xml:
                    (pasta / f"{row.chave}-nfeProc.xml").write_bytes(nfe_proc(row.signed_xml, row.protocol_xml))
                else:  # off-line NFC-e not yet transmitted: the signed NFe itself
                    (pasta / f"{row.chave}-nfe.xml").write_bytes(row.signed_xml)
            eventos = streamed.execute(
                select(fiscal_event.c.id, fiscal_event.c.chave, fiscal_event.c.tp_evento, fiscal_event.c.proc_xml)
                .join(document, document.c.id == fiscal_event.c.document_id)
                .where(document.c.emitter_id == emitter_id, fiscal_event.c.cstat.in_(CSTAT_EVENTO_OK),
                       fiscal_event.c.proc_xml.is_not(None),
                       or_(func.substr(document.c.chave, 3, 4).in_(meses),
                           and_(fiscal_event.c.created_at >= desde, fiscal_event.c.created_at < ate))))
            for ev in eventos:
                (pasta / f"{ev.chave}-{ev.tp_evento}-{ev.id}-procEventoNFe.xml").write_bytes(ev.proc_xml)
            anos = sorted({int(m[:2]) for m in meses})
            for inut in conn.execute(select(inutilizacao.c.id, inutilizacao.c.proc_xml)
                                     .where(inutilizacao.c.emitter_id == emitter_id,
                                            inutilizacao.c.cstat == CSTAT_INUT_HOMOLOGADA,
                                            inutilizacao.c.proc_xml.is_not(None), inutilizacao.c.ano.in_(anos))):
                (pasta / f"{inut.id}-procInutNFe.xml").write_bytes(inut.proc_xml)
        return escrever_pacote(pasta, inicio, fim, destino, cnpj=cnpj)


__all__ = [
    "BancoDocumentos",
    "ConfiguracaoAusente",
    "configuracao",
    "escrever_pacote_banco",
    "estabelecimento",
    "montar_estabelecimento",
    "resolver_emitente",
    "salvar_configuracao",
]
