"""ICP-Brasil identity carried in the SubjectAlternativeName ``otherName`` fields.

Source: DOC-ICP-04 (Requisitos mínimos para as políticas de certificado na ICP-Brasil), item 7.1.2.3:

* e-CNPJ: 2.16.76.1.3.4 (responsible person's data), 2.16.76.1.3.2 (responsible person's name),
  2.16.76.1.3.3 (CNPJ, 14 positions), 2.16.76.1.3.7 (CEI/INSS, 12 positions).
* e-CPF: 2.16.76.1.3.1 (holder's data), 2.16.76.1.3.5 (título de eleitor), 2.16.76.1.3.6 (CEI).

The "data" fields (…3.1 and …3.4) are fixed-width: birth date ddmmaaaa (8), CPF (11), NIS (11),
RG (15 for 3.1 / 11 for 3.4 in older policies) and the issuer of the RG with its UF. Only the
first 19 positions (birth date + CPF) are stable across policy versions, so those are what we read.

From July 2026 the CNPJ becomes alphanumeric (IN RFB 2.229/2024): the 12 first positions are
``[0-9A-Z]``, the two check digits stay numeric and are computed with ``ord(c) - 48`` as the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cryptography import x509

OID_PF_DATA = "2.16.76.1.3.1"
OID_RESPONSIBLE_NAME = "2.16.76.1.3.2"
OID_CNPJ = "2.16.76.1.3.3"
OID_RESPONSIBLE_DATA = "2.16.76.1.3.4"
OID_TITULO_ELEITOR = "2.16.76.1.3.5"
OID_CEI_PF = "2.16.76.1.3.6"
OID_CEI_PJ = "2.16.76.1.3.7"

_CNPJ_RE = re.compile(r"^[0-9A-Z]{12}[0-9]{2}$")
_CPF_RE = re.compile(r"^[0-9]{11}$")


@dataclass(frozen=True, slots=True)
class IcpBrasilIdentity:
    """Who the certificate identifies. ``kind`` is ``"e-CNPJ"``, ``"e-CPF"`` or ``"desconhecido"``."""

    kind: str
    cnpj: str | None = None
    cpf: str | None = None
    responsible_name: str | None = None
    responsible_cpf: str | None = None
    birth_date: date | None = None
    holder_name: str | None = None  # subject CN without the ":CNPJ"/":CPF" suffix

    @property
    def cnpj_root(self) -> str | None:
        """First 8 positions: the company; the emitter's CNPJ must share it (cStat 213)."""
        return self.cnpj[:8] if self.cnpj else None


def cnpj_check_digits(first12: str) -> str:
    """The two check digits of a CNPJ, numeric or alphanumeric (module 11, weights 2..9 from the right)."""
    digits = ""
    body = first12
    for _ in range(2):
        total = 0
        weight = 2
        for ch in reversed(body):
            total += (ord(ch) - 48) * weight
            weight = 2 if weight == 9 else weight + 1
        rest = total % 11
        dv = "0" if rest < 2 else str(11 - rest)
        digits += dv
        body += dv
    return digits


def is_valid_cnpj(cnpj: str) -> bool:
    """True for a well-formed CNPJ (numeric or alphanumeric) with correct check digits."""
    if not _CNPJ_RE.match(cnpj) or cnpj == cnpj[0] * 14:
        return False
    return cnpj_check_digits(cnpj[:12]) == cnpj[12:]


def normalize_cnpj(value: str) -> str:
    """Strip the usual mask (``12.ABC.345/01DE-35``) and upper-case the letters."""
    return re.sub(r"[./\-\s]", "", value).upper()


def cpf_check_digits(first9: str) -> str:
    digits = ""
    body = first9
    for _ in range(2):
        total = sum(int(c) * w for c, w in zip(body, range(len(body) + 1, 1, -1), strict=True))
        rest = (total * 10) % 11
        dv = "0" if rest == 10 else str(rest)
        digits += dv
        body += dv
    return digits


def is_valid_cpf(cpf: str) -> bool:
    if not _CPF_RE.match(cpf) or cpf == cpf[0] * 11:
        return False
    return cpf_check_digits(cpf[:9]) == cpf[9:]


def _der_string(value: bytes) -> str:
    """Decode the DER value of an otherName (OCTET STRING, PrintableString, UTF8String, IA5String...).

    CAs differ: most use OCTET STRING holding ASCII, some PrintableString or UTF8String.
    """
    if len(value) < 2:
        return ""
    tag = value[0]
    length = value[1]
    offset = 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(value[2 : 2 + n], "big")
        offset = 2 + n
    content = value[offset : offset + length]
    if tag == 0xA0:  # some encoders leave the [0] EXPLICIT wrapper in place
        return _der_string(content)
    for encoding in ("utf-8", "latin-1"):
        try:
            return content.decode(encoding).strip("\x00 ")
        except UnicodeDecodeError:
            continue
    return ""  # pragma: no cover - latin-1 decodes anything


def _birth_date(ddmmaaaa: str) -> date | None:
    if len(ddmmaaaa) != 8 or not ddmmaaaa.isdigit() or ddmmaaaa == "0" * 8:
        return None
    try:
        return date(int(ddmmaaaa[4:]), int(ddmmaaaa[2:4]), int(ddmmaaaa[:2]))
    except ValueError:
        return None


def _other_names(cert: x509.Certificate) -> dict[str, str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return {}
    found: dict[str, str] = {}
    for other in san.get_values_for_type(x509.OtherName):
        found[other.type_id.dotted_string] = _der_string(other.value)
    return found


def _common_name(cert: x509.Certificate) -> str | None:
    attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    if not attrs:
        return None
    value = attrs[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def identity_of(cert: x509.Certificate) -> IcpBrasilIdentity:
    """Read the ICP-Brasil identity of ``cert`` (never raises: unknown fields are left ``None``)."""
    names = _other_names(cert)
    cn = _common_name(cert)
    holder = cn.rsplit(":", 1)[0] if cn and ":" in cn else cn
    cnpj_raw = normalize_cnpj(names.get(OID_CNPJ, ""))
    if cnpj_raw:
        data = names.get(OID_RESPONSIBLE_DATA, "")
        responsible_cpf = data[8:19] if len(data) >= 19 and _CPF_RE.match(data[8:19]) else None
        if responsible_cpf == "0" * 11:
            responsible_cpf = None
        return IcpBrasilIdentity(
            kind="e-CNPJ",
            cnpj=cnpj_raw,
            responsible_name=names.get(OID_RESPONSIBLE_NAME) or None,
            responsible_cpf=responsible_cpf,
            birth_date=_birth_date(data[:8]),
            holder_name=holder,
        )
    pf = names.get(OID_PF_DATA, "")
    if len(pf) >= 19 and _CPF_RE.match(pf[8:19]):
        return IcpBrasilIdentity(kind="e-CPF", cpf=pf[8:19], birth_date=_birth_date(pf[:8]), holder_name=holder)
    return IcpBrasilIdentity(kind="desconhecido", holder_name=holder)
