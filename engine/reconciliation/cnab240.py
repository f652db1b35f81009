"""CNAB 240 retorno (FEBRABAN): cobrança (segments T/U) and pagamentos (segments A/B, J, Z).

Positions are 1-based and inclusive, as in the FEBRABAN manual "Layout Padrão de Arquivos CNAB240"
(version 10.06, 16/03/2020; cmsportal.febraban.org.br, "Layout padrao CNAB240 V 10 06"), field
ids in comments (G001 banco, G003 tipo de registro, C004 movimento...). Cross-checked against
public parsers' field tables (segment A/Z of eduardordm/cnab240, segment U of autogeral/CNAB v040)
and the banks' own manuals that follow it (Banco do Brasil "PgtVer03BB", Santander cobrança
FEBRABAN 240 v8.3); banks that deviate in a field we read are not supported silently: a field that
is not what the layout says is an error naming the line and the field.

The whole file is read before anything is returned (``parse_cnab240`` raises on the first bad
line), so an import is all or nothing. Lines are read one at a time from the iterable (streaming);
only the resulting movements are kept.

Money produced:

* cobrança: segment T + U with movement (C044) 06 "Liquidação" or 17 "Liquidação após baixa":
  a credit of "valor pago pelo pagador" (U 78-92) on the credit date (U 146-153, or the occurrence
  date U 138-145 when the bank leaves it zero); payer from T 133-188; nosso número T 38-57,
  seu número (número do documento) T 59-73.
* pagamentos: segment A (transfers, Pix, TED) or J (boleto payment) whose ocorrências (231-240)
  start with "00" "Crédito ou Débito Efetivado": a debit of the effective value; segment B gives
  the favorecido's CPF/CNPJ, segment Z the authentication, both attached to the A/J before them.
  Other occurrence codes (BD scheduled, rejections) move no money and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

from engine.reconciliation.hashing import com_hashes
from engine.reconciliation.model import Fonte, ReconciliationError, StatementLine

LARGURA = 240
LIQUIDACAO = frozenset({"06", "17"})  # C044: 06 liquidação, 17 liquidação após baixa / não registrado
EFETIVADO = "00"  # G059 ocorrências: 00 = crédito ou débito efetivado


class _Linha:
    """One 240-character record with typed accessors that name the field on error."""

    __slots__ = ("n", "s")

    def __init__(self, n: int, s: str) -> None:
        self.n = n
        self.s = s

    def txt(self, ini: int, fim: int) -> str:
        return self.s[ini - 1 : fim].strip()

    def num(self, ini: int, fim: int, campo: str) -> str:
        v = self.s[ini - 1 : fim]
        if not v.isdigit() or not v.isascii():
            raise ReconciliationError(f"posições {ini}-{fim} devem ser numéricas, veio {v!r}", line=self.n, campo=campo)
        return v

    def valor(self, ini: int, fim: int, campo: str) -> Decimal:
        # Money fields are 9(13)V99: implied two decimals, no separator.
        return Decimal(self.num(ini, fim, campo)).scaleb(-2)

    def data(self, ini: int, fim: int, campo: str) -> date | None:
        v = self.num(ini, fim, campo)
        if v == "00000000":
            return None
        try:
            return date(int(v[4:]), int(v[2:4]), int(v[:2]))  # DDMMAAAA
        except ValueError:
            raise ReconciliationError(f"data inválida {v!r} (esperado DDMMAAAA)", line=self.n, campo=campo) from None


def _documento(tipo: str, numero: str) -> str:
    # G005 tipo de inscrição: 1 CPF, 2 CNPJ; the number field is zero-padded on the left.
    digits = numero.lstrip("0")
    if not digits:
        return ""
    if tipo == "1":
        return digits.zfill(11)
    if tipo == "2":
        return digits.zfill(14)
    return digits


def _linhas(stream: Iterable[bytes]) -> Iterator[_Linha]:
    for n, raw in enumerate(stream, start=1):
        s = raw.rstrip(b"\r\n").decode("latin-1")  # CNAB is ASCII; latin-1 never fails to decode
        if not s.strip() or s == "\x1a":  # blank line or DOS EOF at the end
            continue
        if len(s) != LARGURA:
            raise ReconciliationError(
                f"registro com {len(s)} caracteres; o CNAB 240 exige exatamente 240", line=n, campo="registro")
        yield _Linha(n, s)


def iter_cnab240(stream: Iterable[bytes]) -> Iterator[StatementLine]:
    """Movements of a CNAB 240 retorno, checked record by record (structure, counts, fields)."""
    banco = ""
    conta = ""
    lote_aberto = ""
    registros_lote = 0
    lotes = 0
    total = 0
    trailer_arquivo = False
    t_pendente: _Linha | None = None
    pagamento: StatementLine | None = None

    for ln in _linhas(stream):
        total += 1
        if trailer_arquivo:
            raise ReconciliationError("registro após o trailer de arquivo", line=ln.n, campo="G003 tipo de registro")
        tipo = ln.s[7]  # G003 tipo de registro (posição 8)
        if total == 1:
            if tipo != "0":
                raise ReconciliationError("o arquivo deve começar pelo header de arquivo (tipo 0)", line=ln.n,
                                          campo="G003 tipo de registro")
            banco = ln.num(1, 3, "G001 código do banco")
            remessa_retorno = ln.s[142]  # G015 código remessa/retorno (posição 143)
            if remessa_retorno != "2":
                raise ReconciliationError(
                    f"arquivo não é de retorno (código {remessa_retorno!r}; 1 = remessa, 2 = retorno)",
                    line=ln.n, campo="G015 código remessa/retorno (posição 143)")
            # G008-G011: agência 53-57 (+DV 58), conta 59-70 (+DV 71)
            conta = f"{banco}/{ln.txt(53, 57).lstrip('0')}/{ln.txt(59, 70).lstrip('0')}-{ln.txt(71, 71)}"
            continue
        if ln.s[:3] != banco:
            raise ReconciliationError(f"banco {ln.s[:3]!r} diferente do header ({banco})", line=ln.n,
                                      campo="G001 código do banco")
        if tipo == "1":
            if lote_aberto:
                raise ReconciliationError(f"header de lote sem o trailer do lote {lote_aberto}", line=ln.n,
                                          campo="G003 tipo de registro")
            lote_aberto = ln.num(4, 7, "G002 lote de serviço")
            registros_lote = 1
            lotes += 1
        elif tipo == "3":
            if not lote_aberto:
                raise ReconciliationError("detalhe fora de um lote", line=ln.n, campo="G003 tipo de registro")
            if ln.s[3:7] != lote_aberto:
                raise ReconciliationError(f"lote {ln.s[3:7]!r} diferente do header de lote ({lote_aberto})",
                                          line=ln.n, campo="G002 lote de serviço")
            registros_lote += 1
            segmento = ln.s[13]  # G039 código do segmento (posição 14)
            if segmento == "T":
                if t_pendente is not None:
                    raise ReconciliationError("segmento T sem o segmento U correspondente", line=t_pendente.n,
                                              campo="G039 segmento")
                t_pendente = ln
            elif segmento == "U":
                if t_pendente is None:
                    raise ReconciliationError("segmento U sem o segmento T antes dele", line=ln.n,
                                              campo="G039 segmento")
                mov = _cobranca(t_pendente, ln, conta)
                t_pendente = None
                if mov is not None:
                    yield mov
            elif segmento in "AJ":
                if pagamento is not None:
                    yield pagamento
                pagamento = _pagamento_a(ln, conta) if segmento == "A" else _pagamento_j(ln, conta)
            elif segmento == "B" and pagamento is not None:
                # B 18 tipo de inscrição, 19-32 CPF/CNPJ do favorecido (G005/G006)
                doc = _documento(ln.s[17], ln.num(19, 32, "G006 inscrição do favorecido (segmento B 19-32)"))
                pagamento = replace(pagamento, pagador_documento=doc)
            elif segmento == "Z" and pagamento is not None:
                # Z 18-81 autenticação, 82-106 controle bancário (comprovante do pagamento)
                aut = ln.txt(82, 106) or ln.txt(18, 81)
                if aut:
                    pagamento = replace(pagamento, descricao=f"{pagamento.descricao} aut. {aut}".strip())
            # other segments (J-52, C, P/Q/R/S, W...) carry no money of their own
        elif tipo == "5":
            if not lote_aberto:
                raise ReconciliationError("trailer de lote sem header de lote", line=ln.n,
                                          campo="G003 tipo de registro")
            if t_pendente is not None:
                raise ReconciliationError("segmento T sem o segmento U correspondente", line=t_pendente.n,
                                          campo="G039 segmento")
            if pagamento is not None:
                yield pagamento
                pagamento = None
            registros_lote += 1
            declarado = int(ln.num(18, 23, "G057 quantidade de registros do lote (18-23)"))
            if declarado != registros_lote:
                raise ReconciliationError(
                    f"o trailer declara {declarado} registros no lote {lote_aberto}, mas há {registros_lote}",
                    line=ln.n, campo="G057 quantidade de registros do lote (18-23)")
            lote_aberto = ""
        elif tipo == "9":
            if lote_aberto:
                raise ReconciliationError(f"trailer de arquivo com o lote {lote_aberto} aberto", line=ln.n,
                                          campo="G003 tipo de registro")
            qtd_lotes = int(ln.num(18, 23, "G049 quantidade de lotes do arquivo (18-23)"))
            qtd_reg = int(ln.num(24, 29, "G056 quantidade de registros do arquivo (24-29)"))
            if qtd_lotes != lotes:
                raise ReconciliationError(f"o trailer declara {qtd_lotes} lotes, mas há {lotes}", line=ln.n,
                                          campo="G049 quantidade de lotes do arquivo (18-23)")
            if qtd_reg != total:
                raise ReconciliationError(f"o trailer declara {qtd_reg} registros, mas há {total}", line=ln.n,
                                          campo="G056 quantidade de registros do arquivo (24-29)")
            trailer_arquivo = True
        else:
            raise ReconciliationError(f"tipo de registro {tipo!r} desconhecido (0, 1, 3, 5 ou 9)", line=ln.n,
                                      campo="G003 tipo de registro (posição 8)")
    if total == 0:
        raise ReconciliationError("arquivo vazio", line=1, campo="registro")
    if not trailer_arquivo:
        raise ReconciliationError("arquivo incompleto: falta o trailer de arquivo (tipo 9)", line=total,
                                  campo="G003 tipo de registro")


def _cobranca(t: _Linha, u: _Linha, conta: str) -> StatementLine | None:
    mov = t.num(16, 17, "C044 código de movimento (segmento T 16-17)")
    if u.s[15:17] != mov:
        raise ReconciliationError(f"movimento {u.s[15:17]!r} do segmento U difere do T ({mov})", line=u.n,
                                  campo="C044 código de movimento (segmento U 16-17)")
    if mov not in LIQUIDACAO:
        return None
    pago = u.valor(78, 92, "valor pago pelo pagador (segmento U 78-92)")
    quando = u.data(146, 153, "data do crédito (segmento U 146-153)") or u.data(
        138, 145, "data da ocorrência (segmento U 138-145)")
    if quando is None:
        raise ReconciliationError("liquidação sem data de crédito nem data de ocorrência", line=u.n,
                                  campo="data do crédito (segmento U 146-153)")
    nosso = t.txt(38, 57)
    return StatementLine(
        fonte=Fonte.CNAB240, conta=conta, data=quando, valor=pago, direcao="C",
        descricao=f"liquidação boleto {nosso} (mov. {mov})", nosso_numero=nosso, seu_numero=t.txt(59, 73),
        pagador_nome=t.txt(149, 188), pagador_documento=_documento(t.s[132], t.num(134, 148,
            "G006 inscrição do pagador (segmento T 134-148)")),
        linha=t.n,
    )


def _pagamento_a(a: _Linha, conta: str) -> StatementLine | None:
    if a.txt(231, 240)[:2] != EFETIVADO:
        return None
    valor = a.valor(163, 177, "valor real da efetivação (segmento A 163-177)") or a.valor(
        120, 134, "valor do pagamento (segmento A 120-134)")
    quando = a.data(155, 162, "data real da efetivação (segmento A 155-162)") or a.data(
        94, 101, "data do pagamento (segmento A 94-101)")
    if quando is None:
        raise ReconciliationError("pagamento efetivado sem data", line=a.n, campo="data do pagamento (94-101)")
    nome = a.txt(44, 73)
    return StatementLine(
        fonte=Fonte.CNAB240, conta=conta, data=quando, valor=valor, direcao="D", descricao=f"pagamento a {nome}",
        seu_numero=a.txt(74, 93), nosso_numero=a.txt(135, 154), pagador_nome=nome, linha=a.n,
    )


def _pagamento_j(j: _Linha, conta: str) -> StatementLine | None:
    if j.s[17:19] == "52":  # J-52 (registro opcional) carries names/documents, no money
        return None
    if j.txt(231, 240)[:2] != EFETIVADO:
        return None
    valor = j.valor(153, 167, "valor do pagamento (segmento J 153-167)")
    quando = j.data(145, 152, "data do pagamento (segmento J 145-152)")
    if quando is None:
        raise ReconciliationError("pagamento efetivado sem data", line=j.n,
                                  campo="data do pagamento (segmento J 145-152)")
    nome = j.txt(62, 91)
    return StatementLine(
        fonte=Fonte.CNAB240, conta=conta, data=quando, valor=valor, direcao="D",
        descricao=f"boleto pago a {nome} ({j.txt(18, 61)})", seu_numero=j.txt(183, 202),
        nosso_numero=j.txt(203, 222), pagador_nome=nome, linha=j.n,
    )


def parse_cnab240(stream: Iterable[bytes]) -> list[StatementLine]:
    """Every money movement of the file, with content hashes; raises before returning anything."""
    return com_hashes(m for m in iter_cnab240(stream) if m is not None)
