"""XMLDSig as SEFAZ checks and applies it, independent of our own implementation (certificates/).

Verification follows the MOC 7.0 "Padrão de Assinatura Digital": enveloped
signature of the element carrying ``Id`` referenced as ``#Id``, C14N 2001-03-15, RSA-SHA1 and
SHA-1 digests, the signer's X.509 certificate in KeyInfo. Deviations from that shape give 298, a
digest or signature value that does not verify gives 297, an unreadable certificate 290, a
certificate outside the trusted chain 293, outside its validity 291 (MOC rules of "Validação da
Assinatura").

python-xmlsec is the reference. A signature of the plain shape every NF-e, event and inutilização
has (``_plain_profile_verifies``: the signed element first in its parent, only a default namespace
in scope) is accepted by computing what xmlsec computes (SHA-1 over the element's C14N, RSA-SHA1
over SignedInfo's), without xmlsec's node-set machinery, which cost 3/4 of an NFC-e's check; every
other signature, and every one that does not verify that way, is decided by xmlsec's complete
processing. Our answers are signed the same way, byte for byte what xmlsec's template signing
writes (``Signer.sign`` / ``Signer.sign_with_template``; the tests compare both paths with xmlsec).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import xmlsec
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N_2001 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
OID_CNPJ = x509.ObjectIdentifier("2.16.76.1.3.3")  # ICP-Brasil DOC-ICP-04: CNPJ of the holder company


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """``cstat`` is None when the signature is valid; ``signer`` is the signing certificate when readable."""

    cstat: str | None
    detail: str
    signer: CertificateFacts | None = None
    digest_value: str | None = None


def _der_value(raw: bytes) -> bytes:
    """The content octets of one DER TLV (any string type: ICP-Brasil CAs use OCTET STRING,
    PrintableString or UTF8String for the otherName values)."""
    if len(raw) < 2:
        return b""
    length = raw[1]
    offset = 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(raw[2 : 2 + n], "big")
        offset = 2 + n
    return raw[offset : offset + length]


def cnpj_of(cert: x509.Certificate) -> str | None:
    """CNPJ from the ICP-Brasil otherName 2.16.76.1.3.3 of the SubjectAlternativeName, if present."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    for name in san.get_values_for_type(x509.OtherName):
        if name.type_id == OID_CNPJ:
            text = _der_value(name.value).decode("latin-1").strip()
            return text or None
    return None


def _chains_to(cert: x509.Certificate, trusted: tuple[x509.Certificate, ...]) -> bool:
    """True when ``cert`` is signed by one of ``trusted`` (issuer name + signature check)."""
    for issuer in trusted:
        if issuer.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(issuer)
        except (InvalidSignature, ValueError, TypeError):
            continue  # not issued by this one: try the next trusted certificate
        return True
    return False


_UNSET: Any = object()


class CertificateFacts:
    """What one certificate's bytes say: the parsed certificate, whether it chains to the trusted
    CAs, its ICP-Brasil CNPJ. Each fact is computed on first use and then kept: they depend only on
    the bytes (and the fixed trust anchors), while the validity window is still checked against the
    simulator's clock on every request."""

    __slots__ = ("_chains", "_cnpj", "_trusted", "certificate", "not_after", "not_before", "public_der")

    def __init__(self, certificate: x509.Certificate, trusted: tuple[x509.Certificate, ...]) -> None:
        self.certificate = certificate
        # The validity window (291 is still judged against the simulator's clock on every request).
        self.not_before = certificate.not_valid_before_utc
        self.not_after = certificate.not_valid_after_utc
        self._trusted = trusted
        self._chains: Any = _UNSET
        self._cnpj: Any = _UNSET
        self.public_der: bytes | None = None

    @property
    def chains(self) -> bool:
        if self._chains is _UNSET:
            self._chains = _chains_to(self.certificate, self._trusted)
        return bool(self._chains)

    @property
    def cnpj(self) -> str | None:
        if self._cnpj is _UNSET:
            self._cnpj = cnpj_of(self.certificate)
        return self._cnpj  # type: ignore[no-any-return]

    def spki_der(self) -> bytes:
        """The SubjectPublicKeyInfo (DER): all the signature check needs of the certificate."""
        if self.public_der is None:
            self.public_der = self.certificate.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        return self.public_der


class Certificates:
    """The certificates the simulator has seen (KeyInfo of signed messages, TLS peers), by their DER.

    An emitter signs thousands of documents with one A1 and keeps one TLS identity: parsing it,
    checking its chain and reading its CNPJ once instead of per request is what SEFAZ's own
    certificate caches do. Bounded (``limit`` distinct certificates, oldest forgotten first) and
    shared by the handler threads; the xmlsec keys, which python-xmlsec does not share between
    threads, are kept per thread."""

    def __init__(self, trusted: tuple[x509.Certificate, ...], *, limit: int = 4096) -> None:
        self.trusted = trusted
        self.limit = limit
        self._known: dict[bytes, CertificateFacts | None] = {}
        # X509Certificate element text -> its facts: the same text always decodes to the same DER, so
        # a signer's certificate is base64-decoded once, not on every document (None: unreadable, 290).
        self._by_text: dict[str, CertificateFacts | None] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def facts_of_text(self, text: str) -> CertificateFacts | None:
        """The facts of the certificate in an ``X509Certificate`` element's text (base64 of the DER,
        whitespace ignored); None when the text is not base64 or the DER not a certificate (290)."""
        with self._lock:
            if text in self._by_text:
                return self._by_text[text]
        try:
            der = base64.b64decode("".join(text.split()), validate=True)
        except ValueError:
            facts = None
        else:
            facts = self.facts(der)
        with self._lock:
            while len(self._by_text) >= self.limit:
                del self._by_text[next(iter(self._by_text))]
            return self._by_text.setdefault(text, facts)

    def facts(self, der: bytes) -> CertificateFacts | None:
        """The facts of a DER certificate; None when it cannot be read (cStat 290)."""
        with self._lock:
            if der in self._known:
                return self._known[der]
        try:
            facts: CertificateFacts | None = CertificateFacts(x509.load_der_x509_certificate(der), self.trusted)
        except ValueError:
            facts = None
        with self._lock:
            while len(self._known) >= self.limit:
                del self._known[next(iter(self._known))]
            return self._known.setdefault(der, facts)

    def verification_key(self, facts: CertificateFacts) -> xmlsec.Key:
        """The certificate's public key for python-xmlsec, once per thread."""
        keys: dict[bytes, xmlsec.Key] | None = getattr(self._local, "keys", None)
        if keys is None:
            keys = self._local.keys = {}
        spki = facts.spki_der()
        key = keys.get(spki)
        if key is None:
            if len(keys) >= 64:
                keys.clear()
            key = keys[spki] = xmlsec.Key.from_memory(spki, xmlsec.constants.KeyDataFormatDer)
        return key


def _children(el: etree._Element, *tags: str) -> list[etree._Element]:
    """The elements at the child path ``tags`` below ``el``, in document order: what
    ``el.findall("t1/t2/...")`` selects, without ElementPath's per-call set-up."""
    found = [el]
    for tag in tags:
        found = [child for parent in found for child in parent.iterchildren(tag)]
    return found


def _child(el: etree._Element, *tags: str) -> etree._Element | None:
    """The first element at the child path ``tags`` below ``el`` (what ``el.find`` selects)."""
    if len(tags) == 1:
        return next(el.iterchildren(tags[0]), None)
    found = _children(el, *tags)
    return found[0] if found else None


_SIGNATURE = f"{{{DS}}}Signature"
_SIGNED_INFO = f"{{{DS}}}SignedInfo"
_REFERENCE = f"{{{DS}}}Reference"
_C14N_METHOD = f"{{{DS}}}CanonicalizationMethod"
_SIGNATURE_METHOD = f"{{{DS}}}SignatureMethod"
_DIGEST_METHOD = f"{{{DS}}}DigestMethod"
_DIGEST_VALUE = f"{{{DS}}}DigestValue"
_TRANSFORMS = f"{{{DS}}}Transforms"
_TRANSFORM = f"{{{DS}}}Transform"
_KEY_INFO = f"{{{DS}}}KeyInfo"
_X509_DATA = f"{{{DS}}}X509Data"
_X509_CERTIFICATE = f"{{{DS}}}X509Certificate"
_SIGNATURE_VALUE = f"{{{DS}}}SignatureValue"


def verify_enveloped(
    parent: etree._Element, signed: etree._Element, *, certs: Certificates, now: datetime
) -> SignatureCheck:
    """Verify the ds:Signature child of ``parent`` over ``signed`` (a child of ``parent`` with Id)."""
    sig = _child(parent, _SIGNATURE)
    if sig is None:
        return SignatureCheck("298", "Signature ausente")
    ref_id = signed.get("Id")
    refs = _children(sig, _SIGNED_INFO, _REFERENCE)
    if not ref_id or len(refs) != 1 or refs[0].get("URI") != f"#{ref_id}":
        return SignatureCheck("298", f"Reference URI deve ser '#{ref_id}'")
    algorithms = [
        (_child(sig, _SIGNED_INFO, _C14N_METHOD), C14N_2001),
        (_child(sig, _SIGNED_INFO, _SIGNATURE_METHOD), RSA_SHA1),
        (_child(refs[0], _DIGEST_METHOD), SHA1),
    ]
    for node, expected in algorithms:
        if node is None or node.get("Algorithm") != expected:
            return SignatureCheck("298", f"algoritmo diferente de {expected}")
    transforms = [t.get("Algorithm") for t in _children(refs[0], _TRANSFORMS, _TRANSFORM)]
    if transforms != [ENVELOPED, C14N_2001]:
        return SignatureCheck("298", "Transforms devem ser enveloped-signature e C14N")
    certs_el = _children(sig, _KEY_INFO, _X509_DATA, _X509_CERTIFICATE)
    if len(certs_el) != 1 or not (certs_el[0].text or "").strip():
        return SignatureCheck("298", "KeyInfo deve conter um X509Certificate")
    digest_el = _child(refs[0], _DIGEST_VALUE)
    digest = ((digest_el.text or "") if digest_el is not None else "").strip()
    facts = certs.facts_of_text(certs_el[0].text or "")
    if facts is None:
        return SignatureCheck("290", "certificado da assinatura ilegível")
    cert = facts.certificate
    if not facts.chains:
        return SignatureCheck("293", "certificado da assinatura fora da cadeia confiável", facts, digest)
    if not (facts.not_before <= now <= facts.not_after):
        return SignatureCheck("291", "certificado da assinatura fora da validade", facts, digest)
    if _plain_profile_verifies(parent, sig, signed, ref_id, cert):
        return SignatureCheck(None, "ok", facts, digest)
    # Anything else — a digest or signature value that does not verify, or a document outside the
    # plain shape — is decided by xmlsec's complete XMLDSig processing.
    # Verify in a document of its own: the message as SEFAZ extracts it from the SOAP body (a copy of
    # the subtree carries only the namespaces it uses, as an XmlNode taken out of the envelope does).
    doc = copy.deepcopy(parent)
    doc_sig = doc.find(_SIGNATURE)
    assert doc_sig is not None  # a copy of the element found above
    xmlsec.tree.add_ids(doc, ["Id"])
    ctx = xmlsec.SignatureContext()
    ctx.key = certs.verification_key(facts)
    try:
        ctx.verify(doc_sig)
    except xmlsec.Error:
        return SignatureCheck("297", "valor da assinatura ou do digest não confere", facts, digest)
    return SignatureCheck(None, "ok", facts, digest)


_XML_NS_ATTR = "{http://www.w3.org/XML/1998/namespace}"


def _b64(text: str | None) -> bytes | None:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except ValueError:
        return None


def _canonical_alone(element: etree._Element) -> bytes | None:
    """Inclusive C14N 1.0 (no comments) of ``element`` as the apex of a document subset, when the
    only namespace in its scope is a default one and no ancestor carries an xml:* attribute; else
    None. The element is copied to be the lone root of a document of its own: lxml canonicalises an
    element inside a larger tree with a spurious ``xmlns=""`` on its grandchildren (lxml 6 /
    libxml2 2.14), which is not C14N. With nothing but the default namespace in scope, the copy's
    canonical form is the subset's: the apex renders that one declaration, as xmlsec does."""
    if list(element.nsmap) != [None]:
        return None
    ancestor = element.getparent()
    while ancestor is not None:
        if any(str(name).startswith(_XML_NS_ATTR) for name in ancestor.attrib):
            return None
        ancestor = ancestor.getparent()
    alone = element.__copy__()  # lxml copies the whole subtree (copy.deepcopy's memo adds nothing here)
    alone.tail = None
    if alone.nsmap != element.nsmap:
        return None
    return etree.tostring(alone, method="c14n", exclusive=False, with_comments=False)


def _plain_profile_verifies(
    parent: etree._Element, sig: etree._Element, signed: etree._Element, ref_id: str, cert: x509.Certificate
) -> bool:
    """True when a signature of the MOC's plain shape verifies: the Reference's SHA-1 digest over the
    canonical form of the signed element and the RSA-SHA1 SignatureValue (PKCS#1 v1.5, by the
    certificate's key) over the canonical SignedInfo. False means "not shown valid here", never
    "invalid": the caller then runs xmlsec's full processing, which decides.

    This is the computation xmlsec's ``verify`` does, without its node-set machinery (~0.7 µs per
    node: 3/4 of the verification of an NFC-e). ``verify_enveloped`` has checked the profile (one
    Reference to ``#Id`` of ``signed``, transforms enveloped + C14N 1.0, SHA-1, RSA-SHA1, C14N 1.0
    SignedInfo). Here ``signed`` must also be the first element of ``parent`` (xmlsec registers IDs
    in document order and the first wins, so it is the element xmlsec dereferences), the Signature
    its sibling (the enveloped transform then removes nothing from it), and both it and SignedInfo
    canonicalisable alone (see ``_canonical_alone``). Comments are outside a bare-name ``#Id``
    node-set and left out.

    Independence from the engine: our signer canonicalises ``infNFe`` by canonicalising the whole
    unsigned ``NFe`` and slicing the bytes (certificates/c14n.py), this check a deep copy of the
    received element; xmlsec's node-set C14N decides every disagreement, and the tests sign over
    lxml's faulty in-tree C14N to keep that shared-bug case a 297."""
    first = next(parent.iterchildren(etree.Element), None)
    if first is not signed or parent.get("Id") == ref_id or signed is sig:
        return False
    signed_info = _child(sig, _SIGNED_INFO)
    if signed_info is None:
        return False
    digest_value = _child(signed_info, _REFERENCE, _DIGEST_VALUE)
    signature_value = _child(sig, _SIGNATURE_VALUE)
    expected = _b64(digest_value.text if digest_value is not None else None)
    signature = _b64(signature_value.text if signature_value is not None else None)
    if expected is None or signature is None:
        return False
    canonical = _canonical_alone(signed)
    if canonical is None or hashlib.sha1(canonical).digest() != expected:  # noqa: S324 - the MOC 7.0 profile
        return False
    canonical_signed_info = _canonical_alone(signed_info)
    if canonical_signed_info is None:
        return False
    public_key = cert.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:  # the RSA check xmlsec's verify_binary makes, at 0.020 ms instead of its 0.048 ms
        public_key.verify(signature, canonical_signed_info, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Signer:
    """The simulator's own key and certificate, signing protNFe/retEvento/retInutNFe as SEFAZ does."""

    key_pem: bytes
    cert_pem: bytes
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)
    _cert_text: str = field(init=False, repr=False, compare=False)
    _rsa_key: rsa.RSAPrivateKey = field(init=False, repr=False, compare=False)  # immutable, thread-safe

    def __post_init__(self) -> None:
        # The X509Certificate content exactly as xmlsec writes it from a key carrying the certificate
        # (base64 of the DER in 64-character lines, ending in a newline): written once here, so
        # xmlsec signs with the bare key instead of copying and re-encoding the certificate each time.
        b64 = base64.b64encode(x509.load_pem_x509_certificate(self.cert_pem).public_bytes(serialization.Encoding.DER))
        lines = [b64[i : i + 64].decode("ascii") for i in range(0, len(b64), 64)]
        object.__setattr__(self, "_cert_text", "\n".join(lines) + "\n")
        key = serialization.load_pem_private_key(self.key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("a chave do simulador deve ser RSA")
        object.__setattr__(self, "_rsa_key", key)

    def _key(self) -> xmlsec.Key:
        """The parsed key, once per thread (xmlsec keys are not shared between threads)."""
        key = getattr(self._local, "key", None)
        if key is None:
            key = xmlsec.Key.from_memory(self.key_pem, xmlsec.constants.KeyDataFormatPem)
            self._local.key = key
        return key

    def _signature(self) -> etree._Element:
        """A fresh copy of the Signature template (built once per thread, like the key: lxml trees
        are not meant to be shared between threads)."""
        template = getattr(self._local, "template", None)
        if template is None:
            template = self._local.template = _signature_template(self._cert_text)
        return copy.deepcopy(template)

    def _parts(self) -> tuple[etree._Element, etree._Element]:
        """Fresh copies of the template's SignedInfo, as the root of a document of its own (so its
        C14N needs no further copy), and of the rest of the Signature (once per thread, as above)."""
        parts = getattr(self._local, "parts", None)
        if parts is None:
            rest = _signature_template(self._cert_text)
            signed_info = copy.deepcopy(rest[0])  # a root of its own, declaring the ds namespace
            rest.remove(rest[0])
            parts = self._local.parts = (signed_info, rest)
        return parts[0].__copy__(), parts[1].__copy__()  # whole subtrees, as copy.deepcopy makes them

    def signature_of(self, target: etree._Element) -> etree._Element | None:
        """The Signature ``sign`` would append for ``target``, computed while ``target`` is still the
        root of a document of its own, so neither its C14N nor SignedInfo's needs a copy: the caller
        then appends ``target`` to its (new) root and this Signature after it, and gets the same bytes
        as building the root first and calling ``sign`` (tests/integration/simulator/test_signer.py).
        lxml drops the declarations that became redundant under the root. None when ``target`` is not
        such a root or has something but a default namespace in scope (use ``sign`` then)."""
        if target.getparent() is not None or target.getroottree().getroot() is not target:
            return None
        if list(target.nsmap) != [None]:
            return None
        canonical = etree.tostring(target, method="c14n", exclusive=False, with_comments=False)
        signed_info, sig = self._parts()
        _reference(signed_info, target, canonical)
        value = self._signature_value(etree.tostring(signed_info, method="c14n", exclusive=False,
                                                     with_comments=False))
        sig.insert(0, signed_info)
        sig[1].text = value
        return sig

    def sign(self, root: etree._Element, target: etree._Element) -> None:
        """Append an enveloped signature of ``target`` (which has ``Id``) to ``root`` (its parent).

        ``root`` must be the root of its own document so the C14N context is the element alone,
        which is how a client sees it once it embeds the element in nfeProc/procEventoNFe.

        The Signature is the one xmlsec's template signing writes, byte for byte (a test compares
        them; RSA PKCS#1 v1.5 is deterministic), computed directly: SHA-1 over the C14N of
        ``target``, RSA-SHA1 over the C14N of SignedInfo. Only an element with something
        but a default namespace in scope goes through xmlsec's template processing.
        """
        canonical = _canonical_alone(target)
        if canonical is None or target.getparent() is not root or root.getparent() is not None:
            self.sign_with_template(root, target)
            return
        sig = self._signature()
        signed_info = sig[0]
        _reference(signed_info, target, canonical)
        root.append(sig)
        canonical_signed_info = _canonical_alone(signed_info)
        assert canonical_signed_info is not None  # only the Signature's default namespace is in scope
        sig[1].text = self._signature_value(canonical_signed_info)

    def _signature_value(self, canonical_signed_info: bytes) -> str:
        """SignatureValue over SignedInfo's C14N. RSA PKCS#1 v1.5 is deterministic: the same value xmlsec
        computes, with the OpenSSL build of ``cryptography`` (0.25 ms instead of 0.32 ms through xmlsec's for
        a 2048-bit key); written, as xmlsec does, in 64-character lines without a final newline."""
        value = base64.b64encode(self._rsa_key.sign(canonical_signed_info, padding.PKCS1v15(), hashes.SHA1()))  # noqa: S303
        return "\n".join(value[i : i + 64].decode("ascii") for i in range(0, len(value), 64))

    def sign_with_template(self, root: etree._Element, target: etree._Element) -> None:
        """``sign`` through xmlsec's template signing (the reference the direct computation matches)."""
        sig = xmlsec.template.create(root, xmlsec.constants.TransformInclC14N, xmlsec.constants.TransformRsaSha1)
        root.append(sig)
        ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha1, uri="#" + str(target.get("Id")))
        xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
        xmlsec.template.add_transform(ref, xmlsec.constants.TransformInclC14N)
        key_info = xmlsec.template.ensure_key_info(sig)
        cert_el = xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(key_info))
        _strip_indentation(sig)
        cert_el.text = self._cert_text  # KeyInfo is outside what the signature covers (Reference #Id)
        xmlsec.tree.add_ids(root, ["Id"])
        ctx = xmlsec.SignatureContext()
        ctx.key = self._key()
        ctx.sign(sig)


def _reference(signed_info: etree._Element, target: etree._Element, canonical: bytes) -> None:
    """The template's Reference filled for ``target``: its URI and the SHA-1 of its C14N (MOC 7.0)."""
    reference = signed_info[2]
    reference.set("URI", "#" + str(target.get("Id")))
    reference[2].text = base64.b64encode(hashlib.sha1(canonical).digest()).decode("ascii")  # noqa: S324 - MOC 7.0


def _strip_indentation(sig: etree._Element) -> None:
    """No indentation inside Signature, as SEFAZ emits it."""
    for node in sig.iter():
        node.tail = None if node is not sig else node.tail
        if node.text is not None and not node.text.strip():
            node.text = None


def _signature_template(cert_text: str) -> etree._Element:
    """The Signature xmlsec's template functions build for the MOC profile (C14N 1.0, RSA-SHA1, one
    Reference with the enveloped and C14N transforms, SHA-1, the certificate in X509Data), without
    indentation; URI, DigestValue and SignatureValue are filled per signature."""
    holder = etree.Element("holder")
    sig = xmlsec.template.create(holder, xmlsec.constants.TransformInclC14N, xmlsec.constants.TransformRsaSha1)
    ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha1, uri="#")
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformInclC14N)
    cert_el = xmlsec.template.x509_data_add_certificate(
        xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sig))
    )
    _strip_indentation(sig)
    cert_el.text = cert_text
    names = [etree.QName(el).localname for el in (sig[0], sig[0][2], sig[0][2][2], sig[1])]
    assert names == ["SignedInfo", "Reference", "DigestValue", "SignatureValue"], names
    return sig
