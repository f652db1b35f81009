"""NF-e / NFC-e 4.00: the typed document model and everything built on it.

- ``engine.nfe.model``: the pydantic model generated from the official XSDs (friendly names).
- ``engine.nfe.xmlio``: ``render`` / ``render_bytes`` / ``parse`` / ``to_json`` / ``from_json``.
- ``engine.nfe.build``: friendly PDV input -> model; ``engine.nfe.rules``: SEFAZ business rules;
  ``engine.nfe.chave``: chave de acesso.

Submodules are imported explicitly (nothing is re-exported here) so that importing one part does
not load the others.
"""
