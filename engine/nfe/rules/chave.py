"""Chave de acesso x ide/emit (MOC 7.0 regras A03/B23): the Id must be "NFe" + the key composed of
the document's own fields, with a correct DV and a strong cNF.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.documentos import normalizar
from engine.errors import ChaveError, Finding
from engine.nfe.chave import cnf_permitido, dv_chave
from engine.nfe.rules._doc import Doc, find, finding, text

# Key slice per field, with the cStat SEFAZ answers when that part of the Id differs from the
# field: 561 for AAMM and 562 for cNF have their own texts, the others are 502 (Id is not the
# concatenation of the fields).
_SLICES: tuple[tuple[str, slice, str], ...] = (
    ("cUF", slice(0, 2), "502"),
    ("AAMM", slice(2, 6), "561"),
    ("CNPJ/CPF", slice(6, 20), "502"),
    ("mod", slice(20, 22), "502"),
    ("serie", slice(22, 25), "502"),
    ("nNF", slice(25, 34), "502"),
    ("tpEmis", slice(34, 35), "502"),
    ("cNF", slice(35, 43), "562"),
    ("cDV", slice(43, 44), "502"),
)


def _emit_doc(doc: Doc) -> tuple[str | None, str]:
    """(14-char key field, tag) of the emitter: CNPJ, or "000" + CPF."""
    cnpj = text(doc.emit, "CNPJ")
    if cnpj is not None:
        return normalizar(cnpj), "CNPJ"
    cpf = text(doc.emit, "CPF")
    if cpf is not None:
        return "000" + normalizar(cpf), "CPF"
    return None, "CNPJ"


def rule_chave(doc: Doc) -> Iterator[Finding]:
    inf, ide = doc.inf, doc.ide
    if ide is None:
        return
    ident = (inf.get("Id") or "").strip()
    if not ident.startswith("NFe"):
        yield finding(
            "NFE_ID_LITERAL",
            f"atributo Id de infNFe deve começar com a literal 'NFe' seguida da chave (recebido {ident!r})",
            inf,
            "227",
        )
    emit_key, emit_tag = _emit_doc(doc)
    dh = text(ide, "dhEmi") or ""
    aamm = dh[2:4] + dh[5:7] if len(dh) >= 7 else ""
    serie, nnf = text(ide, "serie") or "", text(ide, "nNF") or ""
    parts = {
        "cUF": (text(ide, "cUF") or "", find(ide, "cUF")),
        "AAMM": (aamm, find(ide, "dhEmi")),
        "CNPJ/CPF": (emit_key or "", find(doc.emit, emit_tag)),
        "mod": (text(ide, "mod") or "", find(ide, "mod")),
        "serie": (serie.zfill(3) if serie.isdigit() else serie, find(ide, "serie")),
        "nNF": (nnf.zfill(9) if nnf.isdigit() else nnf, find(ide, "nNF")),
        "tpEmis": (text(ide, "tpEmis") or "", find(ide, "tpEmis")),
        "cNF": (text(ide, "cNF") or "", find(ide, "cNF")),
        "cDV": (text(ide, "cDV") or "", find(ide, "cDV")),
    }
    composta = "".join(parts[name][0] for name, _, _ in _SLICES)
    if len(composta) != 44:
        return  # a field is missing or malformed: the schema finding names it
    cnf_el = parts["cNF"][1]
    if not cnf_permitido(parts["cNF"][0], nnf if nnf.isdigit() else "0"):
        yield finding(
            "NFE_CNF_FRACO",
            f"código numérico cNF {parts['cNF'][0]} inválido: não pode ser igual ao nNF nem sequência repetida "
            "ou crescente (NT 2019.001, regra B03-10)",
            cnf_el,
            "897",
        )
    try:
        dv = dv_chave(composta[:43])
    except ChaveError:  # characters outside [0-9A-Z]: the schema names the field
        return
    if dv != parts["cDV"][0]:
        yield finding(
            "NFE_CHAVE_DV",
            f"dígito verificador cDV {parts['cDV'][0]} inválido: o calculado para a chave {composta[:43]} é {dv}",
            parts["cDV"][1],
            "253",
        )
    chave_id = ident[3:] if ident.startswith("NFe") else ident
    if len(chave_id) != 44:
        return
    for name, sl, cstat in _SLICES:
        informado, esperado = chave_id[sl], composta[sl]
        if informado != esperado:
            yield finding(
                "NFE_CHAVE_CAMPO",
                f"chave do Id (infNFe/@Id) traz {name} {informado}, mas o documento informa {esperado}",
                parts[name][1],
                cstat,
                fallback=inf,
            )
