"""NFC-e QR-Code (infNFeSupl/qrCode) in every form in force: versions 2.00 and 3.00, on-line and off-line.

Sources: "Manual de Especificações Técnicas do DANFE NFC-e e QR Code" v5.0 (QR-Code 2.00) and v6.0,
NT 2025.001 v1.00+ (QR-Code 3.00, in production since 2025-09-01), and the patterns of
``infNFeSupl/qrCode`` in leiauteNFe_v4.00.xsd (PL_010f), which admit exactly these shapes::

    v2 on-line  <url>?p=<chave>|2|<tpAmb>|<idCSC>|<hash>
    v2 off-line <url>?p=<chave>|2|<tpAmb>|<dia>|<vNF>|<digVal>|<idCSC>|<hash>
    v3 on-line  <url>?p=<chave>|3|<tpAmb>
    v3 off-line <url>?p=<chave>|3|<tpAmb>|<dia>|<vNF>|<tpIdDest>|<idDest>|<assinatura>

- ``chave``: the 44-character chave de acesso; off-line forms only for tpEmis 9 (position 35 of the
  chave), on-line forms only for tpEmis 1, 3 or 4 (the XSD patterns enforce both).
- ``idCSC`` without leading zeros (``000001`` -> ``1``); ``hash`` = upper-case hex SHA-1 of the
  parameters before it joined by ``|`` immediately followed by the CSC token (Manual 5.0, 3.3).
- ``dia``: the day of ``ide/dhEmi`` as written in the document (2 digits, the emitter's local date).
- ``vNF``: ``total/ICMSTot/vNF`` with ``.`` and 2 decimals, as in the XML.
- ``digVal``: the ``DigestValue`` of the document's XMLDSig (the Base64 text) written as the hex of
  its ASCII characters: 28 Base64 characters -> the 56 hex digits the XSD demands. The CSC hash covers
  it, so the QR-Code can only be made after the document is signed.
- ``tpIdDest`` / ``idDest`` (v3): 1 + CNPJ, 2 + CPF, 3 + nothing for a foreign customer
  (idEstrangeiro is not printed, Manual 6.0: "informar apenas o separador"), both empty without dest.
- ``assinatura`` (v3): RSASSA-PKCS1-v1_5 with SHA-1 (the algorithm of the NF-e signature, MOC 4.4) made
  with the emitter's certificate over the UTF-8 text ``<chave>|3|<tpAmb>|<dia>|<vNF>|<tpIdDest>|<idDest>``
  (parameters 1 to 7), Base64 (standard alphabet, padded; XSD ``[a-zA-Z0-9+/]+[=]{0,2}``). NT 2025.001
  replaces the CSC by this signature, which anyone can check with the certificate's public key.

The base URL is the UF's ``qrcode`` address from ``states.qrcode_urls(uf, tpAmb)``; ``?p=`` is added
when missing. SHA-1 here is a checksum with a shared secret (v2) or the signature algorithm the layout
mandates (v3, via ``certificates.sha1_profile``, the one module allowed to sign with SHA-1).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

import states
from certificates import sha1_profile
from certificates.a1 import A1Certificate
from engine.errors import ConfigurationError, Finding, InputError

__all__ = [
    "DSIG_NS",
    "NFE_NS",
    "Destinatario",
    "QrSigner",
    "VersaoQrCode",
    "check_qrcode",
    "compose_online",
    "dig_val_hex",
    "hash_csrt",
    "infnfesupl_element",
    "offline_signed_text",
    "qrcode_for_document",
    "qrcode_offline",
    "qrcode_online",
    "rsa_sha1_signer",
    "verify_offline_v3",
]

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
_N = "{" + NFE_NS + "}"
_DS = "{" + DSIG_NS + "}"

VersaoQrCode = Literal[2, 3]
QrSigner = Callable[[bytes], bytes]
"""Signs bytes with the emitter's private key: RSASSA-PKCS1-v1_5 / SHA-1 (an A1 file or an A3 token)."""

_CHAVE = re.compile(r"[0-9]{6}[0-9A-Z]{12}[0-9]{26}")
_TP_EMIS_ONLINE = frozenset("134")  # XSD: on-line patterns carry (1|3|4) at position 35
_DHEMI = re.compile(r"\d{4}-\d{2}-(\d{2})T")


@dataclass(frozen=True, slots=True)
class Destinatario:
    """The customer identification printed in the v3 off-line QR-Code (tpIdDest / idDest)."""

    tp_id_dest: Literal["", "1", "2", "3"] = ""
    id_dest: str = ""

    def __post_init__(self) -> None:
        ok = (
            (self.tp_id_dest == "" and self.id_dest == "")
            or (self.tp_id_dest == "1" and re.fullmatch(r"[0-9A-Z]{12}[0-9]{2}", self.id_dest) is not None)
            or (self.tp_id_dest == "2" and re.fullmatch(r"[0-9]{11}", self.id_dest) is not None)
            or (self.tp_id_dest == "3" and self.id_dest == "")
        )
        if not ok:
            raise InputError(
                f"identificação do consumidor inválida para o QR-Code: tpIdDest {self.tp_id_dest!r} com "
                f"idDest {self.id_dest!r} (1 = CNPJ, 2 = CPF, 3 = estrangeiro sem documento, vazio = sem consumidor)",
                code="QRCODE_DEST",
            )

    @classmethod
    def of(cls, dest: etree._Element | None) -> Destinatario:
        """From an ``infNFe/dest`` element (or None when the customer is not identified)."""
        if dest is None:
            return cls()
        cnpj, cpf = dest.findtext(_N + "CNPJ"), dest.findtext(_N + "CPF")
        if cnpj:
            return cls("1", cnpj)
        if cpf:
            return cls("2", cpf)
        if dest.find(_N + "idEstrangeiro") is not None:
            return cls("3", "")
        return cls()


def _with_p(base_url: str) -> str:
    url = base_url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigurationError(f"URL do QR-Code inválida: {base_url!r}", code="QRCODE_URL")
    if "?p=" in url:
        return url[: url.index("?p=") + 3]
    return url.rstrip("?") + "?p="


def _check_chave(chave: str, offline: bool) -> None:
    if not _CHAVE.fullmatch(chave):
        raise InputError(f"chave de acesso inválida para o QR-Code: {chave!r}", code="QRCODE_CHAVE")
    tp_emis = chave[34]
    if offline and tp_emis != "9":
        raise InputError(
            f"QR-Code de contingência off-line exige chave com tpEmis 9; a chave tem tpEmis {tp_emis}",
            code="QRCODE_TPEMIS",
            cstat="394",
        )
    if not offline and tp_emis not in _TP_EMIS_ONLINE:
        raise InputError(
            f"QR-Code on-line exige chave com tpEmis 1, 3 ou 4; a chave tem tpEmis {tp_emis} "
            "(tpEmis 9 usa o QR-Code off-line)",
            code="QRCODE_TPEMIS",
            cstat="394",
        )


def _tp_amb(tp_amb: int | str) -> str:
    valor = str(tp_amb).strip()
    if valor not in ("1", "2"):
        raise InputError(f"tpAmb deve ser 1 ou 2, recebido {tp_amb!r}", code="QRCODE_TPAMB")
    return valor


def _id_csc(id_csc: str | int | None, csc: str | None) -> tuple[str, str]:
    if id_csc is None or csc is None or not str(csc).strip():
        raise ConfigurationError(
            "QR-Code versão 2 exige o CSC (id e token) do emitente — evita a rejeição 796",
            code="QRCODE_CSC",
            cstat="796",
        )
    texto = str(id_csc).strip()
    if not texto.isdigit() or len(texto) > 6:
        raise ConfigurationError(f"idCSC inválido: {id_csc!r} (até 6 dígitos)", code="QRCODE_CSC")
    return str(int(texto)), str(csc).strip()


def _sha1_hex(texto: str) -> str:
    # A keyed checksum defined by the Manual 5.0, not a security primitive of ours.
    return hashlib.sha1(texto.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def _dia(dh_emi: str | dt.datetime) -> str:
    if isinstance(dh_emi, dt.datetime):
        if dh_emi.tzinfo is None:
            raise InputError("dhEmi sem fuso horário", code="QRCODE_DHEMI")
        return f"{dh_emi.day:02d}"
    m = _DHEMI.match(dh_emi.strip())
    if m is None:
        raise InputError(f"dhEmi inválido para o QR-Code: {dh_emi!r}", code="QRCODE_DHEMI")
    return m.group(1)


def _vnf(v_nf: Decimal | str) -> str:
    try:
        valor = Decimal(v_nf) if isinstance(v_nf, str) else v_nf
        texto = f"{valor.quantize(Decimal('0.01')):f}"
    except (InvalidOperation, ValueError) as exc:
        raise InputError(f"vNF inválido para o QR-Code: {v_nf!r}", code="QRCODE_VNF") from exc
    if valor < 0 or valor != Decimal(texto):
        raise InputError(f"vNF inválido para o QR-Code: {v_nf!r} (não negativo, 2 casas)", code="QRCODE_VNF")
    return texto


def dig_val_hex(digest_value: str) -> str:
    """The v2 off-line ``digVal``: hex of the ASCII characters of the Base64 DigestValue (56 digits)."""
    texto = digest_value.strip()
    try:
        if len(base64.b64decode(texto, validate=True)) != 20:
            raise ValueError("not a SHA-1 digest")
    except (binascii.Error, ValueError) as exc:
        raise InputError(
            f"DigestValue inválido: {digest_value!r} (esperado o SHA-1 em Base64 da assinatura da NFC-e)",
            code="QRCODE_DIGVAL",
        ) from exc
    return texto.encode("ascii").hex()


def qrcode_online(
    versao: VersaoQrCode,
    *,
    base_url: str,
    chave: str,
    tp_amb: int | str,
    id_csc: str | int | None = None,
    csc: str | None = None,
) -> str:
    """qrCode of an NFC-e issued on-line (tpEmis 1): v3 needs nothing more, v2 the CSC."""
    _check_chave(chave, offline=False)
    return compose_online(versao, base_url, chave, _tp_amb(tp_amb), id_csc, csc)


def compose_online(
    versao: VersaoQrCode, base_url: str, chave: str, tp_amb: str, id_csc: str | int | None, csc: str | None
) -> str:
    """The on-line string without checking the chave (``engine.nfe.build.qrcode``'s historical helpers)."""
    if versao == 3:
        return f"{_with_p(base_url)}{chave}|3|{tp_amb}"
    if versao == 2:
        ident, token = _id_csc(id_csc, csc)
        params = f"{chave}|2|{tp_amb}|{ident}"
        return f"{_with_p(base_url)}{params}|{_sha1_hex(params + token)}"
    raise ConfigurationError(f"versão de QR-Code não suportada: {versao!r} (2 ou 3)", code="QRCODE_VERSAO")


def offline_signed_text(chave: str, tp_amb: int | str, dh_emi: str | dt.datetime, v_nf: Decimal | str,
                        dest: Destinatario | None = None) -> str:
    """The v3 off-line parameters 1 to 7 that the certificate signs (NT 2025.001)."""
    _check_chave(chave, offline=True)
    d = dest or Destinatario()
    return f"{chave}|3|{_tp_amb(tp_amb)}|{_dia(dh_emi)}|{_vnf(v_nf)}|{d.tp_id_dest}|{d.id_dest}"


def rsa_sha1_signer(key: A1Certificate | rsa.RSAPrivateKey) -> QrSigner:
    """A ``QrSigner`` for an A1 certificate (or its private key)."""
    private = key.private_key if isinstance(key, A1Certificate) else key

    def sign(data: bytes) -> bytes:
        return sha1_profile.rsa_sign(private, data)

    return sign


def qrcode_offline(
    versao: VersaoQrCode,
    *,
    base_url: str,
    chave: str,
    tp_amb: int | str,
    dh_emi: str | dt.datetime,
    v_nf: Decimal | str,
    digest_value: str | None = None,
    id_csc: str | int | None = None,
    csc: str | None = None,
    dest: Destinatario | None = None,
    signer: QrSigner | A1Certificate | None = None,
) -> str:
    """qrCode of an NFC-e issued in off-line contingency (tpEmis 9).

    v2 needs the signed document's ``digest_value`` (Base64 DigestValue) and the CSC; v3 needs the
    customer identification (``dest``) and a ``signer`` with the emitter's certificate.
    """
    _check_chave(chave, offline=True)
    amb, dia, vnf = _tp_amb(tp_amb), _dia(dh_emi), _vnf(v_nf)
    if versao == 2:
        if digest_value is None:
            raise InputError(
                "QR-Code off-line versão 2 exige o DigestValue: assine a NFC-e antes de gerar o QR-Code",
                code="QRCODE_DIGVAL",
            )
        ident, token = _id_csc(id_csc, csc)
        params = f"{chave}|2|{amb}|{dia}|{vnf}|{dig_val_hex(digest_value)}|{ident}"
        return f"{_with_p(base_url)}{params}|{_sha1_hex(params + token)}"
    if versao == 3:
        if signer is None:
            raise ConfigurationError(
                "QR-Code off-line versão 3 exige o certificado do emitente para assinar (NT 2025.001)",
                code="QRCODE_ASSINATURA",
            )
        sign = rsa_sha1_signer(signer) if isinstance(signer, A1Certificate) else signer
        texto = offline_signed_text(chave, amb, dh_emi, vnf, dest)
        assinatura = base64.b64encode(sign(texto.encode("utf-8"))).decode("ascii")
        return f"{_with_p(base_url)}{texto}|{assinatura}"
    raise ConfigurationError(f"versão de QR-Code não suportada: {versao!r} (2 ou 3)", code="QRCODE_VERSAO")


def verify_offline_v3(qrcode: str, public_key: rsa.RSAPublicKey) -> bool:
    """Whether the signature of a v3 off-line qrCode verifies with ``public_key`` (what SEFAZ and a
    consumer app check)."""
    if "?p=" not in qrcode:
        return False
    partes = qrcode.split("?p=", 1)[1].split("|")
    if len(partes) != 8 or partes[1] != "3":
        return False
    try:
        assinatura = base64.b64decode(partes[7], validate=True)
    except binascii.Error:
        return False
    return sha1_profile.rsa_verify(public_key, assinatura, "|".join(partes[:7]).encode("utf-8"))


def _required(el: etree._Element | None, what: str) -> etree._Element:
    if el is None or not (el.text or "").strip():
        raise InputError(f"NFC-e sem {what}", code="QRCODE_DOCUMENTO")
    return el


def qrcode_for_document(
    nfe: etree._Element,
    *,
    versao: VersaoQrCode,
    base_url: str,
    id_csc: str | int | None = None,
    csc: str | None = None,
    signer: QrSigner | A1Certificate | None = None,
) -> str:
    """The qrCode of an ``NFe`` element: on-line or off-line by its tpEmis, every field read from it.

    An off-line v2 QR-Code reads the DigestValue, so ``nfe`` must be signed already.
    """
    inf = nfe.find(_N + "infNFe")
    if inf is None:
        raise InputError("documento sem o grupo infNFe", code="QRCODE_DOCUMENTO")
    ident = inf.get("Id") or ""
    chave = ident[3:] if ident.startswith("NFe") else ident
    ide = inf.find(_N + "ide")
    if ide is None:
        raise InputError("NFC-e sem o grupo ide", code="QRCODE_DOCUMENTO")
    tp_amb = _required(ide.find(_N + "tpAmb"), "ide/tpAmb").text or ""
    tp_emis = _required(ide.find(_N + "tpEmis"), "ide/tpEmis").text or ""
    if tp_emis.strip() != "9":
        return qrcode_online(versao, base_url=base_url, chave=chave, tp_amb=tp_amb, id_csc=id_csc, csc=csc)
    dh_emi = _required(ide.find(_N + "dhEmi"), "ide/dhEmi").text or ""
    v_nf = _required(inf.find(f"{_N}total/{_N}ICMSTot/{_N}vNF"), "total/ICMSTot/vNF").text or ""
    digest = nfe.find(f"{_DS}Signature/{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
    return qrcode_offline(
        versao,
        base_url=base_url,
        chave=chave,
        tp_amb=tp_amb,
        dh_emi=dh_emi,
        v_nf=v_nf,
        digest_value=(digest.text or "") if digest is not None else None,
        id_csc=id_csc,
        csc=csc,
        dest=Destinatario.of(inf.find(_N + "dest")),
        signer=signer,
    )


def infnfesupl_element(qrcode: str, url_chave: str) -> etree._Element:
    """``<infNFeSupl><qrCode/><urlChave/></infNFeSupl>`` in the NF-e namespace (built with lxml)."""
    supl = etree.Element(_N + "infNFeSupl", nsmap={None: NFE_NS})  # type: ignore[dict-item]
    etree.SubElement(supl, _N + "qrCode").text = qrcode
    etree.SubElement(supl, _N + "urlChave").text = url_chave
    return supl


def hash_csrt(csrt: str, chave: str) -> str:
    """infRespTec/hashCSRT (NT 2018.005): Base64 of SHA-1 over the CSRT followed by the chave."""
    digest = hashlib.sha1((csrt + chave).encode("utf-8"), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")


# ------------------------------------------------------------------------------------------ checking

_SHAPES: dict[tuple[str, bool], int] = {("2", False): 5, ("2", True): 8, ("3", False): 3, ("3", True): 8}


def _signer_key(nfe: etree._Element) -> rsa.RSAPublicKey | None:
    """The RSA key of the certificate in the document's own Signature (the emitter's), if any."""
    text = nfe.findtext(f"{_DS}Signature/{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate")
    if not text:
        return None
    try:
        key = x509.load_der_x509_certificate(base64.b64decode("".join(text.split()))).public_key()
    except (ValueError, binascii.Error):
        return None
    return key if isinstance(key, rsa.RSAPublicKey) else None


def check_qrcode(
    nfe: etree._Element,
    *,
    csc: str | None = None,
    public_key: rsa.RSAPublicKey | None = None,
) -> list[Finding]:
    """Every disagreement between an NFC-e and its infNFeSupl/qrCode, as SEFAZ checks it (cStat 394-399,
    464), as Findings (empty list = consistent).

    The v2 hash is checked when ``csc`` (the token) is given; the v3 off-line signature with
    ``public_key``, by default the key of the certificate in the document's Signature. The base URL must
    be the UF's for the tpAmb (``states``) or one of the alternatives the registry records.
    """
    xpath, path = "/NFe/infNFeSupl/qrCode", "infNFeSupl.qrCode"
    out: list[Finding] = []

    def add(code: str, mensagem: str, cstat: str | None) -> None:
        out.append(Finding(code=code, mensagem=mensagem, path=path, xpath=xpath, cstat=cstat))

    inf = nfe.find(_N + "infNFe")
    qr = nfe.findtext(f"{_N}infNFeSupl/{_N}qrCode")
    if inf is None:
        return out
    if not qr:
        add("QRCODE_AUSENTE", "NFC-e sem a informação do QR-Code (infNFeSupl/qrCode)", "394")
        return out
    ide = inf.find(_N + "ide")
    cuf = inf.findtext(f"{_N}ide/{_N}cUF") or ""
    tp_amb = inf.findtext(f"{_N}ide/{_N}tpAmb") or ""
    offline = (inf.findtext(f"{_N}ide/{_N}tpEmis") or "") == "9"
    chave = (inf.get("Id") or "")[3:]
    if "?p=" not in qr:
        add("QRCODE_VERSAO", "QR-Code fora do formato das versões 2 e 3 (sem o parâmetro p=)", "398")
        return out
    base, params = qr.split("?p=", 1)
    try:
        registro = states.nfce_qrcode(cuf, tp_amb)
        aceitas = {registro.qrcode.rstrip("?/"), *(a.split("?p=")[0].rstrip("?/") for a in registro.alternativas)}
        if base.rstrip("?/") not in aceitas:
            add("QRCODE_URL", f"endereço do QR-Code {base} diverge do previsto para a UF ({registro.qrcode})", "395")
    except states.StatesError:
        pass  # cUF / tpAmb are reported by the schema and the chave rules
    partes = params.split("|")
    if not partes[0]:
        add("QRCODE_CHAVE", "QR-Code sem a chave de acesso", "396")
        return out
    if partes[0] != chave:
        add("QRCODE_CHAVE", f"chave do QR-Code {partes[0]} diverge da chave da NFC-e {chave}", "397")
    versao = partes[1] if len(partes) > 1 else ""
    esperado = _SHAPES.get((versao, offline))
    if esperado is None or len(partes) != esperado:
        forma = "off-line (tpEmis 9)" if offline else "on-line"
        add("QRCODE_VERSAO", f"QR-Code versão {versao or '?'} fora do formato {forma} previsto", "398")
        return out
    if partes[2] != tp_amb:
        add("QRCODE_TPAMB", f"tpAmb do QR-Code ({partes[2]}) diverge do tpAmb da NFC-e ({tp_amb})", None)
    if offline and ide is not None:
        dh_emi, v_nf = ide.findtext(_N + "dhEmi") or "", inf.findtext(f"{_N}total/{_N}ICMSTot/{_N}vNF") or ""
        m = _DHEMI.match(dh_emi)
        if m is None or partes[3] != m.group(1):
            add("QRCODE_DIA", f"dia da emissão no QR-Code ({partes[3]}) diverge de dhEmi ({dh_emi})", None)
        try:
            if Decimal(partes[4]) != Decimal(v_nf):
                add("QRCODE_VNF", f"valor no QR-Code ({partes[4]}) diverge de vNF ({v_nf})", None)
        except InvalidOperation:
            add("QRCODE_VNF", f"valor no QR-Code inválido: {partes[4]!r}", None)
    if versao == "2":
        if offline:
            digest = nfe.findtext(f"{_DS}Signature/{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
            if digest is not None and partes[5].lower() != digest.strip().encode("ascii").hex():
                add("QRCODE_DIGVAL", "digVal do QR-Code diverge do DigestValue da assinatura da NFC-e", None)
        if csc is not None and _sha1_hex("|".join(partes[:-1]) + csc.strip()) != partes[-1].upper():
            add("QRCODE_HASH", "código de hash do QR-Code difere do calculado com o CSC", "464")
    elif offline:
        try:
            dest = Destinatario.of(inf.find(_N + "dest"))
        except InputError:  # a malformed CPF/CNPJ of dest is the schema's finding
            dest = Destinatario()
        if (partes[5] or partes[6]) and dest == Destinatario():
            add("QRCODE_DEST", "QR-Code identifica o consumidor, mas a NFC-e não tem destinatário", "399")
        elif (partes[5], partes[6]) != (dest.tp_id_dest, dest.id_dest):
            add("QRCODE_DEST", f"identificação do consumidor no QR-Code ({partes[5]}|{partes[6]}) diverge do "
                f"destinatário da NFC-e ({dest.tp_id_dest}|{dest.id_dest})", None)
        key = public_key or _signer_key(nfe)
        if key is not None and not verify_offline_v3(qr, key):
            add("QRCODE_ASSINATURA", "assinatura do QR-Code off-line não confere com o certificado do emitente "
                "(NT 2025.001)", None)
    return out
