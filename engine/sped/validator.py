"""Structural validator of EFD ICMS/IPI files (ours and files from elsewhere), streaming.

Checks, with the line number and a pt-BR message per problem:

* encoding and line format: CR LF, ``|`` at both ends, the field count of the layout;
* fields: required (O) / not informed (N), numbers (decimal comma, places, no sign, no
  thousands separator), dates ``ddmmaaaa``, sizes (``0005.FONE`` has 11 characters at most);
* hierarchy and order: 0000 first, blocks 0 B C D E G H K 1 9, X001 opens and X990 closes each
  block, each record under its parent, siblings in layout order, once-per-file records;
* counts: X990 (0990 counts 0000, 9990 counts 9999), 9900 per record type, 9999;
* C100 against its C190 (VL_DOC is a PVA warning, the tax totals are errors), the Guia's
  exceptions for cancelled/denied/voided documents and for NFC-e, COD_SIT 04/05 only up to 2022,
  the chave's DV and its agreement with the C100 and 0000;
* conditional rules learned from the PVA: COD_VER zero-padded and in force on DT_FIN, 0002 only
  for industry, 1010 always present, C100.COD_PART in 0150, C170 items in 0200 and units in 0190,
  E110 totals from C190 and its formulas, E116 = VL_ICMS_RECOLHER + DEB_ESP, 1601.COD_PART_IP/IT
  in 0150 with one line per pair, 1010.IND_CART = S if and only if a 1601 is present.

Memory is bounded by the registries of block 0 (participants, units, items), not by the documents.
Unknown records (a file from elsewhere with records this project does not write) are counted and
reported once as a note, without field checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from engine.errors import ChaveError, ConfigurationError, Finding
from engine.nfe.chave import codigo_uf, dv_chave
from engine.sped.layout import ORDEM_BLOCOS, PAI, Campo, Registro, registros, versao_para

_ZERO = Decimal("0.00")
_UNICOS = frozenset({"0000", "0001", "0002", "0005", "0100", "0990", "1010", "9001", "9990", "9999"}
                    | {f"{b}001" for b in ORDEM_BLOCOS[1:] if b != "9"} | {f"{b}990" for b in ORDEM_BLOCOS if b != "9"})
_OBRIGATORIOS = ("0000", "0001", "0005", "0100", "0990", "B001", "B990", "C001", "C990", "D001", "D990", "E001",
                 "E100", "E110", "E990", "G001", "G990", "H001", "H990", "K001", "K990", "1001", "1010", "1990",
                 "9001", "9900", "9990", "9999")
_RANK = {reg: i for i, reg in enumerate(PAI)}
_DOCUMENTO_ALFANUM = frozenset({"CNPJ", "CHV_NFE"})  # alphanumeric CNPJ (RFB NT 49/2024) inside these
_C100_CHAVE = frozenset({"REG", "IND_OPER", "IND_EMIT", "COD_MOD", "COD_SIT", "SER", "NUM_DOC", "CHV_NFE"})
_NFCE_VAZIOS = ("COD_PART", "VL_BC_ICMS_ST", "VL_ICMS_ST", "VL_IPI", "VL_PIS", "VL_COFINS", "VL_PIS_ST",
                "VL_COFINS_ST")
_C100_TOTAIS_C190 = (("VL_BC_ICMS", "VL_BC_ICMS"), ("VL_ICMS", "VL_ICMS"), ("VL_BC_ICMS_ST", "VL_BC_ICMS_ST"),
                     ("VL_ICMS_ST", "VL_ICMS_ST"), ("VL_IPI", "VL_IPI"))
_FIM_04_05 = dt.date(2022, 12, 31)
_ALFANUM = re.compile(r"[0-9A-Z]+")


@cache
def _num_re(dec: int) -> re.Pattern[str]:
    """Numbers of the layout: digits, decimal comma with up to ``dec`` places, no sign or thousands separator."""
    return re.compile(rf"[0-9]+(,[0-9]{{1,{dec}}})?" if dec else r"[0-9]+")


def _dec(valor: str) -> Decimal:
    if not valor:
        return _ZERO
    try:
        return Decimal(valor.replace(",", "."))
    except InvalidOperation:
        return _ZERO


def _data(valor: str) -> dt.date | None:
    if len(valor) != 8 or not valor.isdigit():
        return None
    try:
        return dt.date(int(valor[4:]), int(valor[2:4]), int(valor[:2]))
    except ValueError:
        return None


@dataclass
class _C100Aberto:
    linha: int
    campos: dict[str, str]
    c190: dict[str, Decimal] = field(default_factory=dict)
    n_c190: int = 0
    n_filhos: int = 0


@dataclass
class _Estado:
    achados: list[Finding] = field(default_factory=list)
    contagem: dict[str, int] = field(default_factory=dict)
    linhas_bloco: dict[str, int] = field(default_factory=dict)
    bloco_atual: str = ""
    blocos_fechados: set[str] = field(default_factory=set)
    ultimo_nivel: dict[int, str] = field(default_factory=dict)
    rank_nivel: dict[int, int] = field(default_factory=dict)
    reg0000: dict[str, str] = field(default_factory=dict)
    dt_fin: dt.date | None = None
    participantes: set[str] = field(default_factory=set)
    unidades: set[str] = field(default_factory=set)
    itens: set[str] = field(default_factory=set)
    c100: _C100Aberto | None = None
    debitos: Decimal = _ZERO
    creditos: Decimal = _ZERO
    deb_esp_docs: Decimal = _ZERO
    e110: tuple[int, dict[str, str]] | None = None
    e116_total: Decimal = _ZERO
    contagem_9900: dict[str, tuple[int, int]] = field(default_factory=dict)
    declarados: dict[str, tuple[int, int]] = field(default_factory=dict)  # X990 -> (line, value)
    abertura: dict[str, tuple[int, str]] = field(default_factory=dict)  # block -> (line, IND_MOV)
    desconhecidos: set[str] = field(default_factory=set)
    total_linhas: int = 0
    qtd_9999: tuple[int, int] | None = None
    ind_cart: tuple[int, str] | None = None  # 1010 line, IND_CART
    chaves_1601: set[tuple[str, str]] = field(default_factory=set)

    def erro(self, linha: int | None, reg: str, code: str, mensagem: str, severity: str = "error") -> None:
        self.achados.append(Finding(code=code, mensagem=mensagem, path=reg, line=linha, severity=severity))


def _campos_por_nome(spec: Registro, valores: list[str]) -> dict[str, str]:
    # C170 repeats ALIQ_PIS/ALIQ_COFINS (percent and reais); the second keeps its own slot by suffix.
    out: dict[str, str] = {}
    for c, v in zip(spec.campos, valores, strict=False):
        out[c.nome if c.nome not in out else f"{c.nome}_R"] = v
    return out


def _checar_campo(st: _Estado, n: int, reg: str, c: Campo, v: str, obrig: str) -> None:
    if not v:
        if obrig == "O":
            st.erro(n, reg, "SPED_CAMPO_OBRIGATORIO", f"campo {c.numero:02d} ({c.nome}) é obrigatório e está vazio")
        return
    if obrig == "N":
        st.erro(n, reg, "SPED_CAMPO_NAO_INFORMAR", f"campo {c.numero:02d} ({c.nome}) não deve ser informado")
        return
    if c.tipo == "N":
        ok = (_ALFANUM if c.nome in _DOCUMENTO_ALFANUM else _num_re(c.dec or 0)).fullmatch(v) is not None
        if not ok:
            detalhe = ("use vírgula decimal, sem separador de milhar nem sinal"
                       + (f", até {c.dec} casas decimais" if c.dec else ", sem casas decimais"))
            st.erro(n, reg, "SPED_NUMERO_INVALIDO", f"campo {c.numero:02d} ({c.nome}) = {v!r} não é numérico válido: "
                    f"{detalhe}")
            return
        tamanho = len(v.replace(",", ""))
        if c.nome.startswith("DT_") and c.tam == 8 and _data(v) is None:
            st.erro(n, reg, "SPED_DATA_INVALIDA", f"campo {c.numero:02d} ({c.nome}) = {v!r} não é uma data "
                    "válida no formato ddmmaaaa")
            return
    else:
        tamanho = len(v)
    if c.tam is not None:
        if c.fixo and tamanho != c.tam:
            st.erro(n, reg, "SPED_TAMANHO", f"campo {c.numero:02d} ({c.nome}) deve ter exatamente {c.tam} "
                    f"caracteres{' (com zeros à esquerda)' if c.tipo == 'N' else ''}; tem {tamanho}: {v!r}")
        elif not c.fixo and tamanho > c.tam:
            st.erro(n, reg, "SPED_TAMANHO", f"campo {c.numero:02d} ({c.nome}) tem {tamanho} caracteres; o máximo "
                    f"é {c.tam}: {v!r}")


def _fechar_c100(st: _Estado) -> None:
    doc = st.c100
    st.c100 = None
    if doc is None:
        return
    f = doc.campos
    sit = f.get("COD_SIT", "")
    if sit in ("02", "03", "04", "05"):
        if doc.n_filhos:
            st.erro(doc.linha, "C100", "SPED_C100_FILHOS_CANCELADO",
                    f"documento com COD_SIT {sit} (cancelado/denegado/inutilizado) não pode ter registros filhos "
                    "(Guia Prático, C100 Exceção 1)")
        return
    if doc.n_c190 == 0:
        st.erro(doc.linha, "C100", "SPED_C100_SEM_C190",
                f"documento {f.get('COD_MOD')}/{f.get('SER')}/{f.get('NUM_DOC')} sem registro C190 (analítico)")
        return
    soma_opr = doc.c190.get("VL_OPR", _ZERO)
    if _dec(f.get("VL_DOC", "")) != soma_opr:
        st.erro(doc.linha, "C100", "SPED_C100_VL_DOC_C190",
                f"VL_DOC ({f.get('VL_DOC')}) difere da soma de VL_OPR dos C190 ({soma_opr:.2f}".replace(".", ",")
                + "); o PVA emite advertência", severity="note")
    for campo_c100, campo_c190 in _C100_TOTAIS_C190:
        valor = f.get(campo_c100, "")
        if not valor and f.get("COD_MOD") == "65":
            continue
        soma = doc.c190.get(campo_c190, _ZERO)
        if _dec(valor) != soma:
            st.erro(doc.linha, "C100", "SPED_C100_TOTAL_C190",
                    f"{campo_c100} ({valor or 'vazio'}) difere da soma de {campo_c190} dos C190 "
                    f"({str(soma).replace('.', ',')})")


def _c100(st: _Estado, n: int, f: dict[str, str]) -> None:
    sit, mod = f.get("COD_SIT", ""), f.get("COD_MOD", "")
    if sit in ("04", "05") and st.dt_fin is not None and st.dt_fin > _FIM_04_05:
        st.erro(n, "C100", "SPED_COD_SIT_DESCONTINUADO",
                f"COD_SIT {sit} (denegado/inutilizado) só é válido até 31/12/2022: a partir de 2023 esses documentos "
                "não são escriturados (Guia Prático 3.1.8, C100 campo 06)")
    if sit in ("04", "05") and mod not in ("55", "65"):
        st.erro(n, "C100", "SPED_COD_SIT_MODELO", f"COD_SIT {sit} só é possível para NF-e ou NFC-e")
    if sit in ("02", "03", "04", "05"):
        extras = [k for k, v in f.items() if v and k not in _C100_CHAVE]
        if extras:
            st.erro(n, "C100", "SPED_C100_CANCELADO_CAMPOS",
                    f"documento com COD_SIT {sit}: informe só REG, IND_OPER, IND_EMIT, COD_MOD, COD_SIT, SER, "
                    f"NUM_DOC e CHV_NFE; preenchidos indevidamente: {', '.join(extras)}")
        if sit == "05" and f.get("CHV_NFE"):
            st.erro(n, "C100", "SPED_C100_INUTILIZADA_CHAVE", "numeração inutilizada (COD_SIT 05) não tem CHV_NFE")
    else:
        obrigatorios = ("DT_DOC", "VL_DOC", "IND_PGTO", "IND_FRT") + (("DT_E_S",) if f.get("IND_OPER") == "0" else ())
        for nome in obrigatorios:
            if not f.get(nome):
                st.erro(n, "C100", "SPED_CAMPO_OBRIGATORIO", f"campo {nome} é obrigatório no documento COD_SIT {sit}")
        if mod == "65":
            preenchidos = [k for k in _NFCE_VAZIOS if f.get(k)]
            if preenchidos:
                st.erro(n, "C100", "SPED_NFCE_CAMPOS",
                        f"NFC-e (modelo 65): não informe {', '.join(preenchidos)} (Guia Prático, C100)")
            if f.get("IND_OPER") == "0":
                st.erro(n, "C100", "SPED_NFCE_ENTRADA", "NFC-e não pode ser escriturada como entrada")
        elif not f.get("COD_PART"):
            st.erro(n, "C100", "SPED_CAMPO_OBRIGATORIO", "campo 04 (COD_PART) é obrigatório para o modelo "
                    f"{mod}")
        elif f["COD_PART"] not in st.participantes:
            st.erro(n, "C100", "SPED_COD_PART_SEM_0150", f"COD_PART {f['COD_PART']!r} não existe no registro 0150")
        dt_doc, dt_e_s = _data(f.get("DT_DOC", "")), _data(f.get("DT_E_S", ""))
        if dt_doc is not None and st.dt_fin is not None and dt_doc > st.dt_fin:
            st.erro(n, "C100", "SPED_DT_DOC_POSTERIOR", "DT_DOC posterior a DT_FIN do registro 0000")
        if dt_e_s is not None and st.dt_fin is not None and dt_e_s > st.dt_fin:
            st.erro(n, "C100", "SPED_DT_E_S_POSTERIOR", "DT_E_S posterior a DT_FIN do registro 0000 (não informe a "
                    "data de saída posterior ao período)")
        if dt_e_s is not None and dt_doc is not None and dt_e_s < dt_doc:
            st.erro(n, "C100", "SPED_DT_E_S_ANTERIOR", "DT_E_S anterior a DT_DOC (data de emissão)")
    if mod in ("55", "65") and f.get("SER", "") and len(f["SER"]) != 3:
        st.erro(n, "C100", "SPED_SER_3_POSICOES", f"SER deve ter 3 posições para NF-e/NFC-e ('000' sem série): "
                f"{f['SER']!r}")
    chave = f.get("CHV_NFE", "")
    if mod in ("55", "65") and sit != "05":
        if not chave:
            st.erro(n, "C100", "SPED_CHV_NFE_AUSENTE", "CHV_NFE é obrigatória para NF-e/NFC-e (exceto COD_SIT 05)")
        elif len(chave) == 44 and re.fullmatch(r"[0-9A-Z]{44}", chave):
            if dv_chave(chave[:43]) != chave[43]:
                st.erro(n, "C100", "SPED_CHV_NFE_DV", f"dígito verificador da CHV_NFE {chave} inválido")
            if chave[20:22] != mod or chave[25:34] != f.get("NUM_DOC", "").zfill(9) or (
                    f.get("SER") and chave[22:25] != f["SER"].zfill(3)):
                st.erro(n, "C100", "SPED_CHV_NFE_DIVERGENTE",
                        "CHV_NFE não corresponde a COD_MOD/SER/NUM_DOC do registro")
            if f.get("IND_EMIT") == "0":
                cnpj = st.reg0000.get("CNPJ", "")
                if cnpj and chave[6:14] != cnpj[:8]:
                    st.erro(n, "C100", "SPED_CHV_NFE_CNPJ", "o CNPJ base da CHV_NFE difere do CNPJ do registro 0000 "
                            "(documento de emissão própria)")
                uf = st.reg0000.get("UF", "")
                try:
                    if uf and chave[:2] != codigo_uf(uf):
                        st.erro(n, "C100", "SPED_CHV_NFE_UF",
                                f"a UF da CHV_NFE ({chave[:2]}) difere da UF {uf} do registro 0000")
                except ChaveError:
                    st.erro(n, "C100", "SPED_UF_DESCONHECIDA", f"UF {uf!r} do registro 0000 desconhecida")
    st.c100 = _C100Aberto(linha=n, campos=f)


def _c190(st: _Estado, n: int, f: dict[str, str]) -> None:
    doc = st.c100
    if doc is None:
        return
    doc.n_filhos += 1
    doc.n_c190 += 1
    for k in ("VL_OPR", "VL_BC_ICMS", "VL_ICMS", "VL_BC_ICMS_ST", "VL_ICMS_ST", "VL_IPI"):
        doc.c190[k] = doc.c190.get(k, _ZERO) + _dec(f.get(k, ""))
    cfop = f.get("CFOP", "")
    d = doc.campos
    if d.get("COD_MOD") == "65" and cfop[:1] != "5":
        st.erro(n, "C190", "SPED_NFCE_CFOP", f"NFC-e só admite CFOP iniciado por 5 (informado {cfop})")
    if d.get("IND_OPER") == "1" and cfop[:1] not in ("5", "6", "7"):
        st.erro(n, "C190", "SPED_CFOP_SAIDA", f"saída (IND_OPER 1) exige CFOP iniciado por 5, 6 ou 7 ({cfop})")
    if d.get("IND_OPER") == "0" and cfop[:1] not in ("1", "2", "3"):
        st.erro(n, "C190", "SPED_CFOP_ENTRADA", f"entrada (IND_OPER 0) exige CFOP iniciado por 1, 2 ou 3 ({cfop})")
    icms = _dec(f.get("VL_ICMS", ""))
    if d.get("COD_SIT") in ("01", "07"):
        if d.get("IND_OPER") == "1":
            st.deb_esp_docs += icms
    elif d.get("IND_OPER") == "1":
        if cfop != "5605":
            st.debitos += icms
    elif cfop != "1605":
        st.creditos += icms


def _c170(st: _Estado, n: int, f: dict[str, str]) -> None:
    doc = st.c100
    if doc is not None:
        doc.n_filhos += 1
        if doc.campos.get("COD_MOD") == "65":
            st.erro(n, "C170", "SPED_NFCE_C170", "NFC-e (modelo 65) não tem registro C170")
    if f.get("COD_ITEM") and f["COD_ITEM"] not in st.itens:
        st.erro(n, "C170", "SPED_ITEM_SEM_0200", f"COD_ITEM {f['COD_ITEM']!r} não existe no registro 0200")
    if f.get("UNID") and f["UNID"] not in st.unidades:
        st.erro(n, "C170", "SPED_UNID_SEM_0190", f"UNID {f['UNID']!r} não existe no registro 0190")


def _e110(st: _Estado) -> None:
    if st.e110 is None:
        return
    n, f = st.e110
    v = {k: _dec(x) for k, x in f.items() if k != "REG"}
    if v["VL_TOT_DEBITOS"] != st.debitos:
        st.erro(n, "E110", "SPED_E110_DEBITOS", f"VL_TOT_DEBITOS ({f['VL_TOT_DEBITOS']}) difere da soma de VL_ICMS "
                f"dos C190 de saída ({str(st.debitos).replace('.', ',')})")
    if v["VL_TOT_CREDITOS"] != st.creditos:
        st.erro(n, "E110", "SPED_E110_CREDITOS", f"VL_TOT_CREDITOS ({f['VL_TOT_CREDITOS']}) difere da soma de "
                f"VL_ICMS dos C190 de entrada ({str(st.creditos).replace('.', ',')})")
    saldo = (v["VL_TOT_DEBITOS"] + v["VL_AJ_DEBITOS"] + v["VL_TOT_AJ_DEBITOS"] + v["VL_ESTORNOS_CRED"]
             - v["VL_TOT_CREDITOS"] - v["VL_AJ_CREDITOS"] - v["VL_TOT_AJ_CREDITOS"] - v["VL_ESTORNOS_DEB"]
             - v["VL_SLD_CREDOR_ANT"])
    if v["VL_SLD_APURADO"] != max(saldo, _ZERO):
        st.erro(n, "E110", "SPED_E110_SALDO", f"VL_SLD_APURADO ({f['VL_SLD_APURADO']}) não confere com a fórmula "
                "do campo 11 (débitos + ajustes + estornos de crédito - créditos - ajustes - estornos de débito - "
                "saldo credor anterior)")
    recolher = max(v["VL_SLD_APURADO"] - v["VL_TOT_DED"], _ZERO)
    if v["VL_ICMS_RECOLHER"] != recolher:
        st.erro(n, "E110", "SPED_E110_RECOLHER", f"VL_ICMS_RECOLHER ({f['VL_ICMS_RECOLHER']}) deve ser "
                "VL_SLD_APURADO - VL_TOT_DED (zero se negativo)")
    transportar = -(saldo - v["VL_TOT_DED"]) if saldo - v["VL_TOT_DED"] < 0 else _ZERO
    if v["VL_SLD_CREDOR_TRANSPORTAR"] != transportar:
        st.erro(n, "E110", "SPED_E110_TRANSPORTAR", f"VL_SLD_CREDOR_TRANSPORTAR ({f['VL_SLD_CREDOR_TRANSPORTAR']}) "
                "não confere com a fórmula do campo 14")
    obrigacoes = v["VL_ICMS_RECOLHER"] + v["DEB_ESP"]
    if obrigacoes != st.e116_total:
        st.erro(n, "E110", "SPED_E116_TOTAL", f"VL_ICMS_RECOLHER + DEB_ESP ({str(obrigacoes).replace('.', ',')}) "
                f"difere da soma de VL_OR dos E116 ({str(st.e116_total).replace('.', ',')})")


def _hierarquia(st: _Estado, n: int, reg: str, spec: Registro) -> None:
    bloco = reg[0]
    if bloco != st.bloco_atual:
        if st.bloco_atual and ORDEM_BLOCOS.index(bloco) < ORDEM_BLOCOS.index(st.bloco_atual):
            st.erro(n, reg, "SPED_ORDEM_BLOCOS", f"bloco {bloco} depois do bloco {st.bloco_atual}: a ordem é "
                    "0, B, C, D, E, G, H, K, 1, 9")
        if bloco in st.blocos_fechados:
            st.erro(n, reg, "SPED_BLOCO_REABERTO", f"registro do bloco {bloco} depois do seu encerramento "
                    f"({bloco}990)")
        st.bloco_atual = bloco
        if reg not in ("0000", "9999") and not reg.endswith("001"):
            st.erro(n, reg, "SPED_BLOCO_SEM_ABERTURA", f"o bloco {bloco} deve começar pelo registro {bloco}001")
    elif bloco in st.blocos_fechados and reg != "9999":
        st.erro(n, reg, "SPED_DEPOIS_ENCERRAMENTO", f"registro depois do encerramento do bloco ({bloco}990)")
    if reg.endswith("990"):
        st.blocos_fechados.add(bloco)
    pai = PAI.get(reg)
    nivel = spec.nivel
    if nivel >= 2 and pai is not None and st.ultimo_nivel.get(nivel - 1) != pai:
        st.erro(n, reg, "SPED_HIERARQUIA", f"registro {reg} (nível {nivel}) deve estar subordinado ao registro {pai}")
    rank = _RANK[reg]
    if rank < st.rank_nivel.get(nivel, -1) and st.ultimo_nivel.get(nivel, "")[0:1] == bloco:
        st.erro(n, reg, "SPED_ORDEM_REGISTROS", f"registro {reg} fora de ordem: deve vir antes de "
                f"{st.ultimo_nivel.get(nivel)}")
    st.ultimo_nivel[nivel] = reg
    st.rank_nivel[nivel] = rank
    for k in [k for k in st.ultimo_nivel if k > nivel]:
        del st.ultimo_nivel[k]
        st.rank_nivel.pop(k, None)


def validar_linhas(linhas: Iterable[bytes]) -> list[Finding]:
    """Validate the lines (bytes, with their line endings) of an EFD ICMS/IPI file."""
    st = _Estado()
    specs = registros()
    sem_crlf: int | None = None
    utf8: int | None = None
    n = 0
    for n, bruta in enumerate(linhas, start=1):
        if not bruta.endswith(b"\r\n"):
            if sem_crlf is None and bruta.strip():
                sem_crlf = n
            corpo = bruta.rstrip(b"\r\n")
        else:
            corpo = bruta[:-2]
        if utf8 is None and not corpo.isascii():
            try:
                corpo.decode("utf-8")
                utf8 = n
            except UnicodeDecodeError:
                utf8 = 0
        texto = corpo.decode("latin-1")
        if not texto:
            st.erro(n, "", "SPED_LINHA_VAZIA", "linha vazia")
            continue
        if not (texto.startswith("|") and texto.endswith("|")) or len(texto) < 6:
            st.erro(n, texto[:5], "SPED_DELIMITADOR", "a linha deve começar e terminar com '|'")
            continue
        valores = texto[1:-1].split("|")
        reg = valores[0]
        st.total_linhas = n
        st.contagem[reg] = st.contagem.get(reg, 0) + 1
        bloco = reg[:1]
        if bloco in ORDEM_BLOCOS:
            st.linhas_bloco[bloco] = st.linhas_bloco.get(bloco, 0) + 1
        spec = specs.get(reg)
        if n == 1 and reg != "0000":
            st.erro(n, reg, "SPED_0000_PRIMEIRO", "a primeira linha do arquivo deve ser o registro 0000")
        if st.qtd_9999 is not None:
            st.erro(n, reg, "SPED_DEPOIS_9999", "há linhas depois do registro 9999 (encerramento do arquivo)")
        if spec is None:
            if reg not in st.desconhecidos:
                st.desconhecidos.add(reg)
                st.erro(n, reg, "SPED_REGISTRO_NAO_VERIFICADO", f"registro {reg} não é verificado por este validador "
                        "(apenas contado)", severity="note")
            if reg[:1] == "C" and st.c100 is not None and reg[1:2] == "1":
                st.c100.n_filhos += 1
            continue
        if reg in _UNICOS and st.contagem[reg] > 1:
            st.erro(n, reg, "SPED_REGISTRO_REPETIDO", f"registro {reg} deve ocorrer uma única vez no arquivo")
        if len(valores) != len(spec.campos):
            st.erro(n, reg, "SPED_QTD_CAMPOS", f"registro {reg} deve ter {len(spec.campos)} campos; a linha tem "
                    f"{len(valores)}")
            if reg == "C100":
                _fechar_c100(st)
            continue
        _hierarquia(st, n, reg, spec)
        f = _campos_por_nome(spec, valores)
        entrada = reg in ("C100", "C170", "C190") and (
            (f.get("IND_OPER") if reg == "C100" else (st.c100.campos.get("IND_OPER") if st.c100 else "1")) == "0")
        for c, v in zip(spec.campos, valores, strict=True):
            obrig = c.obrig_entrada if entrada else c.obrig
            if reg == "C100" and c.nome not in ("REG", "IND_OPER", "IND_EMIT", "COD_MOD", "COD_SIT", "NUM_DOC"):
                obrig = "OC"  # situation-dependent: checked by _c100
            _checar_campo(st, n, reg, c, v, obrig)
        _registro(st, n, reg, f)
    if sem_crlf is not None:
        st.erro(sem_crlf, "", "SPED_FIM_DE_LINHA", "as linhas devem terminar com CR LF (0D 0A); a primeira sem CR LF "
                "é esta")
    if utf8:
        st.erro(utf8, "", "SPED_CODIFICACAO", "a linha parece codificada em UTF-8; o arquivo deve ser ISO-8859-1 "
                "(Latin-1)", severity="note")
    _fechar_c100(st)
    _final(st, n)
    st.achados.sort(key=lambda a: (a.line or 0))
    return st.achados


def _registro(st: _Estado, n: int, reg: str, f: dict[str, str]) -> None:
    if reg not in ("C170", "C190") and st.c100 is not None:
        _fechar_c100(st)  # a new C100 or the end of its children closes the open document
    if reg == "0000":
        st.reg0000 = f
        ini, fim = _data(f["DT_INI"]), _data(f["DT_FIN"])
        st.dt_fin = fim
        if fim is not None:
            try:
                versao = versao_para(fim)
                if f["COD_VER"] != versao.cod_ver:
                    st.erro(n, reg, "SPED_COD_VER", f"COD_VER {f['COD_VER']!r} não é a versão do leiaute em vigor em "
                            f"{fim:%d/%m/%Y}: use {versao.cod_ver!r} (três dígitos, com zeros à esquerda)")
            except ConfigurationError as exc:
                st.erro(n, reg, "SPED_COD_VER", exc.mensagem)
        if ini is not None and fim is not None and (ini > fim or (ini.year, ini.month) != (fim.year, fim.month)):
            st.erro(n, reg, "SPED_PERIODO", "DT_INI e DT_FIN devem estar no mesmo mês, com DT_INI <= DT_FIN")
        if f["CPF"] and f["IND_ATIV"] != "1":
            st.erro(n, reg, "SPED_IND_ATIV_CPF", "entidade com CPF deve informar IND_ATIV = 1")
    elif reg == "0002" and st.reg0000.get("IND_ATIV") != "0":
        st.erro(n, reg, "SPED_0002_NAO_INDUSTRIA", "registro 0002 só pode ser informado por estabelecimento "
                "industrial ou equiparado (0000.IND_ATIV = 0)")
    elif reg == "0150":
        st.participantes.add(f["COD_PART"])
        if not f["CNPJ"] and not f["CPF"] and f["COD_PAIS"] in ("1058", "01058"):
            st.erro(n, reg, "SPED_0150_DOCUMENTO", "participante do Brasil deve ter CNPJ ou CPF")
    elif reg == "0190":
        st.unidades.add(f["UNID"])
    elif reg == "0200":
        st.itens.add(f["COD_ITEM"])
        if f["UNID_INV"] and f["UNID_INV"] not in st.unidades:
            st.erro(n, reg, "SPED_UNID_SEM_0190", f"UNID_INV {f['UNID_INV']!r} não existe no registro 0190")
    elif reg == "C100":
        _c100(st, n, f)
    elif reg == "C170":
        _c170(st, n, f)
    elif reg == "C190":
        _c190(st, n, f)
    elif reg == "1010":
        st.ind_cart = (n, f["IND_CART"])
    elif reg == "1601":
        _r1601(st, n, f)
    elif reg == "E110":
        st.e110 = (n, f)
    elif reg == "E116":
        st.e116_total += _dec(f["VL_OR"])
    elif reg == "9900":
        if f["REG_BLC"] in st.contagem_9900:
            st.erro(n, reg, "SPED_9900_REPETIDO", f"9900 repetido para o registro {f['REG_BLC']}")
        st.contagem_9900[f["REG_BLC"]] = (n, int(f["QTD_REG_BLC"] or 0) if f["QTD_REG_BLC"].isdigit() else -1)
    elif reg == "9999":
        st.qtd_9999 = (n, int(f["QTD_LIN"]) if f["QTD_LIN"].isdigit() else -1)
    if reg.endswith("990"):
        qtd = next(iter(v for k, v in f.items() if k.startswith("QTD_LIN")), "")
        st.declarados[reg] = (n, int(qtd) if qtd.isdigit() else -1)
    if reg.endswith("001"):
        st.abertura[reg[0]] = (n, f.get("IND_MOV", f.get("IND_DAD", "")))


def _r1601(st: _Estado, n: int, f: dict[str, str]) -> None:
    # Guia 3.1.x, 1601: COD_PART_IP and COD_PART_IT must exist in 0150; one line per (IP, IT) pair.
    for campo, nome in (("COD_PART_IP", "campo 02 (instituição de pagamento)"),
                        ("COD_PART_IT", "campo 03 (intermediador)")):
        if f[campo] and f[campo] not in st.participantes:
            st.erro(n, "1601", "SPED_COD_PART_SEM_0150", f"{nome}: COD_PART {f[campo]!r} não existe no registro 0150")
    chave = (f["COD_PART_IP"], f["COD_PART_IT"])
    if chave in st.chaves_1601:
        st.erro(n, "1601", "SPED_1601_REPETIDO", f"registro 1601 repetido para a instituição {chave[0]!r} e o "
                f"intermediador {chave[1]!r}: some os valores numa única linha")
    st.chaves_1601.add(chave)


def _final(st: _Estado, ultima: int) -> None:
    for reg in _OBRIGATORIOS:
        if reg not in st.contagem:
            st.erro(ultima or None, reg, "SPED_REGISTRO_AUSENTE", f"registro obrigatório {reg} ausente"
                    + (" (o registro 1010 é sempre obrigatório)" if reg == "1010" else ""))
    if st.reg0000.get("IND_ATIV") == "0" and "0002" not in st.contagem:
        st.erro(1, "0002", "SPED_0002_AUSENTE", "estabelecimento industrial (IND_ATIV = 0) deve informar o "
                "registro 0002 (classificação do estabelecimento industrial)", severity="note")
    _e110(st)
    if st.ind_cart is not None:
        n1010, ind = st.ind_cart
        if ind == "S" and "1601" not in st.contagem:
            st.erro(n1010, "1010", "SPED_IND_CART", "1010.IND_CART = S exige ao menos um registro 1601 (operações "
                    "com instrumentos de pagamento eletrônico)")
        elif ind != "S" and "1601" in st.contagem:
            st.erro(n1010, "1010", "SPED_IND_CART", "há registros 1601 mas 1010.IND_CART não é S")
    # Block line counts: X990 counts the block's lines including X001 and X990; 0990 also counts
    # 0000; 9990 also counts 9999.
    for reg, (n, valor) in st.declarados.items():
        bloco = reg[0]
        real = st.linhas_bloco.get(bloco, 0)  # 0000 and 9999 belong to blocks 0 and 9 by their first character
        if valor != real:
            st.erro(n, reg, "SPED_QTD_LINHAS_BLOCO", f"{reg} declara {valor} linhas no bloco {bloco}; o arquivo tem "
                    f"{real}")
    for bloco, (n, ind) in st.abertura.items():
        if bloco == "9":
            continue
        # lines besides X001/X990 (and 0000 in block 0)
        com_dados = st.linhas_bloco.get(bloco, 0) - (3 if bloco == "0" else 2)
        if ind == "1" and com_dados > 0:
            st.erro(n, f"{bloco}001", "SPED_IND_MOV", f"bloco {bloco} declarado sem dados (1) mas tem registros")
        if ind == "0" and com_dados <= 0:
            st.erro(n, f"{bloco}001", "SPED_IND_MOV", f"bloco {bloco} declarado com dados (0) mas só tem abertura e "
                    "encerramento")
    for reg, qtd in st.contagem.items():
        declarado = st.contagem_9900.get(reg)
        if declarado is None:
            st.erro(ultima or None, "9900", "SPED_9900_AUSENTE", f"falta o registro 9900 do registro {reg} "
                    f"({qtd} linhas)")
        elif declarado[1] != qtd:
            st.erro(declarado[0], "9900", "SPED_9900_QTD", f"9900 declara {declarado[1]} registros {reg}; o arquivo "
                    f"tem {qtd}")
    for reg, (n, _) in st.contagem_9900.items():
        if reg not in st.contagem:
            st.erro(n, "9900", "SPED_9900_SEM_REGISTRO", f"9900 para o registro {reg}, que não existe no arquivo")
    if st.qtd_9999 is not None and st.qtd_9999[1] != st.total_linhas:
        st.erro(st.qtd_9999[0], "9999", "SPED_9999_QTD", f"9999 declara {st.qtd_9999[1]} linhas; o arquivo tem "
                f"{st.total_linhas}")


def validar_arquivo(path: str | Path) -> list[Finding]:
    """Validate an EFD file on disk, streaming it line by line."""
    with open(path, "rb") as fh:
        return validar_linhas(fh)


def validar_bytes(conteudo: bytes) -> list[Finding]:
    return validar_linhas(conteudo.splitlines(keepends=True))
