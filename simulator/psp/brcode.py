"""A dynamic BR Code ("Pix Copia e Cola") for the stand-in's charges, written independently of
engine.pix (the simulator must not share our engine's bugs). EMV MPM TLV, GUI br.gov.bcb.pix with the
location URL (id 25), point of initiation 12, CRC16-CCITT-FALSE (poly 0x1021, init 0xFFFF)."""

from __future__ import annotations


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def crc16(data: str) -> str:
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def dynamic(location: str, nome: str, cidade: str) -> str:
    account = _tlv("00", "br.gov.bcb.pix") + _tlv("25", location)
    body = (
        _tlv("00", "01")
        + _tlv("01", "12")
        + _tlv("26", account)
        + _tlv("52", "0000")
        + _tlv("53", "986")
        + _tlv("58", "BR")
        + _tlv("59", nome[:25])
        + _tlv("60", cidade[:15])
        + _tlv("62", _tlv("05", "***"))
        + "6304"
    )
    return body + crc16(body)
