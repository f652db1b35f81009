"""Runtime support of the generated NF-e model (``generated.py``).

Every generated class derives from :class:`XmlModel` and carries, as class variables, the XML
facts the renderer and the parser need, in the schema's order:

* ``__xml_fields__``: one :class:`XmlField` per element or attribute (choice branches and the
  members of optional sequences are flattened into the owner, in schema order; a repeated
  sequence becomes a :data:`GROUP` field whose class is rendered inline, without a wrapper);
* ``__xml_choices__``: the ``xs:choice`` groups flattened into the class; the generated
  ``_check_groups`` validator checks that exactly one branch is set (at most one when the choice
  may be empty);
* ``__xml_sequences__``: optional ``xs:sequence`` groups ("all or nothing" members).

The classes hold no behaviour besides that validation: rendering and parsing live in
``engine.nfe.xmlio``.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple, NoReturn

from pydantic import BaseModel, ConfigDict

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"

# Field kinds.
TEXT = "text"
"""Simple content kept as ``str`` (or a ``str`` Enum / Literal): the wire text verbatim."""
DECIMAL = "decimal"
"""``Decimal`` of a ``TDec_*`` type; ``places`` holds the scales the schema accepts."""
MODEL = "model"
"""A child element with complex content: a nested XmlModel."""
GROUP = "group"
"""A repeated ``xs:sequence``: items are XmlModels whose fields are rendered inline."""
RAW = "raw"
"""Opaque pass-through (``ds:Signature``, ``xs:any`` content): the element's exact bytes."""


class XmlField(NamedTuple):
    """How one Python field maps to the XML (generated; never edited by hand)."""

    name: str
    """Python attribute name (the XML name, with a trailing ``_`` on a keyword clash)."""
    xml: str
    """Local name of the element or attribute."""
    kind: str
    """One of TEXT, DECIMAL, MODEL, GROUP, RAW."""
    attribute: bool = False
    min_occurs: int = 1
    max_occurs: int = 1
    """``-1`` means unbounded."""
    model: type[XmlModel] | None = None
    """The class of MODEL and GROUP fields."""
    places: tuple[int, ...] | None = None
    """Decimal places a DECIMAL field may be written with, ascending (one for fixed types)."""
    namespace: str = NFE_NS


class XmlChoice(NamedTuple):
    """An ``xs:choice`` flattened into its owner: each branch lists the fields it sets."""

    branches: tuple[tuple[str, ...], ...]
    required: bool
    """True when exactly one branch must be present; False when the choice may be absent."""


class XmlSequence(NamedTuple):
    """An optional ``xs:sequence`` flattened into its owner: all-or-nothing."""

    members: tuple[str, ...]
    required: tuple[str, ...]
    """Members that must be present once any member is."""


def choice_error(model: XmlModel, index: int, present: int) -> NoReturn:
    """Raise the pt-BR error of choice ``index`` of ``model`` (``present`` branches were set)."""
    choice = model.__xml_choices__[index]
    names = " | ".join("+".join(b) for b in choice.branches if b)
    if present > 1:
        raise ValueError(f"escolha exclusiva no schema: informe apenas um entre {names}")
    raise ValueError(f"escolha obrigatória no schema: informe um entre {names}")


def sequence_error(model: XmlModel, index: int) -> NoReturn:
    """Raise the pt-BR error of optional sequence ``index`` of ``model`` (set partly)."""
    seq = model.__xml_sequences__[index]
    values = model.__dict__
    missing = [f for f in seq.required if values[f] is None or values[f] == []]
    raise ValueError(
        f"grupo {'+'.join(seq.members)}: ao informar parte do grupo, informe também {', '.join(missing)}"
    )


class XmlModel(BaseModel):
    """Base of every generated class: fields named like the XML, strict on unknown keys."""

    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        regex_engine="rust-regex",
        # ~260 classes: building their validators at import would cost every CLI command ~0.3 s,
        # also those that never touch the model; each class builds on first use instead.
        defer_build=True,
    )

    __xml_name__: ClassVar[str] = ""
    """Element name of the class where it is fixed (root documents); empty otherwise."""
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = ()
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = ()
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = ()


class ConstrainedXmlModel(XmlModel):
    """An XmlModel with choices or optional sequences, checked by a generated ``_check_groups``
    validator (straight-line code per class; see codegen._checker)."""


__all__ = [
    "DECIMAL",
    "DSIG_NS",
    "GROUP",
    "MODEL",
    "NFE_NS",
    "RAW",
    "TEXT",
    "ConstrainedXmlModel",
    "XmlChoice",
    "XmlField",
    "XmlModel",
    "XmlSequence",
    "choice_error",
    "sequence_error",
]
