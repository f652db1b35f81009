"""Pix BR Code: build and read the "Pix Copia e Cola" payload (static and dynamic QR).

Source: BACEN *Manual de Padrões para Iniciação do Pix* (Anexo II do Regulamento Pix), which
profiles EMV® QRCPS-MPM; field facts and test vectors in shared/reference/brcode.md. Root fields:

    00 Payload Format Indicator "01" (first)      52 MCC ("0000" when not informed)
    01 Point of Initiation: 11 reusable, 12 once  53 currency "986" (BRL)
    26 Pix account: 00 GUI br.gov.bcb.pix,        54 amount, optional, "123.45"
       01 key (static) | 25 URL (dynamic),        58 country "BR"; 59 name (25); 60 city (15)
       02 infoAdicional (static)                  61 CEP (optional); 62-05 txid (reference label)
    80 Pix Automático location (GUI + 25 URL)     63 CRC16-CCITT-FALSE (last)

``encode`` validates every input and refuses, in pt-BR naming the field, what a payer's app
would refuse; ``decode`` reads any BR Code (nested templates, unknown ids kept), checks the CRC
and reports each field with findings instead of failing, except when the TLV itself is broken.
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from engine.errors import Finding
from engine.pix.chave import TipoChave, normalizar_chave, tipo_da_chave
from engine.pix.errors import BRCodeError
from engine.pix.tlv import Campo, crc16, parse_tlv, tlv

__all__ = ["GUI_PIX", "BRCode", "PontoIniciacao", "decode", "encode", "normalizar_texto"]

GUI_PIX = "br.gov.bcb.pix"
_GUI_TLV = "0014" + GUI_PIX
# Manual de Padrões: Merchant Name up to 25 characters, Merchant City up to 15.
NOME_MAX = 25
CIDADE_MAX = 15
# EMV QRCPS-MPM: a whole payload fits in 512 characters.
PAYLOAD_MAX = 512
# Amount (ID 54): at most 13 characters, "." as the decimal separator.
VALOR_MAX_CHARS = 13
_TXID_ESTATICO = re.compile(r"[A-Za-z0-9]{1,25}")
# API Pix (bacen/pix-api, components/schemas/TxId): cob/cobv txid.
_TXID_DINAMICO = re.compile(r"[a-zA-Z0-9]{26,35}")
_VALOR = re.compile(r"\d{1,10}(?:\.\d{1,2})?")
_MCC = re.compile(r"\d{4}")
_CEP = re.compile(r"\d{8}")
_URL = re.compile(r"[!-~]+")  # printable ASCII, no blanks
_NO_TXID = "***"
_POI = frozenset({"11", "12"})
_CENTAVO = Decimal("0.01")
# "00".."99": the LEN of a data object, precomputed (formatting is a visible share of encode()).
_LEN = tuple(f"{i:02d}" for i in range(100))


class PontoIniciacao(StrEnum):
    """ID 01: "11" the QR may be paid many times; "12" it may be paid only once."""

    REUTILIZAVEL = "11"
    UNICO = "12"


@dataclass(frozen=True, slots=True)
class BRCode:
    """A BR Code with every field it carries (``decode``'s answer).

    ``txid`` is the 62-05 reference label as written (``***`` = no txid). ``valor`` is None when
    the payer types the amount. ``campos`` is the full TLV tree, ``outros`` the root ids this
    model has no attribute for (kept, never dropped). ``avisos`` lists what breaks the Manual
    de Padrões (severity "error") or is merely unusual (severity "note").
    """

    payload: str
    nome: str | None
    cidade: str | None
    chave: str | None = None
    tipo_chave: TipoChave | None = None
    url: str | None = None
    descricao: str | None = None
    valor: Decimal | None = None
    txid: str | None = None
    mcc: str | None = None
    moeda: str | None = None
    pais: str | None = None
    cep: str | None = None
    ponto_iniciacao: str | None = None
    formato: str | None = None
    gui: str | None = None
    url_rec: str | None = None
    crc: str = ""
    crc_calculado: str = ""
    campos: tuple[Campo, ...] = ()
    outros: tuple[Campo, ...] = ()
    avisos: tuple[Finding, ...] = field(default=())

    @property
    def crc_ok(self) -> bool:
        # The Manual asks for upper-case hex; a lower-case CRC of the right value is a note only.
        return self.crc.upper() == self.crc_calculado

    @property
    def dinamico(self) -> bool:
        return self.url is not None

    @property
    def valido(self) -> bool:
        return self.crc_ok and not any(a.severity == "error" for a in self.avisos)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready view (amount as a string with 2 places, as in the payload)."""
        return {
            "payload": self.payload,
            "crc": self.crc,
            "crc_calculado": self.crc_calculado,
            "crc_ok": self.crc_ok,
            "valido": self.valido,
            "tipo": "dinamico" if self.dinamico else "estatico",
            "formato": self.formato,
            "ponto_iniciacao": self.ponto_iniciacao,
            "gui": self.gui,
            "chave": self.chave,
            "tipo_chave": self.tipo_chave.value if self.tipo_chave else None,
            "descricao": self.descricao,
            "url": self.url,
            "mcc": self.mcc,
            "moeda": self.moeda,
            "valor": f"{self.valor:.2f}" if self.valor is not None else None,
            "pais": self.pais,
            "nome": self.nome,
            "cidade": self.cidade,
            "cep": self.cep,
            "txid": self.txid,
            "url_rec": self.url_rec,
            "outros": [c.as_dict() for c in self.outros],
            "campos": [c.as_dict() for c in self.campos],
            "avisos": [a.as_dict() for a in self.avisos],
        }


# --------------------------------------------------------------------------------------------
# Encoding


def normalizar_texto(valor: str, campo: str, maximo: int) -> str:
    """Name/city/description as the BR Code carries them: the EMV "ans" set (printable ASCII
    0x20-0x7E), accents stripped (``São Paulo`` -> ``Sao Paulo``), blanks collapsed, cut to
    ``maximo`` characters. Case is kept (the Manual's own example is ``Fulano de Tal``).
    Raises BRCodeError when nothing printable is left.
    """
    if valor.isascii() and valor.isprintable():
        # Fast path (the usual case): nothing to strip, only blanks to tidy and the length cut.
        if 0 < len(valor) <= maximo and "  " not in valor and valor[0] != " " and valor[-1] != " ":
            return valor
    else:
        decomposto = unicodedata.normalize("NFKD", valor)
        valor = "".join(c if " " <= c <= "~" else " " for c in decomposto if not unicodedata.combining(c))
    texto = " ".join(valor.split())[:maximo].rstrip()
    if not texto:
        raise BRCodeError(f"{campo} vazio: informe ao menos um caractere imprimível", campo=campo)
    return texto


def _url_sem_esquema(url: str, campo: str) -> str:
    # Manual de Padrões / API Pix: the location goes without "https://"; the payer's PSP adds it.
    u = url.strip()
    if u.lower().startswith("https://"):
        u = u[8:]
    if "://" in u:
        raise BRCodeError(
            f"{campo} {url!r}: a URL do BR Code vai sem esquema e o PSP a acessa por https://", campo=campo
        )
    if not u or not _URL.fullmatch(u):
        raise BRCodeError(f"{campo} {url!r} inválida: use só caracteres ASCII visíveis, sem espaços", campo=campo)
    return u


def _valor(valor: Decimal | int | str | None) -> str | None:
    if valor is None:
        return None
    if isinstance(valor, Decimal):
        d = valor
    elif isinstance(valor, float | bool):
        raise BRCodeError("valor deve ser Decimal, int ou texto (nunca float)", campo="valor")
    else:
        try:
            d = Decimal(str(valor).strip().replace(",", "."))
        except InvalidOperation:
            raise BRCodeError(f"valor {valor!r} não é um número", campo="valor") from None
    if not d.is_finite():
        raise BRCodeError(f"valor {valor!r} não é um número", campo="valor")
    try:
        centavos = d.quantize(_CENTAVO)
    except InvalidOperation:  # NaN, infinity, or more digits than the context holds
        raise BRCodeError(f"valor {valor!r} não é um valor monetário válido", campo="valor") from None
    if centavos != d:
        raise BRCodeError(f"valor {d} tem mais de 2 casas decimais (centavos)", campo="valor")
    if centavos <= 0:
        if centavos < 0:
            raise BRCodeError(f"valor {d} negativo", campo="valor")
        return None  # ID 54 absent: the payer types the amount
    # A Decimal quantised to 0.01 prints as plain "123.45" (never in exponent form at this scale).
    texto = str(centavos)
    if len(texto) > VALOR_MAX_CHARS:
        raise BRCodeError(f"valor {texto} excede {VALOR_MAX_CHARS} caracteres no campo 54", campo="valor")
    return texto


def encode(
    *,
    nome: str,
    cidade: str,
    chave: str | None = None,
    url: str | None = None,
    valor: Decimal | int | str | None = None,
    txid: str | None = None,
    descricao: str | None = None,
    mcc: str = "0000",
    cep: str | None = None,
    ponto_iniciacao: PontoIniciacao | str | None = None,
    url_rec: str | None = None,
    tipo_chave: TipoChave | None = None,
) -> str:
    """The BR Code payload (Pix Copia e Cola) with its CRC.

    Static QR: ``chave`` (+ optional ``descricao``, ``valor``, ``txid`` up to 25 alphanumerics).
    Dynamic QR: ``url`` = the location the PSP returned for the cob/cobv (no scheme); ID 01
    defaults to "12" (single use). ``url_rec`` adds the Pix Automático template (ID 80); with it
    alone, ID 26 carries just the GUI (the "QR composto" of the API Pix spec).
    Raises :class:`BRCodeError` naming the input field.
    """
    if chave is not None and url is not None:
        raise BRCodeError("informe a chave (QR estático) ou a URL (QR dinâmico), não as duas", campo="url")
    if chave is None and url is None and url_rec is None:
        raise BRCodeError("informe a chave Pix (QR estático) ou a URL do payload (QR dinâmico)", campo="chave")

    conta = _GUI_TLV
    if chave is not None:
        chave_norm, _ = normalizar_chave(chave, tipo_chave)
        conta += "01" + _LEN[len(chave_norm)] + chave_norm  # a key is at most 77 characters
        if descricao is not None and descricao.strip():
            desc = normalizar_texto(descricao, "descricao", 99)
            espaco = 99 - len(conta) - 4
            if len(desc) > espaco:
                raise BRCodeError(
                    f"descricao com {len(desc)} caracteres: com esta chave cabem no máximo {max(espaco, 0)} "
                    "(o campo 26 tem limite de 99)",
                    campo="descricao",
                )
            conta += tlv("02", desc)
    else:
        if descricao:
            raise BRCodeError(
                "descricao (infoAdicional 26-02) só existe no QR estático; no dinâmico ela vai na cobrança",
                campo="descricao",
            )
        if url is not None:
            conta += tlv("25", _url_sem_esquema(url, "url"))
    if len(conta) > 99:
        raise BRCodeError(
            f"conta Pix (campo 26) com {len(conta)} caracteres: o máximo é 99", campo="url" if url else "chave"
        )

    dinamico = url is not None
    if ponto_iniciacao is None:
        poi = "010212" if dinamico else ""
    elif ponto_iniciacao in _POI:
        poi = "0102" + str(ponto_iniciacao)
    else:
        raise BRCodeError(
            f"ponto_iniciacao {ponto_iniciacao!r} inválido: use 11 (reutilizável) ou 12 (uso único)",
            campo="ponto_iniciacao",
        )

    if txid is None or txid == _NO_TXID:
        ref = _NO_TXID
    elif dinamico:
        if not _TXID_DINAMICO.fullmatch(txid):
            raise BRCodeError(
                f"txid {txid!r} inválido para QR dinâmico: a API Pix exige 26 a 35 caracteres [a-zA-Z0-9]",
                campo="txid",
            )
        ref = txid
    else:
        if not _TXID_ESTATICO.fullmatch(txid):
            raise BRCodeError(
                f"txid {txid!r} inválido para QR estático: até 25 caracteres [A-Za-z0-9] (ou *** sem txid)",
                campo="txid",
            )
        ref = txid

    if mcc != "0000" and not _MCC.fullmatch(mcc):
        raise BRCodeError(f"mcc {mcc!r} inválido: 4 dígitos (ISO 18245; 0000 quando não informado)", campo="mcc")
    valor_txt = _valor(valor)
    nome_txt = normalizar_texto(nome, "nome", NOME_MAX)
    cidade_txt = normalizar_texto(cidade, "cidade", CIDADE_MAX)

    cep_tlv = ""
    if cep is not None:
        cep_txt = cep.replace("-", "").replace(".", "").strip()
        if not _CEP.fullmatch(cep_txt):
            raise BRCodeError(f"cep {cep!r} inválido: 8 dígitos", campo="cep")
        cep_tlv = "6108" + cep_txt
    rec_tlv = ""
    if url_rec is not None:
        rec = _GUI_TLV + tlv("25", _url_sem_esquema(url_rec, "url_rec"))
        if len(rec) > 99:
            raise BRCodeError(f"url_rec longa demais: o campo 80 teria {len(rec)} caracteres (máximo 99)",
                              campo="url_rec")  # fmt: skip
        rec_tlv = "80" + _LEN[len(rec)] + rec

    # Root order as in every published example: ascending ids, 00 first, 63 last.
    corpo = (
        "000201"
        + poi
        + "26" + _LEN[len(conta)] + conta
        + "5204" + mcc + "5303986"
        + ("54" + _LEN[len(valor_txt)] + valor_txt if valor_txt is not None else "")
        + "5802BR"
        + "59" + _LEN[len(nome_txt)] + nome_txt
        + "60" + _LEN[len(cidade_txt)] + cidade_txt
        + cep_tlv
        + "62" + _LEN[len(ref) + 4] + "05" + _LEN[len(ref)] + ref  # txid <= 35 characters
        + rec_tlv
        + "6304"
    )  # fmt: skip
    if len(corpo) + 4 > PAYLOAD_MAX:
        raise BRCodeError(f"BR Code com {len(corpo) + 4} caracteres: o máximo é {PAYLOAD_MAX}", campo="payload")
    # Everything above is ASCII (normalised texts, checked keys and URLs): bytes = characters.
    return corpo + f"{binascii.crc_hqx(corpo.encode(), 0xFFFF):04X}"


# --------------------------------------------------------------------------------------------
# Decoding

_OBRIGATORIOS = {
    "00": "Payload Format Indicator",
    "52": "Merchant Category Code",
    "53": "moeda",
    "58": "país",
    "59": "nome do recebedor",
    "60": "cidade",
    "62": "dados adicionais (txid)",
}
_CONHECIDOS = frozenset({"00", "01", "52", "53", "54", "58", "59", "60", "61", "62", "63"})


def _de_bytes(campo: Campo) -> Campo:
    valor = campo.valor.encode("latin-1").decode("utf-8", errors="replace")
    return Campo(campo.id, valor, campo.posicao, tuple(_de_bytes(f) for f in campo.filhos))


def decode(payload: str) -> BRCode:
    """Read a BR Code: every field, the CRC check and the findings.

    Raises :class:`BRCodeError` (with the 1-based position) only when the TLV structure is
    broken, the CRC field (63, 4 characters) is missing or not last, or ID 00 is not first;
    everything else is reported in ``avisos`` so that any BR Code can be inspected.
    """
    texto = payload.strip()
    if not texto:
        raise BRCodeError("BR Code vazio", posicao=1)
    em_bytes = False
    try:
        campos = parse_tlv(texto)
    except BRCodeError as exc:
        # Generators that allow accents disagree on LEN: characters (EMV's wording) or UTF-8
        # bytes. Read such a code too, by bytes, and say so in a note.
        if texto.isascii():
            raise
        try:
            campos = tuple(_de_bytes(c) for c in parse_tlv(texto.encode().decode("latin-1")))
        except BRCodeError:
            raise exc from None
        em_bytes = True
    if campos[0].id != "00":
        raise BRCodeError(
            f"o BR Code deve começar pelo campo 00 (Payload Format Indicator); começa por {campos[0].id}", posicao=1
        )
    ultimo = campos[-1]
    if ultimo.id != "63":
        pos_63 = next((c.posicao for c in campos if c.id == "63"), None)
        if pos_63 is None:
            raise BRCodeError("BR Code sem CRC: o campo 63 deve ser o último", campo="63", posicao=len(texto))
        raise BRCodeError(f"o CRC (campo 63) deve ser o último campo; está na posição {pos_63 + 1}",
                          campo="63", posicao=pos_63 + 1)  # fmt: skip
    if len(ultimo.valor) != 4:
        raise BRCodeError(
            f"CRC (campo 63) com {len(ultimo.valor)} caracteres; deve ter 4 dígitos hexadecimais",
            campo="63",
            posicao=ultimo.posicao + 1,
        )
    if em_bytes:
        crc_calc = f"{binascii.crc_hqx(texto.encode()[: ultimo.posicao + 4], 0xFFFF):04X}"
    else:
        crc_calc = crc16(texto[: ultimo.posicao + 4])

    avisos: list[Finding] = []

    def erro(code: str, campo: str, mensagem: str, severity: str = "error") -> None:
        avisos.append(Finding(code=code, mensagem=mensagem, path=campo, severity=severity))

    if em_bytes:
        mensagem = "tamanhos contados em bytes UTF-8 (há caracteres acentuados); posições em bytes"
        erro("PIX_TAMANHO_EM_BYTES", "", mensagem, "note")
    if len(texto) > PAYLOAD_MAX:
        erro("PIX_TAMANHO", "", f"BR Code com {len(texto)} caracteres: o máximo do EMV é {PAYLOAD_MAX}")
    if ultimo.valor.upper() != ultimo.valor:
        erro("PIX_CRC_MINUSCULO", "63", "CRC em minúsculas: o Manual pede 4 dígitos hexadecimais maiúsculos", "note")
    if ultimo.valor.upper() != crc_calc:
        erro("PIX_CRC", "63", f"CRC {ultimo.valor} não confere: o calculado é {crc_calc}")

    por_id: dict[str, Campo] = {}
    for c in campos:
        if c.id in por_id:
            erro("PIX_CAMPO_REPETIDO", c.id, f"campo {c.id} repetido (posição {c.posicao + 1})")
        else:
            por_id[c.id] = c
    for ident, nome_campo in _OBRIGATORIOS.items():
        if ident not in por_id:
            erro("PIX_CAMPO_AUSENTE", ident, f"campo obrigatório {ident} ({nome_campo}) ausente")

    def valor_de(ident: str) -> str | None:
        c = por_id.get(ident)
        return c.valor if c else None

    formato = valor_de("00")
    if formato is not None and formato != "01":
        erro("PIX_FORMATO", "00", f"Payload Format Indicator {formato!r}: deve ser 01")
    poi = valor_de("01")
    if poi is not None and poi not in ("11", "12"):
        erro("PIX_PONTO_INICIACAO", "01", f"Point of Initiation Method {poi!r}: deve ser 11 ou 12")

    # Pix account: the merchant-account template (26..51) whose GUI is br.gov.bcb.pix.
    conta: Campo | None = None
    for c in campos:
        if "26" <= c.id <= "51":
            gui_c = c.filho("00")
            if gui_c is not None and gui_c.valor.lower() == GUI_PIX:
                conta = c
                break
    gui = chave = url = descricao = None
    tipo: TipoChave | None = None
    if conta is None:
        erro("PIX_GUI_AUSENTE", "26", f"nenhuma conta Pix (campo 26 com GUI {GUI_PIX}): não é um BR Code Pix")
    else:
        if not conta.filhos:
            erro("PIX_CONTA_MALFORMADA", conta.id, f"campo {conta.id} não contém subcampos TLV válidos")
        gui_campo = conta.filho("00")
        gui = gui_campo.valor if gui_campo is not None else None
        if gui != GUI_PIX:
            erro("PIX_GUI_CAIXA", f"{conta.id}.00", f"GUI {gui!r}: o Manual grafa {GUI_PIX!r} (minúsculas)", "note")
        k, u, d = conta.filho("01"), conta.filho("25"), conta.filho("02")
        if k is not None:
            chave = k.valor
            tipo = tipo_da_chave(chave)
            if tipo is None:
                erro("PIX_CHAVE", f"{conta.id}.01", f"chave Pix {chave!r} não está no formato do DICT")
        if u is not None:
            url = u.valor
            if "://" in url:
                erro("PIX_URL_ESQUEMA", f"{conta.id}.25", "a URL do QR dinâmico vai sem esquema (https://)")
        if k is not None and u is not None:
            erro("PIX_CHAVE_E_URL", conta.id, "chave (01) e URL (25) juntas: o QR é estático ou dinâmico")
        if d is not None:
            descricao = d.valor
        if k is None and u is None and "80" not in por_id:
            erro("PIX_SEM_CHAVE", conta.id, "conta Pix sem chave (01) nem URL (25)")

    mcc = valor_de("52")
    if mcc is not None and not _MCC.fullmatch(mcc):
        erro("PIX_MCC", "52", f"MCC {mcc!r}: deve ter 4 dígitos")
    moeda = valor_de("53")
    if moeda is not None and moeda != "986":
        erro("PIX_MOEDA", "53", f"moeda {moeda!r}: o Pix usa 986 (real)")
    valor: Decimal | None = None
    valor_txt = valor_de("54")
    if valor_txt is not None:
        if _VALOR.fullmatch(valor_txt):
            valor = Decimal(valor_txt).quantize(Decimal("0.01"))
            if valor == 0:
                erro("PIX_VALOR_ZERO", "54", "valor 0: quando o pagador digita o valor, o campo 54 é omitido", "note")
        else:
            erro("PIX_VALOR", "54", f"valor {valor_txt!r}: use dígitos e ponto decimal, ex. 10.00")
    pais = valor_de("58")
    if pais is not None and pais != "BR":
        erro("PIX_PAIS", "58", f"país {pais!r}: deve ser BR")
    nome = valor_de("59")
    if nome is not None and not 1 <= len(nome) <= NOME_MAX:
        erro("PIX_NOME", "59", f"nome do recebedor com {len(nome)} caracteres: deve ter de 1 a {NOME_MAX}")
    cidade = valor_de("60")
    if cidade is not None and not 1 <= len(cidade) <= CIDADE_MAX:
        erro("PIX_CIDADE", "60", f"cidade com {len(cidade)} caracteres: deve ter de 1 a {CIDADE_MAX}")
    for ident, texto_campo in (("59", nome), ("60", cidade)):
        if texto_campo is not None and not (texto_campo.isascii() and texto_campo.isprintable()):
            erro("PIX_CARACTERES", ident, f"campo {ident} com caracteres fora do ASCII visível (acentos?)", "note")
    cep = valor_de("61")

    txid: str | None = None
    adicional = por_id.get("62")
    if adicional is not None:
        ref = adicional.filho("05")
        if ref is None:
            erro("PIX_TXID_AUSENTE", "62.05", "campo 62 sem o subcampo 05 (txid; *** quando não há)")
        else:
            txid = ref.valor
            if txid != _NO_TXID:
                padrao = _TXID_DINAMICO if url is not None else _TXID_ESTATICO
                if not padrao.fullmatch(txid):
                    regra = "26 a 35" if url is not None else "até 25"
                    erro("PIX_TXID", "62.05", f"txid {txid!r}: deve ter {regra} caracteres [A-Za-z0-9] ou ***")

    url_rec: str | None = None
    rec = por_id.get("80")
    if rec is not None:
        g = rec.filho("00")
        r = rec.filho("25")
        if g is not None and g.valor.lower() == GUI_PIX and r is not None:
            url_rec = r.valor

    outros = tuple(c for c in campos if c.id not in _CONHECIDOS and c is not conta)
    return BRCode(
        payload=texto,
        nome=nome,
        cidade=cidade,
        chave=chave,
        tipo_chave=tipo,
        url=url,
        descricao=descricao,
        valor=valor,
        txid=txid,
        mcc=mcc,
        moeda=moeda,
        pais=pais,
        cep=cep,
        ponto_iniciacao=poi,
        formato=formato,
        gui=gui,
        url_rec=url_rec,
        crc=ultimo.valor,
        crc_calculado=crc_calc,
        campos=campos,
        outros=outros,
        avisos=tuple(avisos),
    )
