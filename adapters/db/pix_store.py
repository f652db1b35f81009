"""PIX storage: PSP accounts (sealed credentials), charges, received pix and the notification inbox.

* ``save_account`` seals the credentials with ``engine.pix.psp_credentials.seal_credentials`` (the
  certificate store's envelope) and the webhook secrets (secret path, HMAC secret) with the keyring;
  only the path's sha256 is stored in clear, to find the account of an incoming notification.
* ``SqlPixCharges(conn, tenant_id)`` implements ``engine.ports.PixChargeRepository`` on one
  connection: ``confirm_notification`` runs against it inside the write transaction that also
  enqueues the events (transactional outbox). ``save`` recomputes the charge's totals from every
  stored pix of the txid (never from a value read earlier), so two notifications of one charge
  processed one after the other cannot lose a payment.
* ``SqlReconciliation(conn, tenant_id, fuso)`` implements ``engine.ports.ReconciliationRepository``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, and_, insert, select, update

from adapters.db.schema import (
    emitter,
    pix_charge,
    pix_notification,
    pix_psp_account,
    pix_received,
    reconciliation_line,
    reconciliation_statement,
)
from certificates.store import MasterKeyring
from engine.pix.confirmation import ChargeStatus, ConfirmedPayment, PixCharge, RecordedRefund, charge_status
from engine.pix.psp_credentials import PspCredentials, SealedPspCredentials, open_credentials, seal_credentials
from engine.pix.psp_profiles import Environment, PspProfile, profile
from engine.reconciliation.model import Charge, Fonte, StatementLine

_ZERO = Decimal("0.00")


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


# -- PSP accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PspAccount:
    id: str
    tenant_id: str
    emitter_id: str
    profile_id: str
    environment: Environment
    chave: str
    base_url: str | None
    token_url: str | None
    client_id_hint: str
    webhook_auth: str
    hmac_header: str
    webhook_url: str | None
    tested_at: datetime | None
    test_ok: bool | None
    test_message: str | None
    sealed: SealedPspCredentials = field(repr=False)
    webhook_key_id: str = field(repr=False, default="")
    webhook_sealed: bytes = field(repr=False, default=b"")

    def profile(self) -> PspProfile:
        """The profile, pointed at the overridden hosts when the account has them."""
        base = profile(self.profile_id)
        if self.base_url and self.token_url:
            return base.with_base_url(self.environment, self.base_url, self.token_url)
        return base

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "emitter_id": self.emitter_id,
            "psp": self.profile_id,
            "ambiente": self.environment,
            "chave": self.chave,
            "base_url": self.base_url,
            "token_url": self.token_url,
            "client_id": self.client_id_hint,
            "webhook_auth": self.webhook_auth,
            "hmac_header": self.hmac_header if self.webhook_auth == "hmac" else None,
            "webhook_url": self.webhook_url,
            "teste": None if self.tested_at is None else {
                "em": self.tested_at.isoformat(), "ok": self.test_ok, "mensagem": self.test_message,
            },
        }


def webhook_path_hash(path_secret: str) -> str:
    return hashlib.sha256(path_secret.encode("utf-8")).hexdigest()


def _account(row: Row[Any]) -> PspAccount:
    sealed = SealedPspCredentials(
        id=row.id, emitter_id=row.emitter_id, psp_id=row.profile, client_id_hint=row.client_id_hint,
        key_id=row.key_id, wrapped_key=row.wrapped_key,
        ciphertexts={k: base64.b64decode(v) for k, v in dict(row.ciphertexts).items()},
    )
    return PspAccount(
        row.id, row.tenant_id, row.emitter_id, row.profile, row.environment, row.chave, row.base_url, row.token_url,
        row.client_id_hint, row.webhook_auth, row.hmac_header, row.webhook_url, row.tested_at, row.test_ok,
        row.test_message, sealed, row.webhook_key_id, row.webhook_sealed,
    )


def emitter_uf(conn: Connection, tenant_id: str, emitter_id: str) -> str | None:
    row = conn.execute(
        select(emitter.c.uf).where(emitter.c.tenant_id == tenant_id, emitter.c.id == emitter_id)
    ).first()
    return None if row is None else str(row.uf)


def save_account(
    conn: Connection,
    keyring: MasterKeyring,
    *,
    tenant_id: str,
    emitter_id: str,
    profile_id: str,
    environment: Environment,
    chave: str,
    credentials: PspCredentials,
    webhook_auth: str,
    hmac_header: str,
    hmac_secret: str | None,
    base_url: str | None,
    token_url: str | None,
    now: datetime,
) -> tuple[PspAccount, str]:
    """Create or replace the emitter's account; returns it and the webhook's secret path (new each time:
    the old path stops working, so a leaked path is revoked by saving the account again)."""
    existing = conn.execute(select(pix_psp_account.c.id).where(pix_psp_account.c.emitter_id == emitter_id)).first()
    account_id = existing.id if existing else uuid.uuid4().hex
    sealed = seal_credentials(keyring, credentials, record_id=account_id, emitter_id=emitter_id, psp_id=profile_id)
    path = secrets.token_urlsafe(24)
    hook_key_id, hook_sealed = keyring.wrap(
        json.dumps({"path": path, "hmac_secret": hmac_secret}).encode("utf-8"), f"pix-webhook:{account_id}"
    )
    values: dict[str, Any] = {
        "tenant_id": tenant_id, "emitter_id": emitter_id, "profile": profile_id, "environment": environment,
        "chave": chave, "base_url": base_url, "token_url": token_url, "client_id_hint": sealed.client_id_hint,
        "key_id": sealed.key_id, "wrapped_key": sealed.wrapped_key,
        "ciphertexts": {k: base64.b64encode(v).decode("ascii") for k, v in sealed.ciphertexts.items()},
        "webhook_auth": webhook_auth, "hmac_header": hmac_header, "webhook_path_sha256": webhook_path_hash(path),
        "webhook_key_id": hook_key_id, "webhook_sealed": hook_sealed, "webhook_url": None,
        "tested_at": None, "test_ok": None, "test_message": None, "updated_at": now,
    }
    if existing:
        conn.execute(update(pix_psp_account).where(pix_psp_account.c.id == account_id).values(**values))
    else:
        conn.execute(insert(pix_psp_account).values(id=account_id, created_at=now, **values))
    found = account_by_emitter(conn, tenant_id, emitter_id)
    assert found is not None
    return found, path


def account_by_emitter(conn: Connection, tenant_id: str, emitter_id: str) -> PspAccount | None:
    row = conn.execute(
        select(pix_psp_account).where(
            pix_psp_account.c.tenant_id == tenant_id, pix_psp_account.c.emitter_id == emitter_id
        )
    ).first()
    return None if row is None else _account(row)


def account_by_id(conn: Connection, account_id: str) -> PspAccount | None:
    row = conn.execute(select(pix_psp_account).where(pix_psp_account.c.id == account_id)).first()
    return None if row is None else _account(row)


def account_by_webhook_path(conn: Connection, path_secret: str) -> PspAccount | None:
    row = conn.execute(
        select(pix_psp_account).where(pix_psp_account.c.webhook_path_sha256 == webhook_path_hash(path_secret))
    ).first()
    return None if row is None else _account(row)


def credentials_of(keyring: MasterKeyring, account: PspAccount) -> PspCredentials:
    return open_credentials(keyring, account.sealed)


def webhook_secrets(keyring: MasterKeyring, account: PspAccount) -> tuple[str, str | None]:
    """(secret path, HMAC secret) of the account's webhook."""
    data = json.loads(keyring.unwrap(account.webhook_key_id, account.webhook_sealed, f"pix-webhook:{account.id}"))
    return str(data["path"]), data.get("hmac_secret")


def record_test(conn: Connection, account_id: str, *, ok: bool, mensagem: str, now: datetime) -> None:
    conn.execute(
        update(pix_psp_account).where(pix_psp_account.c.id == account_id)
        .values(tested_at=now, test_ok=ok, test_message=mensagem[:2000])
    )


def record_webhook_url(conn: Connection, account_id: str, url: str, now: datetime) -> None:
    conn.execute(
        update(pix_psp_account).where(pix_psp_account.c.id == account_id).values(webhook_url=url, updated_at=now)
    )


# -- charges --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChargeRecord:
    id: str
    tenant_id: str
    emitter_id: str
    account_id: str
    profile_id: str
    txid: str
    tipo: str
    valor: Decimal
    status: str
    psp_status: str
    recebido: Decimal
    devolvido: Decimal
    devedor: dict[str, Any] | None
    solicitacao_pagador: str | None
    expiracao: int | None
    vencimento: date
    location: str | None
    brcode: str
    document_ref: str | None
    chave_acesso: str | None
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None
    ref: str | None = None  # the client's idempotency reference (unique per tenant, migration 0008)

    def to_json(self, payments: Sequence[ConfirmedPayment] = ()) -> dict[str, Any]:
        return {
            "id": self.id,
            "ref": self.ref,
            "txid": self.txid,
            "tipo": self.tipo,
            "emitter_id": self.emitter_id,
            "psp": self.profile_id,
            "valor": _money(self.valor),
            "status": self.status,
            "status_psp": self.psp_status,
            "recebido": _money(self.recebido),
            "devolvido": _money(self.devolvido),
            "devedor": self.devedor,
            "solicitacao_pagador": self.solicitacao_pagador,
            "expiracao": self.expiracao,
            "location": self.location,
            "brcode": self.brcode,
            "document_ref": self.document_ref,
            "chave_acesso": self.chave_acesso,
            "criado_em": self.created_at.isoformat(),
            "atualizado_em": self.updated_at.isoformat(),
            "pago_em": self.paid_at.isoformat() if self.paid_at else None,
            "pix": [_payment_json(p) for p in payments],
        }


def _payment_json(p: ConfirmedPayment) -> dict[str, Any]:
    return {
        "endToEndId": p.end_to_end_id,
        "valor": _money(p.valor),
        "horario": p.horario.isoformat(),
        "infoPagador": p.info_pagador,
        "devolucoes": [
            {"id": d.id, "rtrId": d.rtr_id, "valor": _money(d.valor), "status": d.status,
             "liquidacao": d.liquidacao.isoformat() if d.liquidacao else None}
            for d in p.devolucoes
        ],
    }


def _charge(row: Row[Any]) -> ChargeRecord:
    return ChargeRecord(
        row.id, row.tenant_id, row.emitter_id, row.account_id, row.profile, row.txid, row.tipo, Decimal(row.valor),
        row.status, row.psp_status, Decimal(row.recebido), Decimal(row.devolvido), row.devedor,
        row.solicitacao_pagador, row.expiracao, date.fromisoformat(row.vencimento), row.location, row.brcode,
        row.document_ref, row.chave_acesso, row.created_at, row.updated_at, row.paid_at, row.ref,
    )


def insert_charge(conn: Connection, record: ChargeRecord, *, created_by: str | None) -> None:
    conn.execute(
        insert(pix_charge).values(
            id=record.id, tenant_id=record.tenant_id, emitter_id=record.emitter_id, account_id=record.account_id,
            profile=record.profile_id, txid=record.txid, tipo=record.tipo, valor=_money(record.valor),
            status=record.status, psp_status=record.psp_status, recebido=_money(record.recebido),
            devolvido=_money(record.devolvido), devedor=record.devedor,
            solicitacao_pagador=record.solicitacao_pagador, expiracao=record.expiracao,
            vencimento=record.vencimento.isoformat(), location=record.location, brcode=record.brcode,
            document_ref=record.document_ref, chave_acesso=record.chave_acesso, created_by=created_by,
            created_at=record.created_at, updated_at=record.updated_at, paid_at=record.paid_at, ref=record.ref,
        )
    )


def charge_by_ref(conn: Connection, tenant_id: str, ref: str) -> ChargeRecord | None:
    """The tenant's charge created with this client ``ref`` (unique per tenant), if any."""
    row = conn.execute(select(pix_charge).where(pix_charge.c.tenant_id == tenant_id, pix_charge.c.ref == ref)).first()
    return None if row is None else _charge(row)


def get_charge(conn: Connection, tenant_id: str | None, txid: str) -> ChargeRecord | None:
    stmt = select(pix_charge).where(pix_charge.c.txid == txid)
    if tenant_id is not None:
        stmt = stmt.where(pix_charge.c.tenant_id == tenant_id)
    row = conn.execute(stmt).first()
    return None if row is None else _charge(row)


def _received(row: Row[Any]) -> ConfirmedPayment:
    return ConfirmedPayment(
        end_to_end_id=row.end_to_end_id, txid=row.txid, valor=Decimal(row.valor), horario=row.horario,
        confirmed_at=row.confirmed_at, info_pagador=row.info_pagador,
        devolucoes=tuple(
            RecordedRefund(d["id"], d["rtr_id"], Decimal(d["valor"]), d["status"],
                           datetime.fromisoformat(d["liquidacao"]) if d.get("liquidacao") else None)
            for d in row.devolucoes
        ),
    )


def payments_of(conn: Connection, txid: str) -> list[ConfirmedPayment]:
    rows = conn.execute(
        select(pix_received).where(pix_received.c.txid == txid).order_by(pix_received.c.horario)
    ).all()
    return [_received(r) for r in rows]


class SqlPixCharges:
    """``engine.ports.PixChargeRepository`` on one connection (inside the caller's write transaction)."""

    def __init__(self, conn: Connection, tenant_id: str) -> None:
        self.conn = conn
        self.tenant_id = tenant_id
        self.newly_paid: list[tuple[ChargeRecord, ConfirmedPayment]] = []

    def charge(self, txid: str) -> PixCharge | None:
        rec = get_charge(self.conn, self.tenant_id, txid)
        if rec is None:
            return None
        return PixCharge(rec.txid, rec.valor, rec.profile_id, rec.emitter_id, rec.document_ref or rec.chave_acesso,
                         ChargeStatus(rec.status), rec.recebido, rec.devolvido)

    def payment(self, end_to_end_id: str) -> ConfirmedPayment | None:
        row = conn_first(self.conn, end_to_end_id)
        return None if row is None else _received(row)

    def payments_of(self, txid: str) -> list[ConfirmedPayment]:
        return payments_of(self.conn, txid)

    def save(self, charge: PixCharge, payment: ConfirmedPayment) -> None:
        values = {
            "txid": payment.txid, "valor": _money(payment.valor), "horario": payment.horario,
            "info_pagador": payment.info_pagador,
            "devolucoes": [
                {"id": d.id, "rtr_id": d.rtr_id, "valor": _money(d.valor), "status": d.status,
                 "liquidacao": d.liquidacao.isoformat() if d.liquidacao else None}
                for d in payment.devolucoes
            ],
            "confirmed_at": payment.confirmed_at,
        }
        if conn_first(self.conn, payment.end_to_end_id) is None:
            self.conn.execute(insert(pix_received).values(
                end_to_end_id=payment.end_to_end_id, tenant_id=self.tenant_id, **values))
        else:
            self.conn.execute(update(pix_received).where(
                pix_received.c.end_to_end_id == payment.end_to_end_id).values(**values))
        before = get_charge(self.conn, self.tenant_id, charge.txid)
        if before is None:
            return
        # Totals from every stored pix of the txid, in this transaction.
        stored = payments_of(self.conn, charge.txid)
        recebido = sum((p.valor for p in stored), _ZERO)
        devolvido = sum((p.devolvido for p in stored), _ZERO)
        status = charge_status(before.valor, recebido, devolvido)
        paid_now = status in (ChargeStatus.PAID, ChargeStatus.OVERPAID) and before.paid_at is None
        self.conn.execute(
            update(pix_charge).where(pix_charge.c.id == before.id).values(
                recebido=_money(recebido), devolvido=_money(devolvido), status=status.value,
                updated_at=payment.confirmed_at, paid_at=payment.confirmed_at if paid_now else before.paid_at,
            )
        )
        if paid_now:
            self.newly_paid.append((before, payment))


def conn_first(conn: Connection, end_to_end_id: str) -> Row[Any] | None:
    return conn.execute(select(pix_received).where(pix_received.c.end_to_end_id == end_to_end_id)).first()


# -- notification inbox ---------------------------------------------------------------------------


def enqueue_notification(conn: Connection, account: PspAccount, body: bytes, *, now: datetime) -> int:
    row = conn.execute(
        insert(pix_notification).values(
            account_id=account.id, tenant_id=account.tenant_id, body=body, received_at=now, status="pending",
            attempts=0, available_at=now,
        ).returning(pix_notification.c.id)
    ).one()
    return int(row.id)


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    account_id: str
    tenant_id: str
    body: bytes
    attempts: int


def claim_notifications(conn: Connection, *, now: datetime, lease_until: datetime, limit: int,
                        tenant_id: str | None = None) -> list[Notification]:
    stmt = (
        select(pix_notification)
        .where(pix_notification.c.status == "pending", pix_notification.c.available_at <= now)
        .order_by(pix_notification.c.id)
        .limit(limit)
    )
    if tenant_id is not None:
        stmt = stmt.where(pix_notification.c.tenant_id == tenant_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = conn.execute(stmt).all()
    if rows:
        conn.execute(
            update(pix_notification).where(pix_notification.c.id.in_([r.id for r in rows]))
            .values(available_at=lease_until, attempts=pix_notification.c.attempts + 1)
        )
    return [Notification(int(r.id), r.account_id, r.tenant_id, bytes(r.body), int(r.attempts) + 1) for r in rows]


def finish_notification(
    conn: Connection, notification_id: int, *, status: str, result: dict[str, Any], retry_at: datetime | None,
    error: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "result": result, "last_error": error}
    if retry_at is not None:
        values["available_at"] = retry_at
    conn.execute(update(pix_notification).where(pix_notification.c.id == notification_id).values(**values))


def notifications(conn: Connection, tenant_id: str, limit: int = 100) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(pix_notification).where(pix_notification.c.tenant_id == tenant_id)
        .order_by(pix_notification.c.id.desc()).limit(limit)
    ).all()
    return [
        {"id": r.id, "status": r.status, "tentativas": r.attempts, "recebida_em": r.received_at.isoformat(),
         "resultado": r.result, "erro": r.last_error}
        for r in rows
    ]


# -- reconciliation ---------------------------------------------------------------------------------


def _line_json(ln: StatementLine) -> dict[str, Any]:
    return {
        "fonte": ln.fonte.value, "conta": ln.conta, "data": ln.data.isoformat(), "valor": _money(ln.valor),
        "direcao": ln.direcao, "descricao": ln.descricao, "fitid": ln.fitid, "end_to_end_id": ln.end_to_end_id,
        "txid": ln.txid, "nosso_numero": ln.nosso_numero, "seu_numero": ln.seu_numero,
        "pagador_nome": ln.pagador_nome, "pagador_documento": ln.pagador_documento, "linha": ln.linha,
        "hash": ln.hash,
    }


def _line(data: dict[str, Any]) -> StatementLine:
    return StatementLine(
        fonte=Fonte(data["fonte"]), conta=data["conta"], data=date.fromisoformat(data["data"]),
        valor=Decimal(data["valor"]), direcao=data["direcao"], descricao=data["descricao"], fitid=data["fitid"],
        end_to_end_id=data["end_to_end_id"], txid=data["txid"], nosso_numero=data["nosso_numero"],
        seu_numero=data["seu_numero"], pagador_nome=data["pagador_nome"],
        pagador_documento=data["pagador_documento"], linha=int(data["linha"]), hash=data["hash"],
    )


class SqlReconciliation:
    """``engine.ports.ReconciliationRepository`` for one tenant on one connection. Charges are the
    tenant's Pix charges (due date: the local creation date for a cob), with the endToEndId of their
    first confirmed pix so a statement line carrying it matches exactly."""

    def __init__(self, conn: Connection, tenant_id: str, *, formato: str = "", filename: str | None = None,
                 lines_total: int = 0, now: datetime | None = None) -> None:
        self.conn, self.tenant_id = conn, tenant_id
        self._formato, self._filename, self._total, self._now = formato, filename, lines_total, now

    def charges_for_period(self, inicio: date, fim: date) -> Sequence[Charge]:
        rows = self.conn.execute(
            select(pix_charge).where(
                pix_charge.c.tenant_id == self.tenant_id,
                and_(pix_charge.c.vencimento >= inicio.isoformat(), pix_charge.c.vencimento <= fim.isoformat()),
            ).order_by(pix_charge.c.created_at)
        ).all()
        out = []
        for r in rows:
            first = self.conn.execute(
                select(pix_received.c.end_to_end_id).where(pix_received.c.txid == r.txid)
                .order_by(pix_received.c.horario).limit(1)
            ).first()
            devedor = r.devedor or {}
            out.append(Charge(
                id=r.txid, valor=Decimal(r.valor), vencimento=date.fromisoformat(r.vencimento), txid=r.txid,
                end_to_end_id=first.end_to_end_id if first else "", pagador_nome=str(devedor.get("nome", "")),
                pagador_documento=str(devedor.get("cpf") or devedor.get("cnpj") or ""),
                descricao=r.solicitacao_pagador or "",
            ))
        return out

    def statement_file_known(self, arquivo: str) -> bool:
        return self.conn.execute(
            select(reconciliation_statement.c.sha256).where(
                reconciliation_statement.c.tenant_id == self.tenant_id, reconciliation_statement.c.sha256 == arquivo
            )
        ).first() is not None

    def known_line_hashes(self, hashes: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i: i + 500]
            found.update(
                r.hash for r in self.conn.execute(
                    select(reconciliation_line.c.hash).where(
                        reconciliation_line.c.tenant_id == self.tenant_id, reconciliation_line.c.hash.in_(chunk)
                    )
                )
            )
        return found

    def add_statement(self, arquivo: str, lines: Sequence[StatementLine]) -> None:
        # Runs in the caller's write transaction: the file row and its lines commit together.
        self.conn.execute(insert(reconciliation_statement).values(
            tenant_id=self.tenant_id, sha256=arquivo, formato=self._formato, filename=self._filename,
            lines_total=self._total, lines_new=len(lines), imported_at=self._now,
        ))
        if lines:
            self.conn.execute(insert(reconciliation_line), [
                {"tenant_id": self.tenant_id, "hash": ln.hash, "statement_sha256": arquivo,
                 "data": ln.data.isoformat(), "line": _line_json(ln)}
                for ln in lines
            ])

    def statement_lines(self, inicio: date, fim: date) -> Sequence[StatementLine]:
        rows = self.conn.execute(
            select(reconciliation_line.c.line).where(
                reconciliation_line.c.tenant_id == self.tenant_id,
                reconciliation_line.c.data >= inicio.isoformat(), reconciliation_line.c.data <= fim.isoformat(),
            ).order_by(reconciliation_line.c.data, reconciliation_line.c.hash)
        ).all()
        return [_line(r.line) for r in rows]

    def statement_files(self, inicio: date, fim: date) -> tuple[str, ...]:
        rows = self.conn.execute(
            select(reconciliation_line.c.statement_sha256).where(
                reconciliation_line.c.tenant_id == self.tenant_id,
                reconciliation_line.c.data >= inicio.isoformat(), reconciliation_line.c.data <= fim.isoformat(),
            ).distinct()
        ).all()
        return tuple(sorted(r.statement_sha256 for r in rows))


def local_date(moment: datetime, fuso: tzinfo) -> date:
    return moment.astimezone(fuso).date()
