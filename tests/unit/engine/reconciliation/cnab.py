"""Build CNAB 240 retorno files field by field (positions 1-based inclusive, FEBRABAN 240 v10.06).

Used to write the fixture files (``python -m tests.unit.engine.reconciliation.cnab``) and to make
broken variants in the tests. Values are placed by position, numbers zero-padded, text space-padded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).parent / "data"


def record(fields: dict[tuple[int, int], str | int | Decimal | date]) -> str:
    buf = [" "] * 240
    for (ini, fim), v in fields.items():
        width = fim - ini + 1
        if isinstance(v, Decimal):
            s = str(int(v * 100)).zfill(width)
        elif isinstance(v, date):
            s = v.strftime("%d%m%Y")
        elif isinstance(v, int):
            s = str(v).zfill(width)
        else:
            s = v.ljust(width)
        assert len(s) == width, (ini, fim, v)
        buf[ini - 1 : fim] = s
    return "".join(buf)


def header_arquivo(banco: str, agencia: str, conta: str, dv: str, empresa: str, nome_banco: str) -> str:
    return record({(1, 3): banco, (4, 7): 0, (8, 8): "0", (18, 18): "2", (19, 32): "45997418000153",
                   (53, 57): agencia.zfill(5), (59, 70): conta.zfill(12), (71, 71): dv, (73, 102): empresa,
                   (103, 132): nome_banco, (143, 143): "2", (144, 151): date(2026, 3, 10), (152, 157): "083015",
                   (158, 163): 57, (164, 166): "089"})


def header_lote(banco: str, lote: int, operacao: str, servico: str) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "1", (9, 9): operacao, (10, 11): servico,
                   (14, 16): "045", (18, 18): "2", (19, 33): "045997418000153"})


def segmento_t(banco: str, lote: int, seq: int, mov: str, nosso: str, seu: str, venc: date, valor: Decimal,
               tipo_doc: str, doc: str, nome: str) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "3", (9, 13): seq, (14, 14): "T", (16, 17): mov,
                   (18, 22): "01234", (23, 23): "5", (24, 35): "000000012345", (36, 36): "6", (38, 57): nosso,
                   (58, 58): "1", (59, 73): seu, (74, 81): venc, (82, 96): valor, (97, 99): banco,
                   (133, 133): tipo_doc, (134, 148): doc.zfill(15), (149, 188): nome,
                   (199, 213): Decimal("2.50")})


def segmento_u(banco: str, lote: int, seq: int, mov: str, pago: Decimal, ocorrencia: date | None,
               credito: date | None, juros: Decimal = Decimal(0)) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "3", (9, 13): seq, (14, 14): "U", (16, 17): mov,
                   (18, 32): juros, (33, 47): Decimal(0), (48, 62): Decimal(0), (63, 77): Decimal(0),
                   (78, 92): pago, (93, 107): pago - Decimal("2.50"), (108, 122): Decimal(0), (123, 137): Decimal(0),
                   (138, 145): ocorrencia or "00000000", (146, 153): credito or "00000000"})


def segmento_a(banco: str, lote: int, seq: int, nome: str, seu: str, quando: date, valor: Decimal, nosso: str,
               ocorrencia: str) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "3", (9, 13): seq, (14, 14): "A", (15, 15): "0",
                   (16, 17): "00", (18, 20): "009", (21, 23): "237", (24, 28): "01500", (30, 41): "000000654321",
                   (42, 42): "0", (44, 73): nome, (74, 93): seu, (94, 101): quando, (102, 104): "BRL",
                   (105, 119): 0, (120, 134): valor, (135, 154): nosso, (155, 162): quando, (163, 177): valor,
                   (230, 230): "0", (231, 240): ocorrencia})


def segmento_b(banco: str, lote: int, seq: int, tipo: str, doc: str) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "3", (9, 13): seq, (14, 14): "B", (18, 18): tipo,
                   (19, 32): doc.zfill(14), (33, 62): "RUA DAS ACACIAS"})


def segmento_j(banco: str, lote: int, seq: int, barras: str, cedente: str, venc: date, valor: Decimal,
               pago_em: date, seu: str, nosso: str, ocorrencia: str) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "3", (9, 13): seq, (14, 14): "J", (15, 15): "0",
                   (16, 17): "00", (18, 61): barras, (62, 91): cedente, (92, 99): venc, (100, 114): valor,
                   (115, 129): Decimal(0), (130, 144): Decimal(0), (145, 152): pago_em, (153, 167): valor,
                   (168, 182): 0, (183, 202): seu, (203, 222): nosso, (223, 224): "09", (231, 240): ocorrencia})


def segmento_z(banco: str, lote: int, seq: int, autenticacao: str) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "3", (9, 13): seq, (14, 14): "Z", (18, 81): autenticacao,
                   (82, 106): autenticacao[:25], (231, 240): "00"})


def trailer_lote(banco: str, lote: int, registros: int) -> str:
    return record({(1, 3): banco, (4, 7): lote, (8, 8): "5", (18, 23): registros})


def trailer_arquivo(banco: str, lotes: int, registros: int) -> str:
    return record({(1, 3): banco, (4, 7): 9999, (8, 8): "9", (18, 23): lotes, (24, 29): registros})


def bb_cobranca() -> str:
    """Banco do Brasil (001), cobrança: 4 liquidations (one after write-off, one with interest), one entry."""
    b = "001"
    d = [
        header_arquivo(b, "1234", "12345", "6", "INSTITUTO DE ORTODONTIA AVANC", "BANCO DO BRASIL S.A."),
        header_lote(b, 1, "T", "01"),
    ]
    det = [
        segmento_t(b, 1, 1, "06", "28123450000000101", "PAC-0101", date(2026, 3, 5), Decimal("350.00"), "1",
                   "52998224725", "MARIA DA SILVA SOUZA"),
        segmento_u(b, 1, 2, "06", Decimal("350.00"), date(2026, 3, 5), date(2026, 3, 6)),
        segmento_t(b, 1, 3, "02", "28123450000000102", "PAC-0102", date(2026, 3, 20), Decimal("420.00"), "1",
                   "11144477735", "JOAO PEREIRA"),
        segmento_u(b, 1, 4, "02", Decimal("0"), date(2026, 3, 6), None),
        segmento_t(b, 1, 5, "06", "28123450000000103", "PAC-0103", date(2026, 3, 1), Decimal("200.00"), "2",
                   "11222333000181", "CLINICA SORRISO LTDA"),
        segmento_u(b, 1, 6, "06", Decimal("204.00"), date(2026, 3, 4), date(2026, 3, 5), juros=Decimal("4.00")),
        segmento_t(b, 1, 7, "17", "28123450000000104", "PAC-0104", date(2026, 2, 27), Decimal("150.00"), "1",
                   "39053344705", "ANA BEATRIZ COSTA"),
        segmento_u(b, 1, 8, "17", Decimal("100.00"), date(2026, 3, 7), None),
    ]
    d += det
    d.append(trailer_lote(b, 1, len(det) + 2))
    d.append(trailer_arquivo(b, 1, len(d) + 1))
    return "\r\n".join(d) + "\r\n"


def itau_pagamentos() -> str:
    """Itaú (341) SISPAG retorno: a TED (A+B+Z) paid, a scheduled one (BD), a boleto (J+Z) paid."""
    b = "341"
    d = [header_arquivo(b, "0321", "45678", "9", "INSTITUTO DE ORTODONTIA AVANC", "BANCO ITAU SA"),
         header_lote(b, 1, "C", "20")]
    det = [
        segmento_a(b, 1, 1, "DENTAL SUPRIMENTOS LTDA", "NF-8812", date(2026, 3, 9), Decimal("1890.40"),
                   "TED000000987654", "00"),
        segmento_b(b, 1, 2, "2", "04252011000110"),
        segmento_z(b, 1, 3, "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6"),
        segmento_a(b, 1, 4, "LABORATORIO PROTESE SUL", "NF-8813", date(2026, 3, 12), Decimal("760.00"), "", "BD"),
        segmento_b(b, 1, 5, "2", "33000167000101"),
    ]
    d += det
    d.append(trailer_lote(b, 1, len(det) + 2))
    d.append(header_lote(b, 2, "C", "20"))
    det2 = [
        segmento_j(b, 2, 1, "34191790010104351004791020150008291070026000", "COPEL DISTRIBUICAO",
                   date(2026, 3, 10), Decimal("612.33"), date(2026, 3, 10), "ENERGIA-03", "", "00"),
        segmento_z(b, 2, 2, "F00DBABE12345678F00DBABE12345678"),
    ]
    d += det2
    d.append(trailer_lote(b, 2, len(det2) + 2))
    d.append(trailer_arquivo(b, 2, len(d) + 1))
    return "\n".join(d) + "\n"


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    (DATA / "bb-cobranca-retorno.ret").write_bytes(bb_cobranca().encode("ascii"))
    (DATA / "itau-sispag-retorno.ret").write_bytes(itau_pagamentos().encode("ascii"))
