"""A fake SEFAZ for unit tests: answers each service with lxml-built messages, records every request.

Not a simulator (that is simulator/, used by tests/integration/sefaz): just enough state to drive
the client's flows (authorize, 204, consulta, events, inutilização) deterministically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lxml import etree

from engine.ports import TransportError, TransportRequest, TransportResponse
from engine.xml.parser import parse_xml

SOAP = "http://www.w3.org/2003/05/soap-envelope"
NFE = "http://www.portalfiscal.inf.br/nfe"
N = "{" + NFE + "}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self._mono += seconds
        self._now += timedelta(seconds=seconds)


def _sub(parent: etree._Element, name: str, text: str) -> etree._Element:
    el = etree.SubElement(parent, N + name)
    el.text = text
    return el


def _wrap(ret: etree._Element, namespace: str) -> bytes:
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP})
    body = etree.SubElement(env, f"{{{SOAP}}}Body")
    result = etree.SubElement(body, f"{{{namespace}}}nfeResultMsg", nsmap={None: namespace})  # type: ignore[dict-item]
    result.append(ret)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def _ret(name: str, versao: str) -> etree._Element:
    return etree.Element(N + name, {"versao": versao}, nsmap={None: NFE})  # type: ignore[dict-item]


@dataclass
class FakeSefaz:
    """Transport fake. ``faults`` is a queue of callables run before answering (raise to simulate)."""

    requests: list[TransportRequest] = field(default_factory=list)
    authorized: dict[str, tuple[str, str]] = field(default_factory=dict)  # chave -> (nProt, digVal)
    faults: list[Callable[[TransportRequest], None]] = field(default_factory=list)
    lost_answers: int = 0  # process the request, then raise a read timeout (answer lost)
    reject_with: str | None = None  # cStat for every authorization
    async_polls: int = 0  # 105 answers before 104
    status_cstat: str = "107"
    seq: int = 0

    def post(self, request: TransportRequest) -> TransportResponse:
        self.requests.append(request)
        if self.faults:
            self.faults.pop(0)(request)
        env = parse_xml(request.body)
        dados = env.find(f"{{{SOAP}}}Body")[0]  # type: ignore[index]
        namespace = dados.tag[1:].split("}")[0]
        msg = dados[0]
        name = msg.tag.split("}")[1]
        ret = getattr(self, "_" + name)(msg)
        body = _wrap(ret, namespace)
        if self.lost_answers:
            self.lost_answers -= 1
            raise TransportError("read timeout", kind="timeout", delivered=True)
        return TransportResponse(200, body)

    def _prot(self, nfe: etree._Element) -> etree._Element:
        chave = nfe.find(N + "infNFe").get("Id")[3:]  # type: ignore[union-attr,index]
        digest = nfe.find(f"{DS}Signature/{DS}SignedInfo/{DS}Reference/{DS}DigestValue").text  # type: ignore[union-attr]
        prot = _ret("protNFe", "4.00")
        inf = etree.SubElement(prot, N + "infProt")
        _sub(inf, "tpAmb", "2")
        _sub(inf, "verAplic", "FAKE")
        _sub(inf, "chNFe", chave)
        _sub(inf, "dhRecbto", "2026-12-04T09:00:00-03:00")
        if self.reject_with:
            _sub(inf, "digVal", str(digest))
            _sub(inf, "cStat", self.reject_with)
            _sub(inf, "xMotivo", f"Rejeicao {self.reject_with}")
            return prot
        if chave in self.authorized:
            n_prot, dig = self.authorized[chave]
            _sub(inf, "digVal", str(digest))
            same = dig == digest
            _sub(inf, "cStat", "204" if same else "539")
            _sub(inf, "xMotivo", "Duplicidade de NF-e" if same else "Duplicidade com diferenca na chave")
            return prot
        self.seq += 1
        n_prot = f"1352600000{self.seq:05d}"
        self.authorized[chave] = (n_prot, str(digest))
        _sub(inf, "nProt", n_prot)
        _sub(inf, "digVal", str(digest))
        _sub(inf, "cStat", "100")
        _sub(inf, "xMotivo", "Autorizado o uso da NF-e")
        return prot

    def _consStatServ(self, msg: etree._Element) -> etree._Element:
        ret = _ret("retConsStatServ", "4.00")
        for name, text in (
            ("tpAmb", "2"),
            ("verAplic", "FAKE"),
            ("cStat", self.status_cstat),
            ("xMotivo", "Servico em Operacao"),
            ("cUF", msg.findtext(N + "cUF") or ""),
            ("dhRecbto", "2026-12-04T09:00:00-03:00"),
            ("tMed", "1"),
        ):
            _sub(ret, name, text)
        return ret

    def _enviNFe(self, msg: etree._Element) -> etree._Element:
        ret = _ret("retEnviNFe", "4.00")
        _sub(ret, "tpAmb", "2")
        _sub(ret, "verAplic", "FAKE")
        nfes = msg.findall(N + "NFe")
        if msg.findtext(N + "indSinc") == "1":
            _sub(ret, "cStat", "104")
            _sub(ret, "xMotivo", "Lote processado")
            _sub(ret, "cUF", "35")
            _sub(ret, "dhRecbto", "2026-12-04T09:00:00-03:00")
            ret.append(self._prot(nfes[0]))
            return ret
        self._pending = [self._prot(n) for n in nfes]
        _sub(ret, "cStat", "103")
        _sub(ret, "xMotivo", "Lote recebido com sucesso")
        _sub(ret, "cUF", "35")
        _sub(ret, "dhRecbto", "2026-12-04T09:00:00-03:00")
        rec = etree.SubElement(ret, N + "infRec")
        _sub(rec, "nRec", "351000000000001")
        _sub(rec, "tMed", "3")
        return ret

    def _consReciNFe(self, msg: etree._Element) -> etree._Element:
        ret = _ret("retConsReciNFe", "4.00")
        _sub(ret, "tpAmb", "2")
        _sub(ret, "verAplic", "FAKE")
        _sub(ret, "nRec", msg.findtext(N + "nRec") or "")
        if self.async_polls:
            self.async_polls -= 1
            _sub(ret, "cStat", "105")
            _sub(ret, "xMotivo", "Lote em processamento")
            _sub(ret, "cUF", "35")
            _sub(ret, "dhRecbto", "2026-12-04T09:00:00-03:00")
            _sub(ret, "tMed", "2")
            return ret
        _sub(ret, "cStat", "104")
        _sub(ret, "xMotivo", "Lote processado")
        _sub(ret, "cUF", "35")
        _sub(ret, "dhRecbto", "2026-12-04T09:00:00-03:00")
        for prot in self._pending:
            ret.append(prot)
        return ret

    def _consSitNFe(self, msg: etree._Element) -> etree._Element:
        chave = msg.findtext(N + "chNFe") or ""
        ret = _ret("retConsSitNFe", "4.00")
        _sub(ret, "tpAmb", "2")
        _sub(ret, "verAplic", "FAKE")
        if chave not in self.authorized:
            _sub(ret, "cStat", "217")
            _sub(ret, "xMotivo", "Rejeicao: NF-e nao consta na base de dados da SEFAZ")
            _sub(ret, "cUF", chave[:2])
            _sub(ret, "dhRecbto", "2026-12-04T09:00:00-03:00")
            _sub(ret, "chNFe", chave)
            return ret
        n_prot, dig = self.authorized[chave]
        _sub(ret, "cStat", "100")
        _sub(ret, "xMotivo", "Autorizado o uso da NF-e")
        _sub(ret, "cUF", chave[:2])
        _sub(ret, "dhRecbto", "2026-12-04T09:00:00-03:00")
        _sub(ret, "chNFe", chave)
        prot = _ret("protNFe", "4.00")
        inf = etree.SubElement(prot, N + "infProt")
        for name, text in (
            ("tpAmb", "2"),
            ("verAplic", "FAKE"),
            ("chNFe", chave),
            ("dhRecbto", "2026-12-04T09:00:00-03:00"),
            ("nProt", n_prot),
            ("digVal", dig),
            ("cStat", "100"),
            ("xMotivo", "Autorizado o uso da NF-e"),
        ):
            _sub(inf, name, text)
        ret.append(prot)
        return ret

    def _envEvento(self, msg: etree._Element) -> etree._Element:
        ret = _ret("retEnvEvento", "1.00")
        _sub(ret, "idLote", msg.findtext(N + "idLote") or "1")
        _sub(ret, "tpAmb", "2")
        _sub(ret, "verAplic", "FAKE")
        _sub(ret, "cOrgao", "35")
        _sub(ret, "cStat", "128")
        _sub(ret, "xMotivo", "Lote de Evento Processado")
        for ev in msg.findall(N + "evento"):
            inf = ev.find(N + "infEvento")
            assert inf is not None
            r = _ret("retEvento", "1.00")
            ri = etree.SubElement(r, N + "infEvento")
            chave = inf.findtext(N + "chNFe") or ""
            ok = chave in self.authorized
            for name, text in (
                ("tpAmb", "2"),
                ("verAplic", "FAKE"),
                ("cOrgao", inf.findtext(N + "cOrgao") or ""),
                ("cStat", "135" if ok else "580"),
                ("xMotivo", "Evento registrado e vinculado a NF-e" if ok else "Rejeicao: exige autorizada"),
                ("chNFe", chave),
                ("tpEvento", inf.findtext(N + "tpEvento") or ""),
                ("xEvento", "Evento"),
                ("nSeqEvento", inf.findtext(N + "nSeqEvento") or "1"),
                ("dhRegEvento", "2026-12-04T09:00:00-03:00"),
            ):
                _sub(ri, name, text)
            if ok:
                _sub(ri, "nProt", "135260000000099")
            ret.append(r)
        return ret

    def _inutNFe(self, msg: etree._Element) -> etree._Element:
        inf_in = msg.find(N + "infInut")
        assert inf_in is not None
        ret = _ret("retInutNFe", "4.00")
        inf = etree.SubElement(ret, N + "infInut")
        for name, text in (
            ("tpAmb", "2"),
            ("verAplic", "FAKE"),
            ("cStat", "102"),
            ("xMotivo", "Inutilizacao de numero homologado"),
            ("cUF", inf_in.findtext(N + "cUF") or ""),
            ("ano", inf_in.findtext(N + "ano") or ""),
            ("CNPJ", inf_in.findtext(N + "CNPJ") or ""),
            ("mod", inf_in.findtext(N + "mod") or ""),
            ("serie", inf_in.findtext(N + "serie") or ""),
            ("nNFIni", inf_in.findtext(N + "nNFIni") or ""),
            ("nNFFin", inf_in.findtext(N + "nNFFin") or ""),
            ("dhRecbto", "2026-12-04T09:00:00-03:00"),
            ("nProt", "135260000000123"),
        ):
            _sub(inf, name, text)
        return ret
