"""A1 certificates (ICP-Brasil) and the NF-e XMLDSig profile. A leaf package: imports no other
package of the project (design.md).

Public API, by module (import from the module; nothing heavy is imported here):

* ``certificates.a1``: ``load_pkcs12(data, password)``, ``load_a1(data, password, *, now, emitter_cnpj)``,
  ``check_usable``, ``usability_errors``, ``A1Certificate``.
* ``certificates.identity``: ``identity_of(cert) -> IcpBrasilIdentity``, ``is_valid_cnpj`` (alphanumeric too).
* ``certificates.xmldsig``: ``sign_document(root, a1) -> bytes``, ``sign_element(parent, a1)``,
  ``verify_signature(signed_root, *, trust=None, at=None) -> VerifyResult``, ``verify_all``.
* ``certificates.trust``: ``TrustStore.from_pem(bundle)``.
* ``certificates.store``: encrypted per-emitter store, ``CertificateRepository`` Protocol,
  ``check_expiry(now)`` producing ``certificate.expiring`` events.
* ``certificates.testpki``: ``TestCA`` (root -> intermediate -> e-CNPJ A1 / TLS server) for tests.
* ``certificates.errors``: ``CertificateError(code, mensagem)``.
* ``certificates.sha1_profile``: the one module where SHA-1 is allowed.
"""
