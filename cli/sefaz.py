"""`ortho-fiscal sefaz ...`: talk to SEFAZ (or to the simulator) from the command line.

    ortho-fiscal sefaz status --uf UF --model 55|65 --env homologacao|producao
    ortho-fiscal sefaz consulta CHAVE --env ...
    ortho-fiscal sefaz send FILE.xml [--out FILE]              (signs an unsigned NF-e with the A1)
    ortho-fiscal sefaz cancel CHAVE --protocolo NPROT --justificativa TEXTO [--substituta CHAVE]
    ortho-fiscal sefaz cce CHAVE --correcao TEXTO [--seq N]
    ortho-fiscal sefaz conciliacao CHAVE --pagamentos JSON|@ARQUIVO [--seq N]   (ECONF, evento 110750)
    ortho-fiscal sefaz inutilizar --uf UF --model M --serie S --inicio N --fim N --justificativa TEXTO [--cnpj C]
    ortho-fiscal sefaz cadastro --uf UF --cnpj C

Common options: ``--pfx FILE --password-env VAR`` (the A1; the password only from an environment
variable, never on the command line), ``--trust PEM`` (the CA bundle the server must chain to),
``--simulator URL`` (send to the simulator instead of the UF's host; without ``--pfx`` the A1 and the
CA come from the simulator's data directory: ``--simulator-dir``, else $ORTHO_SIMULATOR_DIR, else
~/.cache/ortho-fiscal/simulator, the same as ``ortho-fiscal simulator``), ``--connect-timeout``,
``--read-timeout``, ``--json``.

Prints ``cStat xMotivo`` (and the protocol). Exit codes: 0 SEFAZ did it (categoria sucesso); 1 SEFAZ
answered a rejection/denial/service error, or could not be reached; 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from adapters.sefaz_transport import HttpsTransport, SystemClock
from certificates.a1 import A1Certificate, load_pkcs12
from certificates.errors import CertificateError
from certificates.xmldsig import sign_document
from engine.errors import FiscalError, ValidationFailed
from engine.nfe.chave import dv_chave
from engine.sefaz import SefazClient
from engine.sefaz.messages import PagamentoConciliado
from engine.xml.parser import parse_xml_file
from states import StatesError

ENVS = ("homologacao", "producao")
NFE = "{http://www.portalfiscal.inf.br/nfe}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
DEMO_CNPJ = "11222333000181"  # the simulator's demo emitter (simulator.pki.DEMO_CNPJ)


class UsageError(Exception):
    pass


@dataclass
class _Identity:
    pfx: bytes
    password: str
    trust: Path
    a1: A1Certificate


def _common(p: argparse.ArgumentParser, *, env_required: bool = True) -> None:
    p.add_argument("--env", choices=ENVS, required=env_required, help="ambiente: homologacao ou producao")
    p.add_argument("--pfx", type=Path, help="certificado A1 (.pfx/.p12) do emitente")
    p.add_argument("--password-env", metavar="VAR", help="variável de ambiente com a senha do A1")
    p.add_argument("--trust", type=Path, help="cadeias confiáveis (PEM) do servidor: raízes ICP-Brasil")
    p.add_argument("--simulator", metavar="URL", help="envia ao simulador (https://host:porta) em vez da SEFAZ")
    p.add_argument("--simulator-dir", type=Path, help="pasta de dados do simulador (PKI e A1 de demonstração)")
    p.add_argument("--connect-timeout", type=float, default=5.0, help="segundos para conectar (padrão 5)")
    p.add_argument("--read-timeout", type=float, default=30.0, help="segundos esperando a resposta (padrão 30)")
    p.add_argument("--json", action="store_true", help="saída em JSON")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("sefaz", help="serviços da SEFAZ (status, envio, eventos...)")
    s = p.add_subparsers(dest="sefaz_command", metavar="SERVIÇO", required=True)

    st = s.add_parser("status", help="status do serviço (NFeStatusServico4)")
    st.add_argument("--uf", required=True)
    st.add_argument("--model", choices=("55", "65"), required=True)
    st.add_argument("--contingencia", action="store_true", help="consulta a SVC da UF (NF-e)")
    _common(st)
    st.set_defaults(handler=_status)

    co = s.add_parser("consulta", help="situação de uma NF-e/NFC-e pela chave (NFeConsultaProtocolo4)")
    co.add_argument("chave")
    _common(co)
    co.set_defaults(handler=_consulta)

    se = s.add_parser("send", help="transmite uma NF-e/NFC-e (síncrono; assina se não estiver assinada)")
    se.add_argument("file", type=Path)
    se.add_argument("--out", type=Path, help="grava o nfeProc (NF-e + protocolo) neste arquivo")
    _common(se, env_required=False)
    se.set_defaults(handler=_send)

    ca = s.add_parser("cancel", help="cancelamento (110111) ou por substituição (110112, NFC-e)")
    ca.add_argument("chave")
    ca.add_argument("--protocolo", required=True, help="nProt da autorização")
    ca.add_argument("--justificativa", required=True, help="15 a 255 caracteres")
    ca.add_argument("--substituta", help="chave da NFC-e substituta (cancelamento por substituição)")
    ca.add_argument("--out", type=Path, help="grava o procEventoNFe neste arquivo")
    _common(ca)
    ca.set_defaults(handler=_cancel)

    cc = s.add_parser("cce", help="carta de correção (110110, NF-e)")
    cc.add_argument("chave")
    cc.add_argument("--correcao", required=True, help="15 a 1000 caracteres")
    cc.add_argument("--seq", type=int, default=1, help="nSeqEvento (1 a 20; cada CC-e substitui a anterior)")
    cc.add_argument("--out", type=Path, help="grava o procEventoNFe neste arquivo")
    _common(cc)
    cc.set_defaults(handler=_cce)

    ec = s.add_parser("conciliacao", help="conciliação financeira (ECONF, evento 110750, NT 2024.002)")
    ec.add_argument("chave")
    ec.add_argument(
        "--pagamentos", required=True,
        help='lista JSON (ou @arquivo) de detPag: [{"tPag": "17", "vPag": "150.00", "dPag": "2026-12-03", '
             '"CNPJPag": "...", "UFPag": "DF", "cAut": "E2E..."}]; também indPag, xPag, CNPJIF, tBand, '
             "CNPJReceb, UFReceb",
    )
    ec.add_argument("--seq", type=int, default=1, help="nSeqEvento (1 a 20; um por ECONF do mesmo documento)")
    ec.add_argument("--out", type=Path, help="grava o procEventoNFe neste arquivo")
    _common(ec)
    ec.set_defaults(handler=_conciliacao)

    iu = s.add_parser("inutilizar", help="inutilização de uma faixa de numeração (NFeInutilizacao4)")
    iu.add_argument("--uf", required=True)
    iu.add_argument("--model", choices=("55", "65"), required=True)
    iu.add_argument("--cnpj", help="CNPJ do emitente (padrão: o do certificado)")
    iu.add_argument("--serie", type=int, required=True)
    iu.add_argument("--inicio", type=int, required=True)
    iu.add_argument("--fim", type=int, required=True)
    iu.add_argument("--ano", type=int, help="ano da inutilização (padrão: o atual)")
    iu.add_argument("--justificativa", required=True, help="15 a 255 caracteres")
    iu.add_argument("--out", type=Path, help="grava o procInutNFe neste arquivo")
    _common(iu)
    iu.set_defaults(handler=_inutilizar)

    cd = s.add_parser("cadastro", help="consulta cadastro de contribuinte (CadConsultaCadastro4)")
    cd.add_argument("--uf", required=True)
    cd.add_argument("--cnpj")
    cd.add_argument("--ie")
    cd.add_argument("--cpf")
    _common(cd)
    cd.set_defaults(handler=_cadastro)


# ----------------------------------------------------------------------------------- identity


def _simulator_dir(args: argparse.Namespace) -> Path:
    if args.simulator_dir:
        return Path(args.simulator_dir)
    from cli.simulator import DATA_DIR_ENV, DEFAULT_DATA_DIR

    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def _identity(args: argparse.Namespace, cnpj: str | None) -> _Identity:
    """The A1 and the trust store: from --pfx/--password-env/--trust, or from the simulator's data."""
    if args.pfx is not None:
        if not args.password_env:
            raise UsageError("--pfx exige --password-env VAR (a senha nunca vai na linha de comando)")
        password = os.environ.get(args.password_env)
        if password is None:
            raise UsageError(f"variável de ambiente {args.password_env} não definida (senha do A1)")
        try:
            pfx = Path(args.pfx).read_bytes()
        except OSError as exc:
            raise UsageError(f"não foi possível ler {args.pfx}: {exc.strerror}") from exc
    elif args.simulator:
        pfx, password = _simulator_pfx(args, cnpj or DEMO_CNPJ)
    else:
        raise UsageError("informe o certificado A1 com --pfx FILE --password-env VAR (ou use --simulator URL)")
    trust = args.trust
    if trust is None:
        if not args.simulator:
            raise UsageError("informe --trust PEM com as raízes ICP-Brasil que assinam os servidores da SEFAZ")
        trust = _simulator_dir(args) / "pki" / "ca.pem"
    if not Path(trust).is_file():
        raise UsageError(f"repositório de confiança não encontrado: {trust}")
    try:
        a1 = load_pkcs12(pfx, password)
    except CertificateError as exc:
        raise UsageError(f"certificado A1: {exc.mensagem}") from exc
    return _Identity(pfx, password, Path(trust), a1)


def _simulator_pfx(args: argparse.Namespace, cnpj: str) -> tuple[bytes, str]:
    """The simulator's test A1 for ``cnpj``, minted from its PKI in the data directory (as the running
    simulator does with ``client_pfx``), so documents of any test CNPJ pass its 213 check."""
    pki_dir = _simulator_dir(args) / "pki"
    if not (pki_dir / "ca.pem").is_file():
        raise UsageError(
            f"PKI do simulador não encontrada em {pki_dir}: rode 'ortho-fiscal simulator' (ou informe "
            "--simulator-dir / --pfx)"
        )
    from simulator.pki import SimulatorPKI

    return SimulatorPKI.load_or_create(pki_dir).client_pfx(cnpj)


def _client(args: argparse.Namespace, cnpj: str | None = None) -> tuple[SefazClient, _Identity]:
    ident = _identity(args, cnpj)
    transport = HttpsTransport(pfx=ident.pfx, password=ident.password, trust_pem_path=ident.trust,
                                  connect_timeout_s=args.connect_timeout, read_timeout_s=args.read_timeout)
    return SefazClient(transport, SystemClock(), a1=ident.a1, base_override=args.simulator), ident


# ------------------------------------------------------------------------------------ output


def _emit(args: argparse.Namespace, data: dict[str, Any], ok: bool, out: bytes | None = None) -> int:
    if out is not None and getattr(args, "out", None):
        Path(args.out).write_bytes(out)
        data["arquivo"] = str(args.out)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"{data['cStat']} {data['xMotivo']}")
        for key in ("nProt", "chNFe", "arquivo"):
            if data.get(key):
                print(f"{key}: {data[key]}")
        for aviso in data.get("avisos", []):
            print(f"aviso: {aviso}", file=sys.stderr)
    return 0 if ok else 1


def _run(args: argparse.Namespace, action: Any) -> int:
    try:
        return int(action())
    except UsageError as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        for f in exc.findings:
            where = f.path or f.xpath
            cstat = f" (evita cStat {f.cstat})" if f.cstat else ""
            print(f"erro: {where + ': ' if where else ''}{f.mensagem}{cstat}", file=sys.stderr)
        return 1
    except StatesError as exc:
        print(f"erro: {exc.mensagem}", file=sys.stderr)
        return 1
    except FiscalError as exc:
        print(f"erro: {exc.mensagem}", file=sys.stderr)
        return 1
    except CertificateError as exc:
        print(f"erro: {exc.mensagem}", file=sys.stderr)
        return 2


# ----------------------------------------------------------------------------------- commands


def _status(args: argparse.Namespace) -> int:
    def go() -> int:
        client, _ = _client(args)
        r = client.status(args.uf, args.model, args.env, contingency=args.contingencia)
        data = {"cStat": r.cstat, "xMotivo": r.xmotivo, "categoria": r.categoria, "cUF": r.c_uf,
                "dhRecbto": r.dh_recbto, "tMed": r.t_med}
        return _emit(args, data, r.em_operacao)

    return _run(args, go)


def _check_chave(chave: str) -> str:
    if len(chave) != 44 or not chave.isdigit() or dv_chave(chave[:43]) != chave[43]:
        raise UsageError(f"chave de acesso inválida: {chave!r} (44 dígitos com DV correto)")
    return chave


def _consulta(args: argparse.Namespace) -> int:
    def go() -> int:
        chave = _check_chave(args.chave)
        client, _ = _client(args, chave[6:20])
        r = client.consulta(chave, args.env)
        data = {"cStat": r.cstat, "xMotivo": r.xmotivo, "categoria": r.categoria, "chNFe": r.chave,
                "nProt": r.protocolo.n_prot if r.protocolo else "", "eventos": len(r.eventos)}
        return _emit(args, data, r.sucesso)

    return _run(args, go)


def _send(args: argparse.Namespace) -> int:
    def go() -> int:
        try:
            root = parse_xml_file(args.file)
        except FiscalError as exc:
            raise UsageError(f"{args.file}: {exc.mensagem}") from exc
        if root.tag != NFE + "NFe":
            raise UsageError(f"{args.file}: esperado um documento NFe (raiz NFe), veio {root.tag}")
        emit_cnpj = root.findtext(f"{NFE}infNFe/{NFE}emit/{NFE}CNPJ")
        tp_amb = root.findtext(f"{NFE}infNFe/{NFE}ide/{NFE}tpAmb")
        env = "producao" if tp_amb == "1" else "homologacao"
        if args.env and args.env != env:
            raise UsageError(f"o documento é de {env} (tpAmb {tp_amb}), não de {args.env}")
        client, ident = _client(args, emit_cnpj)
        if root.find(DS + "Signature") is None:
            data = sign_document(root, ident.a1)  # signed once; these bytes are what we send and keep
            print("documento assinado com o certificado informado", file=sys.stderr)
        else:
            data = Path(args.file).read_bytes()
        r = client.authorize(data)
        out = {"cStat": r.cstat, "xMotivo": r.xmotivo, "categoria": r.categoria,
               "chNFe": r.protocolo.chave if r.protocolo else "", "nProt": r.protocolo.n_prot if r.protocolo else "",
               "avisos": list(r.avisos)}
        return _emit(args, out, r.autorizado, r.nfe_proc)

    return _run(args, go)


def _event_output(args: argparse.Namespace, r: Any) -> int:
    ev = r.evento
    data = {"cStat": ev.cstat if ev else r.cstat, "xMotivo": ev.xmotivo if ev else r.xmotivo,
            "lote": f"{r.cstat} {r.xmotivo}", "chNFe": ev.chave if ev else "", "nProt": ev.n_prot if ev else "",
            "avisos": list(r.avisos)}
    return _emit(args, data, bool(ev and ev.registrado), r.proc[0] if r.proc else None)


def _cancel(args: argparse.Namespace) -> int:
    def go() -> int:
        chave = _check_chave(args.chave)
        client, _ = _client(args, chave[6:20])
        if args.substituta:
            r = client.cancel_substituicao(chave, args.protocolo, args.justificativa, _check_chave(args.substituta),
                                           args.env)
        else:
            r = client.cancel(chave, args.protocolo, args.justificativa, args.env)
        return _event_output(args, r)

    return _run(args, go)


def _cce(args: argparse.Namespace) -> int:
    def go() -> int:
        chave = _check_chave(args.chave)
        client, _ = _client(args, chave[6:20])
        return _event_output(args, client.carta_correcao(chave, args.correcao, args.seq, args.env))

    return _run(args, go)


_CAMPOS_PAG = {
    "indPag": "ind_pag", "tPag": "t_pag", "xPag": "x_pag", "vPag": "v_pag", "dPag": "d_pag",
    "CNPJPag": "cnpj_pag", "UFPag": "uf_pag", "CNPJIF": "cnpj_if", "tBand": "t_band", "cAut": "c_aut",
    "CNPJReceb": "cnpj_receb", "UFReceb": "uf_receb",
}  # fmt: skip


def _pagamentos(texto: str) -> list[PagamentoConciliado]:
    """The --pagamentos JSON (layout names as keys) as typed payments; money read as Decimal."""
    if texto.startswith("@"):
        try:
            texto = Path(texto[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"não foi possível ler {texto[1:]}: {exc.strerror}") from exc
    try:
        itens = json.loads(texto, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--pagamentos: JSON inválido (linha {exc.lineno}, coluna {exc.colno})") from exc
    if isinstance(itens, dict):
        itens = [itens]
    if not isinstance(itens, list) or not all(isinstance(i, dict) for i in itens):
        raise UsageError("--pagamentos: esperada uma lista de objetos detPag")
    pagamentos = []
    for n, item in enumerate(itens):
        desconhecidos = sorted(set(item) - set(_CAMPOS_PAG))
        if desconhecidos:
            raise UsageError(f"--pagamentos[{n}]: campo(s) não previsto(s) no detPag: {', '.join(desconhecidos)}")
        for obrigatorio in ("tPag", "vPag", "dPag"):
            if obrigatorio not in item:
                raise UsageError(f"--pagamentos[{n}]: {obrigatorio} é obrigatório")
        try:
            valor = Decimal(str(item["vPag"]))
            data = date.fromisoformat(str(item["dPag"]))
        except (InvalidOperation, ValueError) as exc:
            raise UsageError(f"--pagamentos[{n}]: vPag deve ser um valor e dPag uma data AAAA-MM-DD") from exc
        campos = {_CAMPOS_PAG[k]: str(v) for k, v in item.items() if k not in ("vPag", "dPag")}
        pagamentos.append(PagamentoConciliado(v_pag=valor, d_pag=data, **campos))
    return pagamentos


def _conciliacao(args: argparse.Namespace) -> int:
    def go() -> int:
        chave = _check_chave(args.chave)
        pagamentos = _pagamentos(args.pagamentos)
        client, _ = _client(args, chave[6:20])
        return _event_output(args, client.conciliacao_financeira(chave, pagamentos, args.env, n_seq=args.seq))

    return _run(args, go)


def _inutilizar(args: argparse.Namespace) -> int:
    def go() -> int:
        client, ident = _client(args, args.cnpj)
        cnpj = args.cnpj or ident.a1.identity.cnpj
        if not cnpj:
            raise UsageError("informe --cnpj (o certificado não traz CNPJ)")
        ano = args.ano or client.clock.now().year
        r = client.inutilizar(args.uf, args.model, args.env, cnpj=cnpj, ano=ano, serie=args.serie,
                              n_nf_ini=args.inicio, n_nf_fin=args.fim, x_just=args.justificativa)
        data = {"cStat": r.cstat, "xMotivo": r.xmotivo, "categoria": r.categoria, "nProt": r.n_prot,
                "avisos": list(r.avisos)}
        return _emit(args, data, r.homologada, r.proc or None)

    return _run(args, go)


def _cadastro(args: argparse.Namespace) -> int:
    def go() -> int:
        client, _ = _client(args, args.cnpj)
        r = client.cadastro(args.uf, args.env, cnpj=args.cnpj, ie=args.ie, cpf=args.cpf)
        data = {"cStat": r.cstat, "xMotivo": r.xmotivo, "categoria": r.categoria,
                "contribuintes": [{"CNPJ": c.cnpj, "IE": c.ie, "xNome": c.x_nome, "cSit": c.c_sit}
                                  for c in r.contribuintes]}
        code = _emit(args, data, r.sucesso)
        if not args.json:
            for c in r.contribuintes:
                print(f"  {c.cnpj or c.cpf} IE {c.ie} {c.x_nome} (cSit {c.c_sit})")
        return code

    return _run(args, go)
