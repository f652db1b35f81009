"""Pix: BR Code (static and dynamic "Pix Copia e Cola") encode/decode and QR images.

Public API:

    encode(*, nome, cidade, chave=None, url=None, valor=None, txid=None, descricao=None,
           mcc="0000", cep=None, ponto_iniciacao=None, url_rec=None, tipo_chave=None) -> str
    decode(payload) -> BRCode           (crc_ok, valido, every field, avisos)
    (QR images: engine.qrimage.png(payload) / svg(payload), shared with the NFC-e QR-Code)
    normalizar_chave(chave, tipo=None) -> (chave, TipoChave)
    crc16(text) -> str

Charges through the banks' API Pix (docs/pix-api.md), in their own modules:

    engine.pix.api              request/response models of the BACEN API Pix subset (cob, cobv, pix, webhook)
    engine.pix.psp_client       PspClient: OAuth2 client credentials + mTLS, every operation
    engine.pix.psp_profiles     the five PSP profiles as data (engine/pix/data/psps.json), named deviations
    engine.pix.psp_credentials  PSP credentials sealed at rest (the certificate store's envelope)
    engine.pix.confirmation     confirm_notification: every notified pix confirmed with the PSP first
"""

from engine.pix.brcode import GUI_PIX, BRCode, PontoIniciacao, decode, encode, normalizar_texto
from engine.pix.chave import TipoChave, normalizar_chave, tipo_da_chave
from engine.pix.errors import BRCodeError
from engine.pix.tlv import Campo, crc16, parse_tlv

__all__ = [
    "GUI_PIX",
    "BRCode",
    "BRCodeError",
    "Campo",
    "PontoIniciacao",
    "TipoChave",
    "crc16",
    "decode",
    "encode",
    "normalizar_chave",
    "normalizar_texto",
    "parse_tlv",
    "tipo_da_chave",
]
