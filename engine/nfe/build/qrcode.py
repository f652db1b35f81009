"""NFC-e infNFeSupl (qrCode + urlChave) and the hashCSRT of infRespTec.

QR-Code versions for a document issued online (tpEmis 1), as the XSD patterns of infNFeSupl/qrCode
(PL_010f) and the Notas Técnicas define them:

- 3.00 (NT 2025.001, the default since September 2025): ``<url>?p=<chave>|3|<tpAmb>``; no CSC.
- 2.00 (Manual DANFE NFC-e/QR-Code 5.0): ``<url>?p=<chave>|2|<tpAmb>|<idCSC>|<hash>`` where idCSC
  is written without leading zeros and hash = upper-case hex SHA-1 of
  ``<chave>|2|<tpAmb>|<idCSC><CSC>``.

Out of scope here: the off-line contingency forms (tpEmis 9): v2 adds day, vNF and digVal of the
signature; v3 adds the customer identification and a signature made with the certificate, so they
belong to the signing step.
"""

from __future__ import annotations

import base64
import hashlib


def _with_p(base_url: str) -> str:
    if "?p=" in base_url:
        return base_url[: base_url.index("?p=") + 3]
    return base_url.rstrip("?") + "?p="


def qrcode_v3(base_url: str, chave: str, tp_amb: int) -> str:
    """QR-Code 3.00 of an NFC-e issued online (NT 2025.001)."""
    return f"{_with_p(base_url)}{chave}|3|{tp_amb}"


def qrcode_v2(base_url: str, chave: str, tp_amb: int, id_csc: str, csc: str) -> str:
    """QR-Code 2.00 of an NFC-e issued online, with the SHA-1 hash over the parameters and the CSC."""
    id_sem_zeros = str(int(id_csc))
    params = f"{chave}|2|{tp_amb}|{id_sem_zeros}"
    digest = hashlib.sha1((params + csc).encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    return f"{_with_p(base_url)}{params}|{digest}"


def hash_csrt(csrt: str, chave: str) -> str:
    """infRespTec/hashCSRT (NT 2018.005): Base64 of SHA-1 over the CSRT followed by the chave."""
    digest = hashlib.sha1((csrt + chave).encode("utf-8"), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")
