"""A SEFAZ homologação stand-in: real HTTPS with client-certificate TLS, SOAP 1.2, every NF-e/NFC-e
4.00 web service of every UF and both models, SEFAZ's own cStat codes and state across requests.

Independent of our engine (import-linter forbids ``engine``, ``adapters`` and ``api`` here): it
validates with lxml + schemas/xsd and verifies signatures with python-xmlsec, so it cannot share our
bugs. See docs/simulator.md.

Public API::

    start(host="127.0.0.1", port=0, *, pki_dir, batch_delay_s=0.0, consumo=None, deadlines=None)
        -> RunningSimulator      # .url, .ca_pem_path, .client_pfx(cnpj) -> (pfx, password), .stop()
    ConsumoRules, Deadlines      # the 656 limits and the business-rule windows (defaults = SEFAZ's)
"""

from simulator.sefaz import Deadlines
from simulator.server import RunningSimulator, start
from simulator.state import FAULT_KINDS, ConsumoRules

__all__ = ["FAULT_KINDS", "ConsumoRules", "Deadlines", "RunningSimulator", "start"]
