"""Render the typed NF-e model to XML and parse XML back into it; JSON for the CLI.

Rendering follows the generated class metadata (``__xml_fields__``): exact schema order, UTF-8,
no whitespace between tags (whitespace text would be rejected with cStat 588), no empty tags and
no empty optional groups, and decimals with the places of their ``TDec_*`` type (fixed types are
always quantized: ``Decimal("10")`` in a ``TDec_1302`` field renders ``10.00``; variable types keep
the scale they were given, clamped to the allowed range). ``ds:Signature`` and ``xs:any`` content
are opaque bytes, re-inserted exactly as parsed.

Speed: a plan per class (tuples of precomputed tags and converters) is built once and cached on
the class itself (``__xml_plan__``); rendering is a loop over that plan with lxml's C-level
``SubElement``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NamedTuple, TypeVar, cast

from lxml import etree
from pydantic import ValidationError

from engine.errors import XmlError
from engine.nfe.model.base import DECIMAL, DSIG_NS, GROUP, MODEL, NFE_NS, RAW, TEXT, XmlModel
from engine.nfe.model.generated import ROOTS
from engine.nfe.model.messages import describe
from engine.xml.parser import parse_xml

M = TypeVar("M", bound=XmlModel)

_SubElement = etree.SubElement
# The NF-e namespace as the default namespace of the root (lxml-stubs types nsmap keys as str only).
_NSMAP = cast(Mapping[str, str], {None: NFE_NS})


# Render opcodes, precomputed per field so the hot loop does no metadata lookups.
_OP_TEXT, _OP_TEXTS, _OP_DEC, _OP_DECS, _OP_MODEL, _OP_MODELS, _OP_GROUP, _OP_RAW = range(8)


class _Step(NamedTuple):
    name: str
    tag: str  # Clark notation, or the plain attribute name
    kind: str
    op: int
    many: bool
    model: type[XmlModel] | None
    convert: Callable[[Any], str] | None


class _Leaf:
    """Layout entry of a leaf element (text content only): opened and closed at once. One object per field,
    compared by identity, so a leaf never equals an opening tag, a close or an attribute list in a layout key
    (and takes one entry instead of two)."""

    __slots__ = ("tag",)

    def __init__(self, tag: str) -> None:
        self.tag = tag


_RenderStep = tuple[str, str, int, Callable[[Any], str] | None, _Leaf]  # name, tag, opcode, converter, leaf


class _Plan(NamedTuple):
    attributes: tuple[_Step, ...]
    elements: tuple[_Step, ...]
    render_attributes: tuple[_RenderStep, ...]
    render_elements: tuple[_RenderStep, ...]
    parse_elements: Mapping[str, tuple[str, int, type[XmlModel] | None, bool]]  # tag -> name, op, class, many
    by_tag: Mapping[str, _Step]
    by_attr: Mapping[str, _Step]
    groups: Mapping[str, _Step]  # child tag -> GROUP step it belongs to
    defaulted: frozenset[str]  # fields rendered even when not set explicitly (Literal codes, versao)
    # Render steps per "shape" (the set of fields a model instance was given): a 50-item NF-e has
    # ~800 model instances of a few shapes, and the layout's classes have dozens of optional fields
    # (ICMS00..ICMSSN900 flattened, IBS/CBS groups) of which a few are set. Bounded; filled lazily.
    shapes: dict[frozenset[str], tuple[_RenderStep, ...]]
    # Element skeletons of documents rendered with this class as root, by their layout (see _Layout).
    # Bounded; filled lazily; a skeleton is never modified once stored (only deep-copied).
    skeletons: dict[tuple[object, ...], etree._Element]


_MAX_SHAPES = 256
_MAX_SKELETONS = 256


def _decimal_converter(places: tuple[int, ...]) -> Callable[[Any], str]:
    quanta = {p: Decimal(1).scaleb(-p) for p in places}
    if len(places) == 1:
        q = quanta[places[0]]

        def fixed(value: Decimal) -> str:
            # Fixed TDec types always carry their places: Decimal("10") -> "10.00" (TDec_1302).
            text = str(value.quantize(q, ROUND_HALF_EVEN))
            if "E" in text:
                text = format(Decimal(text), "f")
            return text[1:] if text[0] == "-" and not value else text  # Decimal("-0") -> "0.00"

        return fixed
    allowed = frozenset(places)
    largest = places[-1]

    def variable(value: Decimal) -> str:
        # Keep the scale the value was given when the schema accepts it (exact round trip);
        # otherwise pad to the next accepted scale, or round to the largest one. The scale is read
        # from str() (needed anyway) rather than as_tuple(), which allocates a named tuple.
        text = str(value)
        if "E" in text:
            text = format(value, "f")
        if text[0] == "-" and not value:
            text = text[1:]
        dot = text.find(".")
        scale = 0 if dot < 0 else len(text) - dot - 1
        if scale in allowed:
            return text
        target = next((p for p in places if p >= scale), largest)
        return format(value.quantize(quanta[target], ROUND_HALF_EVEN), "f")

    return variable


def _opcode(kind: str, many: bool) -> int:
    if kind == TEXT:
        return _OP_TEXTS if many else _OP_TEXT
    if kind == DECIMAL:
        return _OP_DECS if many else _OP_DEC
    if kind == MODEL:
        return _OP_MODELS if many else _OP_MODEL
    if kind == GROUP:
        return _OP_GROUP
    return _OP_RAW


def _plan(cls: type[XmlModel]) -> _Plan:
    """The render/parse plan of ``cls`` and, recursively, of its children (built once, cached)."""
    cached = cls.__dict__.get("__xml_plan__")
    if cached is not None:
        return cast(_Plan, cached)
    attributes: list[_Step] = []
    elements: list[_Step] = []
    groups: dict[str, _Step] = {}
    for f in cls.__xml_fields__:
        convert = _decimal_converter(f.places) if f.kind == DECIMAL and f.places else None
        tag = f.xml if f.attribute else f"{{{f.namespace}}}{f.xml}"
        many = f.max_occurs != 1
        step = _Step(f.name, tag, f.kind, _opcode(f.kind, many), many, f.model, convert)
        (attributes if f.attribute else elements).append(step)
        if f.kind == GROUP and f.model is not None:
            for member in f.model.__xml_fields__:
                groups[f"{{{member.namespace}}}{member.xml}"] = step
    plan = _Plan(
        tuple(attributes),
        tuple(elements),
        tuple((st.name, st.tag, st.op, st.convert, _Leaf(st.tag)) for st in attributes),
        tuple((st.name, st.tag, st.op, st.convert, _Leaf(st.tag)) for st in elements),
        {st.tag: (st.name, st.op, st.model, st.many) for st in elements},
        {s.tag: s for s in elements},
        {s.tag: s for s in attributes},
        groups,
        frozenset(
            name
            for name, info in cls.model_fields.items()
            if info.default_factory is not None or (info.default is not None and not info.is_required())
        ),
        {},
        {},
    )
    # Cached on the class itself: no module-level registry (the plan is immutable but for its bounded
    # cache of render steps per shape).
    type.__setattr__(cls, "__xml_plan__", plan)
    for f in cls.__xml_fields__:
        if f.model is not None:
            _plan(f.model)
    return plan


# --------------------------------------------------------------------------------------------------
# Render


def _steps(obj: XmlModel, plan: _Plan) -> tuple[_RenderStep, ...]:
    """The element steps that can write something for ``obj``: the fields it was given (pydantic's
    fields_set, which assignments update too) and the defaulted ones, in schema order."""
    shape = frozenset(obj.__pydantic_fields_set__)
    steps = plan.shapes.get(shape)
    if steps is None:
        steps = tuple(s for s in plan.render_elements if s[0] in shape or s[0] in plan.defaulted)
        if len(plan.shapes) < _MAX_SHAPES:
            plan.shapes[shape] = steps
    return steps


def _fill(el: etree._Element, obj: XmlModel, plan: _Plan) -> bool:
    """Write ``obj`` into ``el``; returns whether anything was written (an attribute or a child)."""
    # The hot loop of rendering: plain tuples unpacked, no attribute lookups besides the values.
    values = obj.__dict__
    sub = _SubElement
    wrote = False
    for name, tag, _op, convert, _leaf in plan.render_attributes:
        value = values[name]
        if value is not None:
            el.set(tag, convert(value) if convert is not None else value)
            wrote = True
    for name, tag, op, convert, _leaf in _steps(obj, plan):
        value = values[name]
        if value is None:
            continue
        # TEXT values are str, StrEnum or Literal str: lxml takes them as they are. An empty
        # string only passes validation where the schema accepts an empty element (cEAN).
        if op == _OP_TEXT:
            sub(el, tag).text = value
        elif op == _OP_DEC:
            sub(el, tag).text = convert(value)  # type: ignore[misc]
        elif op == _OP_MODEL:
            child = sub(el, tag)
            if not _fill(child, value, value.__xml_plan__):
                el.remove(child)  # never an empty optional group
                continue
        elif op == _OP_MODELS:
            if not value:
                continue
            for item in value:
                child = sub(el, tag)
                if not _fill(child, item, item.__xml_plan__):
                    el.remove(child)
        elif op == _OP_TEXTS:
            if not value:
                continue
            for item in value:
                sub(el, tag).text = item
        elif op == _OP_DECS:
            if not value:
                continue
            for item in value:
                sub(el, tag).text = convert(item)  # type: ignore[misc]
        elif op == _OP_GROUP:
            if not value:
                continue
            for item in value:
                _fill(el, item, item.__xml_plan__)
        else:  # RAW: the exact bytes kept at parse time (ds:Signature, xs:any)
            for item in value if isinstance(value, list) else (value,):
                el.append(parse_xml(item))
        wrote = True
    return wrote


class _RawContent(Exception):
    """A RAW value (ds:Signature, xs:any bytes) in the model: such a document is rendered by ``_fill``."""


_CLOSE = "/"  # layout entry closing an element without attributes


def _layout(obj: XmlModel, plan: _Plan, layout: list[object], cells: list[Any], cell: list[tuple[str, str]]) -> bool:
    """``_fill`` without lxml: the same walk over the same steps with the same decisions, recording instead of
    building. ``layout`` gets the structure (an element's tag when it opens, ``_CLOSE`` or its attribute names
    when it closes, a leaf as its ``_Leaf``), ``cells`` one entry per element in document order (the text of a
    leaf; the attribute list of any other element), ``cell`` is the attribute list of the element being
    filled. Returns what ``_fill`` returns; raises ``_RawContent`` where ``_fill`` would parse bytes."""
    values = obj.__dict__
    wrote = False
    for name, tag, _op, convert, _leaf in plan.render_attributes:
        value = values[name]
        if value is not None:
            cell.append((tag, convert(value) if convert is not None else value))
            wrote = True
    for name, tag, op, convert, leaf in _steps(obj, plan):
        value = values[name]
        if value is None:
            continue
        if op == _OP_TEXT:
            layout.append(leaf)
            cells.append(value)
        elif op == _OP_DEC:
            layout.append(leaf)
            cells.append(convert(value))  # type: ignore[misc]
        elif op == _OP_MODEL:
            if not _layout_child(tag, value, layout, cells):
                continue  # never an empty optional group
        elif op == _OP_MODELS:
            if not value:
                continue
            for item in value:
                _layout_child(tag, item, layout, cells)
        elif op == _OP_TEXTS:
            if not value:
                continue
            for item in value:
                layout.append(leaf)
                cells.append(item)
        elif op == _OP_DECS:
            if not value:
                continue
            for item in value:
                layout.append(leaf)
                cells.append(convert(item))  # type: ignore[misc]
        elif op == _OP_GROUP:
            if not value:
                continue
            for item in value:
                _layout(item, item.__xml_plan__, layout, cells, cell)
        else:
            raise _RawContent
        wrote = True
    return wrote


def _layout_child(tag: str, obj: Any, layout: list[object], cells: list[Any]) -> bool:
    """An element ``tag`` filled with ``obj``; taken back out when nothing was written, as ``_fill``'s
    caller removes it."""
    mark, first = len(layout), len(cells)
    attributes: list[tuple[str, str]] = []
    layout.append(tag)
    cells.append(attributes)
    if not _layout(obj, obj.__xml_plan__, layout, cells, attributes):
        del layout[mark:], cells[first:]
        return False
    layout.append(tuple(name for name, _ in attributes) if attributes else _CLOSE)
    return True


def render(model: XmlModel, tag: str | None = None) -> etree._Element:
    """The lxml element of ``model``; ``tag`` names the root (defaults to the class's root name).

    Creating ~150 elements one by one through lxml's API is most of the cost of rendering an NFC-e, so a
    document is first laid out (``_layout``: its structure and, in document order, the text of each leaf
    and the attributes of each other element); the element skeleton of that structure is kept per root
    class (built from the layout alone the first time it is seen), deep-copied in C and filled with this
    document's texts and attributes. Only the structure is reused, never a value; documents with RAW content
    (signed documents parsed back) are rendered by ``_fill`` directly."""
    cls = type(model)
    name = tag or cls.__xml_name__
    if not name:
        raise XmlError(f"{cls.__name__} não é um documento raiz: informe o nome do elemento", code="XML_RAIZ")
    plan = _plan(cls)
    root_tag = f"{{{NFE_NS}}}{name}"
    layout: list[object] = [root_tag]
    attributes: list[tuple[str, str]] = []
    cells: list[Any] = [attributes]
    try:
        _layout(model, plan, layout, cells, attributes)
    except _RawContent:
        return _render_by_elements(root_tag, model, plan)
    layout.append(tuple(n for n, _ in attributes) if attributes else _CLOSE)
    key = tuple(layout)
    skeleton = plan.skeletons.get(key)
    if skeleton is None:
        skeleton = _skeleton(key)
        root = copy.deepcopy(skeleton) if _keep_skeleton(plan, key, skeleton) else skeleton
    else:
        root = _copy_tree(skeleton)
    # strict: a layout that does not match its skeleton element for element is a bug, never a silent shift.
    for el, cell in zip(root.iter(), cells, strict=True):
        if type(cell) is list:
            for attr, value in cell:
                el.set(attr, value)
        else:
            el.text = cell
    return root


def _copy_tree(el: etree._Element) -> etree._Element:
    """``copy.deepcopy(el)`` without copy.deepcopy's dispatch (~1 us): lxml's ``_Element.__copy__`` copies the
    whole subtree in C (its ``__deepcopy__`` calls it); lxml-stubs do not declare it."""
    return cast(etree._Element, el.__copy__())  # type: ignore[attr-defined]


def _render_by_elements(root_tag: str, model: XmlModel, plan: _Plan) -> etree._Element:
    root = etree.Element(root_tag, nsmap=_NSMAP)
    _fill(root, model, plan)
    return root


def _skeleton(layout: tuple[object, ...]) -> etree._Element:
    """The elements of ``layout`` (see ``_layout``), created as ``_fill`` creates them, without texts or
    attributes: a pure function of the layout."""
    root = etree.Element(cast(str, layout[0]), nsmap=_NSMAP)
    open_elements = [root]
    sub = _SubElement
    for entry in layout[1:]:
        if type(entry) is _Leaf:  # a leaf: opens and closes
            sub(open_elements[-1], entry.tag)
        elif type(entry) is str and entry != _CLOSE:  # a tag (Clark notation): an element opens
            open_elements.append(sub(open_elements[-1], entry))
        else:  # _CLOSE or the attribute names of the element that closes
            open_elements.pop()
    return root


def _keep_skeleton(plan: _Plan, key: tuple[object, ...], skeleton: etree._Element) -> bool:
    """Keep ``skeleton`` (never modified afterwards: only deep-copied) for documents of layout ``key``."""
    skeletons = plan.skeletons
    # Bounded and never evicted (as ``shapes``): the render threads share this dict, and evicting means
    # iterating it while another thread may insert ("dictionary changed size during iteration"). A layout
    # met after the bound is rendered from a fresh skeleton each time, as the first sighting is.
    if len(skeletons) >= _MAX_SKELETONS:
        return False
    skeletons[key] = skeleton
    return True


def render_bytes(model: XmlModel, *, xml_declaration: bool = False, tag: str | None = None) -> bytes:
    """UTF-8 bytes of ``model`` without any whitespace between tags (cStat 588)."""
    return etree.tostring(render(model, tag), encoding="UTF-8", xml_declaration=xml_declaration)


# --------------------------------------------------------------------------------------------------
# Parse


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _collect(el: etree._Element, plan: _Plan, path: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for raw_key, raw_value in el.attrib.items():
        key = str(raw_key)
        attr = plan.by_attr.get(key)
        if attr is None:
            if key.startswith("{http://www.w3.org/2001/XMLSchema-instance}"):
                continue
            raise XmlError(f"{path}: atributo '{key}' não existe no leiaute", code="XML_ATRIBUTO")
        data[attr.name] = str(raw_value)
    group_step: _Step | None = None
    group_item: dict[str, Any] | None = None
    parse_map = plan.parse_elements
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions carry no data
        entry = parse_map.get(tag)
        if entry is None:
            gstep = plan.groups.get(tag)
            if gstep is None or gstep.model is None:
                raise XmlError(f"{path}: elemento '{_local(tag)}' não existe no leiaute", code="XML_ELEMENTO")
            member = _plan(gstep.model).by_tag[tag]
            if group_step is not gstep or group_item is None or member.name in group_item:
                group_item = {}
                group_step = gstep
                data.setdefault(gstep.name, []).append(group_item)
            group_item[member.name] = child.text if member.kind != RAW else etree.tostring(child, with_tail=False)
            continue
        name, op, cls, many = entry
        if op == _OP_TEXT or op == _OP_DEC:
            if name in data:
                raise XmlError(f"{path}: elemento '{_local(tag)}' repetido", code="XML_ELEMENTO")
            text = child.text
            data[name] = text if text is not None else ""
        elif op == _OP_MODEL or op == _OP_MODELS:
            value = _collect(child, cls.__xml_plan__, path + "/" + _local(tag))  # type: ignore[union-attr]
            if op == _OP_MODELS:
                data.setdefault(name, []).append(value)
            elif name in data:
                raise XmlError(f"{path}: elemento '{_local(tag)}' repetido", code="XML_ELEMENTO")
            else:
                data[name] = value
        elif op == _OP_TEXTS or op == _OP_DECS:
            text = child.text
            data.setdefault(name, []).append(text if text is not None else "")
        else:  # RAW: exact bytes of the element, never re-serialised differently
            raw = etree.tostring(child, with_tail=False)
            if many:
                data.setdefault(name, []).append(raw)
            else:
                data[name] = raw
    return data


def root_class(name: str) -> type[XmlModel]:
    """The model class of the root element ``name`` (NFe, nfeProc, enviNFe...)."""
    try:
        return ROOTS[name]
    except KeyError:
        known = ", ".join(sorted(ROOTS))
        raise XmlError(f"documento '{name}' não é suportado (conhecidos: {known})", code="XML_RAIZ") from None


def parse(source: etree._Element | bytes | str, cls: type[M] | None = None) -> XmlModel:
    """Parse an NF-e family document (bytes go through the hardened ``parse_xml``) into its model.

    Raises ``XmlError`` for an unknown root or element, or a value the schema types refuse.
    """
    root = parse_xml(source) if isinstance(source, bytes | str) else source
    tag = root.tag if isinstance(root.tag, str) else ""
    if not tag.startswith(f"{{{NFE_NS}}}"):
        raise XmlError(f"elemento raiz '{_local(tag)}' não pertence ao namespace da NF-e ({NFE_NS})", code="XML_RAIZ")
    target: type[XmlModel] = cls if cls is not None else root_class(_local(tag))
    data = _collect(root, _plan(target), _local(tag))
    try:
        return target.model_validate(data)
    except ValidationError as exc:
        raise XmlError(describe(exc, _local(tag)), code="MODELO_INVALIDO") from exc


# --------------------------------------------------------------------------------------------------
# JSON


def _prune(value: Any) -> Any:
    """Drop absent groups (None) and empty lists, recursively: the JSON shows what the XML has."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def to_json(model: XmlModel, *, indent: int | None = 2) -> str:
    """JSON of the full model: ``{"<root element>": {...}}`` with the XML names, Decimals as strings
    (exactly as rendered scale), codes as their wire strings, Signature as its XML text."""
    name = type(model).__xml_name__
    body = _prune(model.model_dump(mode="json", by_alias=True))
    return json.dumps({name: body}, ensure_ascii=False, indent=indent)


def from_json(data: str | bytes | Mapping[str, Any]) -> XmlModel:
    """The model of a ``to_json`` document (one key: the root element name)."""
    try:
        obj = json.loads(data) if isinstance(data, str | bytes) else data
    except json.JSONDecodeError as exc:
        raise XmlError(f"JSON inválido: {exc.msg} (linha {exc.lineno})", code="JSON_INVALIDO") from exc
    except ValueError as exc:  # bytes that are not UTF-8/16/32
        raise XmlError(f"JSON inválido: {exc}", code="JSON_INVALIDO") from exc
    if not isinstance(obj, Mapping) or len(obj) != 1:
        raise XmlError("JSON deve ter uma única chave: o nome do documento (ex.: NFe, nfeProc)", code="JSON_INVALIDO")
    ((name, body),) = obj.items()
    cls = root_class(str(name))
    try:
        return cls.model_validate(body)
    except ValidationError as exc:
        raise XmlError(describe(exc, str(name)), code="MODELO_INVALIDO") from exc


__all__ = ["DSIG_NS", "NFE_NS", "from_json", "parse", "render", "render_bytes", "root_class", "to_json"]
