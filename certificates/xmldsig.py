"""XMLDSig for NF-e 4.00 / NFC-e, events and inutilização, exactly as the MOC requires.

Profile (MOC 7.0, item 4.4 "Padrão de Assinatura Digital"; xmldsig-core-schema_v1.01.xsd):

* enveloped signature, ``Signature`` is the LAST child of ``NFe`` / ``evento`` / ``inutNFe``;
* ``CanonicalizationMethod`` C14N 1.0 (REC-xml-c14n-20010315), ``SignatureMethod`` RSA-SHA1;
* exactly one ``Reference`` with ``URI="#<Id>"`` of ``infNFe`` / ``infEvento`` / ``infInut``,
  transforms enveloped-signature then C14N 1.0, ``DigestMethod`` SHA-1;
* ``KeyInfo/X509Data/X509Certificate`` with the signer's certificate only;
* default namespace ``xmlns="http://www.w3.org/2000/09/xmldsig#"`` on ``Signature`` (no ``ds:``
  prefix) and no whitespace between elements (SEFAZ rejects both: cStat 215/225/297).

Signing uses our own minimal implementation of this one profile (lxml C14N + SHA-1 + RSA from
``cryptography``): measured at 1.1x the floor, while signxml costs 2-3x (see docs/certificates.md).
signxml and the xmlsec1 command line verify its output in the tests; SHA-1 lives in
``certificates.sha1_profile``.

Verification (``verify_signature``) is strict on purpose, to defeat signature wrapping: one
``Signature`` as last child of its parent, one ``Reference`` whose URI is the Id of a sibling
``inf*`` element, that Id unique in the document; the element returned in ``VerifyResult`` is that
very element of the caller's tree, so what is used afterwards is exactly what was signed. It
accepts the documents SEFAZ signs as well (``protNFe/infProt``, ``retEvento/infEvento``,
``retInutNFe/infInut``...).
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from certificates import sha1_profile
from certificates.a1 import A1Certificate
from certificates.c14n import c14n10
from certificates.errors import CertificateError
from certificates.sha1_profile import C14N_10, DSIG_NS, ENVELOPED, RSA_SHA1, SHA1
from certificates.trust import TrustStore

NFE_NS = "http://www.portalfiscal.inf.br/nfe"

# Element that carries the Signature -> element it signs (MOC 4.4 and the return layouts).
SIGNED_PARENTS: dict[str, str] = {
    "NFe": "infNFe",
    "evento": "infEvento",
    "inutNFe": "infInut",
    # Signed by SEFAZ:
    "protNFe": "infProt",
    "retEvento": "infEvento",
    "retInutNFe": "infInut",
    "retCancNFe": "infCanc",
    "cancNFe": "infCanc",
}
# What we sign ourselves.
SIGNABLE_PARENTS = ("NFe", "evento", "inutNFe")

_DS = "{" + DSIG_NS + "}"


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _c14n(el: etree._Element) -> bytes:
    # Inclusive C14N 1.0 of the subtree; see certificates.c14n for why not lxml's tostring directly.
    return c14n10(el)


# --------------------------------------------------------------------------------------------- signing


def _target_of(parent: etree._Element) -> etree._Element:
    wanted = SIGNED_PARENTS.get(_local(parent))
    if wanted is None:
        raise CertificateError(
            "CERT_XML", f"elemento '{_local(parent)}' não é assinável (esperado NFe, evento ou inutNFe)"
        )
    matches = [c for c in parent if _local(c) == wanted]
    if len(matches) != 1:
        raise CertificateError("CERT_XML", f"'{_local(parent)}' deve conter exatamente um elemento {wanted}")
    target = matches[0]
    if not target.get("Id"):
        raise CertificateError("CERT_XML", f"{wanted} sem o atributo Id: não há o que referenciar na assinatura")
    return target


@functools.lru_cache(maxsize=32)
def _der_b64(cert: x509.Certificate) -> str:
    # Memo of a pure function (certificates are immutable and hashable): the same A1 signs
    # thousands of documents.
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


@functools.lru_cache(maxsize=1)
def _signature_template() -> etree._Element:
    """The constant part of the Signature (MOC 4.4) without its SignedInfo, built once with lxml and
    deep-copied per use (copying is several times cheaper than creating the elements); never modified."""
    sig = etree.Element(_DS + "Signature", nsmap={None: DSIG_NS})  # type: ignore[dict-item]
    etree.SubElement(sig, _DS + "SignatureValue")
    key_info = etree.SubElement(sig, _DS + "KeyInfo")
    x509_data = etree.SubElement(key_info, _DS + "X509Data")
    etree.SubElement(x509_data, _DS + "X509Certificate")
    return sig


@functools.lru_cache(maxsize=1)
def _signed_info_template() -> etree._Element:
    """The SignedInfo (C14N 1.0, RSA-SHA1, one Reference: enveloped-signature + C14N 1.0, SHA-1) as the root
    of its own document, declaring the XMLDSig namespace as default: filled and canonicalised standalone, it
    has the canonical form it has inside Signature (the same namespace in scope, nothing inherited), and moving
    it there drops its now redundant declaration (the serialised Signature is unchanged). Never modified."""
    signed_info = etree.Element(_DS + "SignedInfo", nsmap={None: DSIG_NS})  # type: ignore[dict-item]
    etree.SubElement(signed_info, _DS + "CanonicalizationMethod", Algorithm=C14N_10)
    etree.SubElement(signed_info, _DS + "SignatureMethod", Algorithm=RSA_SHA1)
    ref = etree.SubElement(signed_info, _DS + "Reference", URI="")
    transforms = etree.SubElement(ref, _DS + "Transforms")
    etree.SubElement(transforms, _DS + "Transform", Algorithm=ENVELOPED)
    etree.SubElement(transforms, _DS + "Transform", Algorithm=C14N_10)
    etree.SubElement(ref, _DS + "DigestMethod", Algorithm=SHA1)
    etree.SubElement(ref, _DS + "DigestValue")
    return signed_info


def _copy_tree(el: etree._Element) -> etree._Element:
    """``copy.deepcopy(el)`` without copy.deepcopy's dispatch (~1 us): lxml's ``_Element.__copy__`` copies the
    whole subtree in C (its ``__deepcopy__`` calls it); lxml-stubs do not declare it."""
    return cast(etree._Element, el.__copy__())  # type: ignore[attr-defined]


def sign_element(parent: etree._Element, a1: A1Certificate) -> etree._Element:
    """Append the enveloped ``Signature`` of ``parent``'s ``inf*`` element as its last child.

    ``parent`` is ``NFe``, ``evento`` or ``inutNFe`` (modified in place). Any earlier ``Signature``
    child is replaced. Returns the new ``Signature`` element.
    """
    return _sign(parent, a1.private_key, _der_b64(a1.certificate))


def _sign(parent: etree._Element, key: rsa.RSAPrivateKey, cert_b64: str) -> etree._Element:
    target = _target_of(parent)
    # iterchildren filters in C; findall() with a tag goes through ElementPath's Python generators.
    for old in list(parent.iterchildren(_DS + "Signature")):
        parent.remove(old)
    digest_value = base64.b64encode(sha1_profile.digest(_c14n(target))).decode("ascii")

    sig = _copy_tree(_signature_template())
    signature_value, key_info = sig
    key_info[0][0].text = cert_b64
    signed_info = _copy_tree(_signed_info_template())
    reference = signed_info[2]
    reference.set("URI", "#" + str(target.get("Id")))
    reference[2].text = digest_value
    # Inclusive C14N renders on SignedInfo every namespace in scope: only the default one (Signature's) when
    # the parent has no prefixed namespace in scope (every NF-e), and then the standalone SignedInfo has the
    # same canonical form; otherwise it is canonicalised in place, with the prefixes it inherits.
    standalone = all(prefix is None for prefix in parent.nsmap)
    canonical = etree.tostring(signed_info, method="c14n", exclusive=False, with_comments=False) if standalone else b""
    sig.insert(0, signed_info)
    parent.append(sig)
    if not standalone:
        canonical = _c14n(signed_info)
    signature_value.text = base64.b64encode(sha1_profile.rsa_sign(key, canonical)).decode("ascii")
    return sig


def _signable_in(root: etree._Element) -> list[etree._Element]:
    if _local(root) in SIGNABLE_PARENTS:
        return [root]
    return [el for el in root.iter(etree.Element) if _local(el) in SIGNABLE_PARENTS and el.tag.startswith("{" + NFE_NS)]


def sign_document(root: etree._Element, a1: A1Certificate) -> bytes:
    """Sign every ``NFe`` / ``evento`` / ``inutNFe`` in ``root`` (itself or inside an envelope such as
    ``enviNFe``/``envEvento``) and return the signed document as bytes (UTF-8, no XML declaration).

    Once signed, a document is these bytes: store and send them, never re-serialise (design.md §6).
    """
    targets = _signable_in(root)
    if not targets:
        raise CertificateError("CERT_XML", f"nenhum NFe, evento ou inutNFe para assinar em '{_local(root)}'")
    cert_b64 = _der_b64(a1.certificate)
    for parent in targets:
        _sign(parent, a1.private_key, cert_b64)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=False)


# ---------------------------------------------------------------------------------------- verification


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of ``verify_signature``.

    ``signed_element`` is the element of the caller's tree that the signature covers (only when
    ``valid``): use it, and nothing found by another path, afterwards. ``certificate`` is the
    signer's certificate when one could be read (also for some invalid results, for diagnostics).
    """

    valid: bool
    code: str
    reason: str
    certificate: x509.Certificate | None = None
    signed_element: etree._Element | None = field(default=None, repr=False)
    reference_id: str | None = None
    signed_c14n: bytes = field(default=b"", repr=False)

    @property
    def cstat(self) -> str | None:
        """The SEFAZ rejection this problem corresponds to, when there is one."""
        return CSTAT_BY_CODE.get(self.code)


# Verification codes -> SEFAZ rejections (reference/cstat.json).
CSTAT_BY_CODE: dict[str, str] = {
    "DIGEST_INVALIDO": "297",  # Assinatura difere do calculado
    "ASSINATURA_INVALIDA": "297",
    "ALGORITMO_NAO_ACEITO": "298",  # Assinatura difere do padrão do Sistema
    "ESTRUTURA_INVALIDA": "298",
    "REFERENCIA_INVALIDA": "298",
    "ASSINATURA_MULTIPLA": "298",
    "CERTIFICADO_AUSENTE": "290",  # Certificado Assinatura inválido
    "CERTIFICADO_ILEGIVEL": "290",
    "CADEIA_NAO_CONFIAVEL": "293",  # Certificado Assinatura - erro Cadeia de Certificação
    "CADEIA_FORA_DA_VALIDADE": "291",  # Certificado Assinatura Data Validade
}


class _Invalid(Exception):
    def __init__(self, code: str, reason: str, certificate: x509.Certificate | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.certificate = certificate


def _only_child(parent: etree._Element, name: str, where: str) -> etree._Element:
    found = [c for c in parent if isinstance(c.tag, str) and c.tag == _DS + name]
    if len(found) != 1:
        raise _Invalid(
            "ESTRUTURA_INVALIDA", f"{where} deve conter exatamente um elemento {name} (encontrados {len(found)})"
        )
    return found[0]


def _algorithm(el: etree._Element, expected: str, code: str, what: str) -> None:
    value = el.get("Algorithm")
    if value != expected:
        raise _Invalid(code, f"{what} '{value}' não é aceito; o padrão da NF-e exige '{expected}'")


def _b64(el: etree._Element, what: str) -> bytes:
    text = "".join((el.text or "").split())
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _Invalid("ESTRUTURA_INVALIDA", f"{what} não está em base64 válido") from exc


def _signature_parent(root: etree._Element) -> etree._Element:
    """The element whose child is the Signature to verify (``root`` itself when it has one)."""
    if any(c.tag == _DS + "Signature" for c in root):
        return root
    candidates = [el.getparent() for el in root.iter(_DS + "Signature")]
    parents = [p for p in candidates if p is not None and _local(p) in SIGNED_PARENTS]
    if not parents:
        raise _Invalid("SEM_ASSINATURA", f"'{_local(root)}' não contém assinatura digital (Signature)")
    if len(parents) > 1:
        # nfeProc holds NFe (ours) and protNFe (SEFAZ's): the document itself is what is asked for.
        own = [p for p in parents if _local(p) in SIGNABLE_PARENTS]
        if len(own) == 1:
            return own[0]
        raise _Invalid(
            "ASSINATURA_AMBIGUA",
            f"'{_local(root)}' contém {len(parents)} assinaturas; verifique cada documento separadamente",
        )
    return parents[0]


def _signer_certificate(signature: etree._Element) -> list[x509.Certificate]:
    key_info = _only_child(signature, "KeyInfo", "Signature")
    x509_data = _only_child(key_info, "X509Data", "KeyInfo")
    certs: list[x509.Certificate] = []
    for el in x509_data.findall(_DS + "X509Certificate"):
        try:
            certs.append(x509.load_der_x509_certificate(_b64(el, "X509Certificate")))
        except ValueError as exc:
            raise _Invalid("CERTIFICADO_ILEGIVEL", "X509Certificate não contém um certificado X.509 válido") from exc
    if not certs:
        raise _Invalid("CERTIFICADO_AUSENTE", "a assinatura não traz o certificado do signatário (X509Certificate)")
    return certs


def _ids(doc_root: etree._Element, value: str) -> Iterator[etree._Element]:
    for el in doc_root.iter(etree.Element):
        for attr in ("Id", "ID", "id"):
            if el.get(attr) == value:
                yield el
                break


def _document_time(target: etree._Element) -> datetime | None:
    """The moment the document says it was signed/issued (checked against the chain's validity)."""
    for name in ("dhEmi", "dhEvento", "dhRecbto"):
        found = target.find(f".//{{{NFE_NS}}}{name}")
        if found is not None and found.text:
            try:
                parsed = datetime.fromisoformat(found.text.strip())
            except ValueError:
                return None
            # The layout's TDateTimeUTC always carries the offset; without one the moment is unknown.
            return parsed if parsed.tzinfo is not None else None
    return None


def _verify(root: etree._Element, trust: TrustStore | None, at: datetime | None) -> VerifyResult:
    parent = _signature_parent(root)
    signatures = [c for c in parent if c.tag == _DS + "Signature"]
    if len(signatures) != 1:
        raise _Invalid("ASSINATURA_MULTIPLA", f"'{_local(parent)}' deve conter uma única assinatura (Signature)")
    signature = signatures[0]
    elements = [c for c in parent if isinstance(c.tag, str)]
    if elements[-1] is not signature:
        raise _Invalid("ESTRUTURA_INVALIDA", f"Signature deve ser o último elemento de '{_local(parent)}'")

    signed_info = _only_child(signature, "SignedInfo", "Signature")
    _algorithm(
        _only_child(signed_info, "CanonicalizationMethod", "SignedInfo"),
        C14N_10,
        "ALGORITMO_NAO_ACEITO",
        "CanonicalizationMethod",
    )
    _algorithm(
        _only_child(signed_info, "SignatureMethod", "SignedInfo"), RSA_SHA1, "ALGORITMO_NAO_ACEITO", "SignatureMethod"
    )
    references = signed_info.findall(_DS + "Reference")
    if len(references) != 1:
        raise _Invalid(
            "REFERENCIA_INVALIDA", f"a assinatura deve ter exatamente uma Reference (encontradas {len(references)})"
        )
    reference = references[0]
    transforms = reference.find(_DS + "Transforms")
    algs = [t.get("Algorithm") for t in transforms] if transforms is not None else []
    if algs not in ([ENVELOPED, C14N_10], [ENVELOPED]):
        raise _Invalid("ALGORITMO_NAO_ACEITO", "Transforms deve ser enveloped-signature seguido de C14N 1.0")
    _algorithm(_only_child(reference, "DigestMethod", "Reference"), SHA1, "ALGORITMO_NAO_ACEITO", "DigestMethod")

    wanted = SIGNED_PARENTS.get(_local(parent))
    if wanted is None:
        raise _Invalid("REFERENCIA_INVALIDA", f"'{_local(parent)}' não é um elemento assinado do leiaute da NF-e")
    uri = reference.get("URI") or ""
    targets = [c for c in parent if _local(c) == wanted]
    if len(targets) != 1:
        raise _Invalid("REFERENCIA_INVALIDA", f"'{_local(parent)}' deve conter exatamente um {wanted}")
    target = targets[0]
    if etree.QName(target).namespace != NFE_NS or etree.QName(parent).namespace != NFE_NS:
        raise _Invalid("REFERENCIA_INVALIDA", f"{wanted} e '{_local(parent)}' devem estar no namespace {NFE_NS}")
    target_id = target.get("Id") or ""
    if not uri.startswith("#") or not target_id or uri[1:] != target_id:
        raise _Invalid(
            "REFERENCIA_INVALIDA",
            f"a Reference URI '{uri}' não aponta para o Id de {wanted} ('{target_id}') de '{_local(parent)}'",
        )
    if len(list(_ids(root.getroottree().getroot(), target_id))) != 1:
        raise _Invalid(
            "ID_DUPLICADO", f"o Id '{target_id}' aparece mais de uma vez no documento (possível ataque de wrapping)"
        )

    certs = _signer_certificate(signature)
    signed_c14n = _c14n(target)
    expected_digest = _b64(_only_child(reference, "DigestValue", "Reference"), "DigestValue")
    if sha1_profile.digest(signed_c14n) != expected_digest:
        raise _Invalid(
            "DIGEST_INVALIDO",
            f"o conteúdo de {wanted} foi alterado depois da assinatura (DigestValue não confere)",
            certs[0],
        )
    signature_value = _b64(_only_child(signature, "SignatureValue", "Signature"), "SignatureValue")
    canonical_signed_info = _c14n(signed_info)
    signer: x509.Certificate | None = None
    for cert in certs:
        pub = cert.public_key()
        if isinstance(pub, rsa.RSAPublicKey) and sha1_profile.rsa_verify(pub, signature_value, canonical_signed_info):
            signer = cert
            break
    if signer is None:
        raise _Invalid(
            "ASSINATURA_INVALIDA", "o valor da assinatura (SignatureValue) não confere com o certificado", certs[0]
        )

    if trust is not None:
        when = at or _document_time(target)
        problem = trust.chain_problem(signer, at=when)
        if problem is not None:
            raise _Invalid(problem[0], problem[1], signer)
    return VerifyResult(
        valid=True,
        code="ASSINATURA_VALIDA",
        reason=f"assinatura de {wanted} válida",
        certificate=signer,
        signed_element=target,
        reference_id=target_id,
        signed_c14n=signed_c14n,
    )


def verify_signature(
    signed_root: etree._Element, *, trust: TrustStore | None = None, at: datetime | None = None
) -> VerifyResult:
    """Verify the NF-e-profile signature of ``signed_root``; never raises for a bad document.

    ``signed_root`` is the signed element (``NFe``, ``evento``, ``inutNFe``, ``protNFe``,
    ``retEvento``...) or a document holding exactly one of them (``nfeProc``: its ``NFe``).
    Without ``trust``: digest and signature value. With ``trust``: also the certificate chain up to
    one of its anchors, valid at ``at`` (default: the document's own dhEmi/dhEvento/dhRecbto,
    because a signature made while the certificate was valid stays valid).
    """
    if at is not None and at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    try:
        return _verify(signed_root, trust, at)
    except _Invalid as bad:
        return VerifyResult(valid=False, code=bad.code, reason=bad.reason, certificate=bad.certificate)
    except (ValueError, TypeError) as exc:  # malformed key material etc.: a result, never a crash
        return VerifyResult(
            valid=False, code="ESTRUTURA_INVALIDA", reason=f"assinatura ilegível ({type(exc).__name__}: {exc})"
        )


def verify_all(
    root: etree._Element, *, trust: TrustStore | None = None, at: datetime | None = None
) -> list[VerifyResult]:
    """Verify every signed element in ``root`` (e.g. both ``NFe`` and ``protNFe`` of an ``nfeProc``)."""
    parents = []
    for sig in root.iter(_DS + "Signature"):
        p = sig.getparent()
        if p is not None and p not in parents:
            parents.append(p)
    if not parents:
        return [VerifyResult(valid=False, code="SEM_ASSINATURA", reason="o documento não contém assinatura digital")]
    return [verify_signature(p, trust=trust, at=at) for p in parents]
