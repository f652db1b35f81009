"""Compatibility layer: the NFC-e QR-Code lives in ``engine.nfe.qrcode`` (design.md: "NFC-e QR" in
engine/nfe/). These wrappers keep the builder's original signatures for the on-line forms and the
hashCSRT of infRespTec; the off-line forms (tpEmis 9) are made after signing, see
``engine.nfe.qrcode.qrcode_offline`` and ``engine.nfe.contingencia.finalize_offline``.
"""

from __future__ import annotations

from engine.nfe.qrcode import compose_online, hash_csrt

__all__ = ["hash_csrt", "qrcode_v2", "qrcode_v3"]


def qrcode_v3(base_url: str, chave: str, tp_amb: int) -> str:
    """QR-Code 3.00 of an NFC-e issued online (NT 2025.001)."""
    return compose_online(3, base_url, chave, str(tp_amb), None, None)


def qrcode_v2(base_url: str, chave: str, tp_amb: int, id_csc: str, csc: str) -> str:
    """QR-Code 2.00 of an NFC-e issued online, with the SHA-1 hash over the parameters and the CSC."""
    return compose_online(2, base_url, chave, str(tp_amb), id_csc, csc)
