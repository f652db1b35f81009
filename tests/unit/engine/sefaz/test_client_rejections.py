"""The client's own guard against consumo indevido (cStat 656): a document rejected ``same_rejection_limit``
times with one cStat within an hour is held back whatever its bytes; other documents and other hours are not
affected, and forgetting old rejections (beyond 10 000 document/cStat pairs) keeps the recent ones."""

from __future__ import annotations

import pytest

from engine.sefaz import ReenvioBloqueado, SefazClient

from .conftest import NOW
from .fakes import FakeClock, FakeSefaz


def _client(clock: FakeClock) -> SefazClient:
    return SefazClient(FakeSefaz(), clock)  # type: ignore[arg-type]


def test_a_document_rejected_three_times_with_one_cstat_is_held_back_for_an_hour() -> None:
    clock = FakeClock(NOW)
    c = _client(clock)
    for attempt in range(3):
        c._guard_resend(b"<v%d/>" % attempt, "doc-1")
        c._note_outcome(f"digest-{attempt}", "doc-1", "539", "Duplicidade com diferença na chave")
        c._note_outcome(f"other-{attempt}", "doc-1", "225" if attempt < 2 else "226", "Falha no schema")
        clock.advance(60)
    with pytest.raises(ReenvioBloqueado, match="rejeitado 3 vezes com cStat 539") as info:
        c._guard_resend(b"<v9/>", "doc-1")  # new bytes, same document
    assert info.value.cstat == "539"
    c._guard_resend(b"<v9/>", "doc-2")  # another document is not affected
    clock.advance(3600 - 2 * 60)  # the first rejection is now an hour old: two left in the window
    c._guard_resend(b"<v9/>", "doc-1")


def test_rejections_that_do_not_count_are_not_held() -> None:
    clock = FakeClock(NOW)
    c = _client(clock)
    for attempt in range(5):  # 204, 656, 468 and any authorisation are not rejections of the document
        for code in ("204", "656", "468", "100"):
            c._note_outcome(f"{code}-{attempt}", "doc-1", code, "x")
    c._guard_resend(b"<v/>", "doc-1")


def test_forgetting_old_rejections_keeps_those_of_the_last_hour() -> None:
    clock = FakeClock(NOW)
    c = _client(clock)
    for attempt in range(3):
        c._note_outcome(f"recent-{attempt}", "doc-recent", "215", "Falha no schema")
    clock.advance(3601)
    for attempt in range(3):
        c._note_outcome(f"kept-{attempt}", "doc-kept", "215", "Falha no schema")
    for n in range(10_001):  # old ones, then enough pairs to make the client forget those older than an hour
        c._note_outcome(f"old-{n}", f"doc-{n}", "225", "Falha no schema")
    with pytest.raises(ReenvioBloqueado, match="cStat 215"):
        c._guard_resend(b"<new/>", "doc-kept")
    c._guard_resend(b"<new/>", "doc-recent")  # its three rejections are over an hour old
