"""A PSP stand-in for the API Pix (BACEN OpenAPI 2.9.0 subset) over mutual TLS on loopback.

Independent of our engine (import-linter forbids ``engine``, ``adapters`` and ``api`` here). It uses
the SEFAZ simulator's test PKI (``simulator.pki``): clients present an e-CNPJ from that PKI, and the
stand-in presents one when it calls a webhook with mTLS. See docs/pix-api.md.

Public API::

    start(host="127.0.0.1", port=0, *, pki_dir, quirks=None, clients=None, ispb="99999999",
          callback_trust_pem=None) -> RunningPsp
        # .url, .ca_pem_path, .client_pfx(cnpj), .add_client(client_id, secret, scopes, app_key=None),
        # .reset(quirks), .pay(txid, valor=None, ...), .settle_refund(e2eid, id, status), .stats(), .stop()
    Quirks     # the PSP deviations to mirror (names of engine/pix/data/psps.json flags)

Control API (JSON, same listener, client certificate required): POST /_control/reset {quirks},
POST /_control/clients, POST /_control/revoke-tokens, POST /_control/pay {txid, valor?, infoPagador?,
ispb_pagador?, notify?}, POST /_control/refund {e2eid, id, status?}, GET /_control/stats.
``ortho-fiscal simulator`` can start it beside the SEFAZ simulator by calling ``start``.
"""

from simulator.psp.runner import RunningPsp, start
from simulator.psp.state import Quirks

__all__ = ["Quirks", "RunningPsp", "start"]
