"""Generate ``engine/nfe/model/generated.py`` from the official NF-e 4.00 XSDs.

Run ``.venv/bin/python -m engine.nfe.model.codegen`` after replacing schemas/xsd/nfe_v4.00 with a
new schema package (PL); ``--check`` exits 1 when the committed file differs from what the XSDs
produce (the unit test does the same). ``--out FILE`` writes elsewhere.

What the generator understands (everything the NF-e 4.00 layout files use): named and anonymous
simple types restricting ``xs:string`` (pattern, length, minLength, maxLength, enumeration),
complex types with ``xs:sequence`` / ``xs:choice`` at any depth and any occurrence, attributes,
``ds:Signature`` references and ``xs:any`` (both kept as opaque bytes). The ``TDec_*`` types are
strings with patterns in the XSD; they become ``Decimal`` with their places taken from the type
name (``TDec_1302`` = 13 integer digits, 2 places fixed; a ``v`` marks variable places;
``a04``/``_04`` gives the maximum of a range). ``places`` records the scales the renderer may
write: a fixed type has one (always quantized); a variable or ranged type lists every scale the
pattern accepts, including 0 when an integer is allowed (``TDec_0302a04``: 0, 2, 3 or 4).

Several layout files define a type of the same name differently (``TProtNFe``, ``TVerNFe``); the
first definition met keeps the name, later different ones get a suffix naming their file.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from engine.xml.parser import parse_xml_file
from schemas import XSD_DIR

XS = "http://www.w3.org/2001/XMLSchema"
NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
PACKAGE_DIR = XSD_DIR / "nfe_v4.00"
OUTPUT = Path(__file__).resolve().parent / "generated.py"

# Root messages (element name, schema file). The order fixes which definition keeps a shared name.
ROOT_FILES: tuple[str, ...] = (
    "nfe_v4.00.xsd",
    "procNFe_v4.00.xsd",
    "enviNFe_v4.00.xsd",
    "retEnviNFe_v4.00.xsd",
    "consReciNFe_v4.00.xsd",
    "retConsReciNFe_v4.00.xsd",
    "consSitNFe_v4.00.xsd",
    "retConsSitNFe_v4.00.xsd",
    "consStatServ_v4.00.xsd",
    "retConsStatServ_v4.00.xsd",
    "inutNFe_v4.00.xsd",
    "retInutNFe_v4.00.xsd",
    "procInutNFe_v4.00.xsd",
)

# Names a field cannot take as is: Python keywords and pydantic's BaseModel namespace.
_RESERVED = set(keyword.kwlist) | {
    "copy", "dict", "json", "schema", "construct", "validate", "fields", "model_config", "model_fields",
}
_DEC_NAME = re.compile(r"^TDec_?(\d\d)(v)?(\d\d)(v)?(?:a|_)?(\d\d)?")


def _q(tag: str) -> str:
    return f"{{{XS}}}{tag}"


def _local(name: str) -> str:
    return name.split(":", 1)[-1]


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def _doc(node: etree._Element) -> str:
    doc = node.find(f"{_q('annotation')}/{_q('documentation')}")
    if doc is None or not doc.text:
        return ""
    text = " ".join(doc.text.split())
    return text[:160] + ("..." if len(text) > 160 else "")


def _occurs(node: etree._Element) -> tuple[int, int]:
    mn = int(node.get("minOccurs", "1"))
    mx_s = node.get("maxOccurs", "1")
    return mn, (-1 if mx_s == "unbounded" else int(mx_s))


# --------------------------------------------------------------------------------------------------
# Intermediate representation


@dataclass
class SimpleType:
    kind: str  # "str" | "decimal" | "enum" | "literal"
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    values: tuple[str, ...] = ()
    places: tuple[int, ...] | None = None
    digits: int = 0
    alias: str | None = None  # module-level alias / enum name when it has one
    owner_hint: str = ""  # element name, for naming anonymous enums


@dataclass
class Leaf:
    name: str  # python name
    xml: str
    kind: str  # text | decimal | model | group | raw
    attribute: bool
    min_occurs: int
    max_occurs: int
    optional: bool  # None allowed (min 0 or inside an optional construct)
    simple: SimpleType | None = None
    cls: ClassDef | None = None
    namespace: str = NFE_NS


@dataclass
class ClassDef:
    path: tuple[str, ...]
    doc: str = ""
    fields: list[Leaf] = field(default_factory=list)
    choices: list[tuple[tuple[tuple[str, ...], ...], bool]] = field(default_factory=list)
    sequences: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    named: bool = False
    name: str = ""
    root_name: str = ""
    is_group: bool = False


# --------------------------------------------------------------------------------------------------
# Schema loading


class SchemaSet:
    """Types visible from one root schema file (its includes, recursively)."""

    def __init__(self, root_file: str) -> None:
        self.simple: dict[str, etree._Element] = {}
        self.complex: dict[str, etree._Element] = {}
        self.origin: dict[str, str] = {}
        self.elements: dict[str, str] = {}
        self._seen: set[str] = set()
        self._load(root_file, top=True)

    def _load(self, name: str, *, top: bool = False) -> None:
        if name in self._seen:
            return
        self._seen.add(name)
        root = parse_xml_file(PACKAGE_DIR / name)
        if root.get("targetNamespace", NFE_NS) != NFE_NS:
            return  # xmldsig: ds:Signature is opaque (DFeTiposBasicos is a chameleon include)
        for child in root:
            if not isinstance(child.tag, str):
                continue
            if child.tag == _q("include"):
                self._load(child.get("schemaLocation", ""))
            elif child.tag == _q("simpleType"):
                self.simple[child.get("name", "")] = child
                self.origin[child.get("name", "")] = name
            elif child.tag == _q("complexType"):
                self.complex[child.get("name", "")] = child
                self.origin[child.get("name", "")] = name
            elif child.tag == _q("element") and top:
                self.elements[child.get("name", "")] = _local(child.get("type", ""))


def _canonical(node: etree._Element) -> bytes:
    clone = etree.fromstring(etree.tostring(node))
    for ann in clone.iter(_q("annotation")):
        parent = ann.getparent()
        if parent is not None:
            parent.remove(ann)
    return etree.tostring(clone, method="c14n")


def _file_tag(filename: str) -> str:
    stem = filename.split("_v")[0]
    return stem.removeprefix("leiaute")


# --------------------------------------------------------------------------------------------------
# Generator


class Generator:
    def __init__(self) -> None:
        self.classes: list[ClassDef] = []  # in dependency order (children first)
        self.named_classes: dict[tuple[str, bytes], ClassDef] = {}
        self.type_names: dict[str, bytes] = {}  # chosen type name -> canonical form
        self.simple_aliases: dict[tuple[str, bytes], SimpleType] = {}
        self.alias_order: list[SimpleType] = []
        self.roots: list[tuple[str, ClassDef]] = []
        self.enums: dict[tuple[str, tuple[str, ...]], SimpleType] = {}
        self.enum_order: list[SimpleType] = []

    # naming of named types ------------------------------------------------------------------------
    def _type_name(self, name: str, canon: bytes, origin: str) -> str:
        if name not in self.type_names:
            self.type_names[name] = canon
            return name
        if self.type_names[name] == canon:
            return name
        alt = f"{name}_{_file_tag(origin)}"
        self.type_names.setdefault(alt, canon)
        return alt

    # simple types ---------------------------------------------------------------------------------
    def simple_named(self, sset: SchemaSet, name: str) -> SimpleType:
        node = sset.simple[name]
        canon = _canonical(node)
        key = (name, canon)
        if key in self.simple_aliases:
            return self.simple_aliases[key]
        st = self.simple_node(sset, node, owner_hint=name)
        alias = self._type_name(name, canon, sset.origin[name])
        m = _DEC_NAME.match(name)
        if m:
            digits, v1, places, v2, maximum = m.groups()
            mx = int(maximum) if maximum else int(places)
            if v1 or v2:
                allowed = tuple(range(mx + 1))
            elif maximum:
                integer = _integer_allowed(st.pattern or "")
                allowed = ((0,) if integer else ()) + tuple(range(int(places), mx + 1))
            else:
                allowed = (mx,)
            st = SimpleType("decimal", places=allowed, digits=int(digits))
        st.alias = alias
        self.simple_aliases[key] = st
        if st.kind in ("str", "decimal", "enum"):
            if st.kind == "enum":
                self.enum_order.append(st)
            else:
                self.alias_order.append(st)
        return st

    def simple_ref(self, sset: SchemaSet, type_name: str, owner_hint: str) -> SimpleType:
        local = _local(type_name)
        if type_name.startswith("xs:") or local not in sset.simple:
            return SimpleType("str")
        return self.simple_named(sset, local)

    def simple_node(self, sset: SchemaSet, node: etree._Element, owner_hint: str) -> SimpleType:
        restriction = node.find(_q("restriction"))
        if restriction is None:
            return SimpleType("str")
        base_name = restriction.get("base", "xs:string")
        base = self.simple_ref(sset, base_name, owner_hint)
        if base.kind == "decimal" and not restriction.findall(_q("pattern")):
            return base
        values = tuple(e.get("value", "") for e in restriction.findall(_q("enumeration")))
        if values:
            if len(values) == 1:
                return SimpleType("literal", values=values)
            return self._enum(owner_hint, values)
        patterns = [p.get("value", "") for p in restriction.findall(_q("pattern"))]
        st = SimpleType("str", pattern=base.pattern, min_length=base.min_length, max_length=base.max_length)
        if base.kind in ("enum", "literal"):
            return base
        if patterns:
            # Several patterns in one step are alternatives (XSD 1.0 §4.3.4); across derivation steps
            # they are ANDed, and the derived one is the stricter in every layout file: keep it.
            st.pattern = "|".join(patterns)
            literal = _literal_pattern(st.pattern)
            if literal is not None:
                return SimpleType("literal", values=(literal,))
        for facet, attr in (("minLength", "min_length"), ("maxLength", "max_length")):
            f = restriction.find(_q(facet))
            if f is not None:
                setattr(st, attr, int(f.get("value", "0")))
        length = restriction.find(_q("length"))
        if length is not None:
            st.min_length = st.max_length = int(length.get("value", "0"))
        if _local(base_name) == "base64Binary":
            # XSD length facets of xs:base64Binary count decoded octets (XSD 1.0 Part 2, 4.3.1);
            # the model holds the Base64 text: n octets are 4*ceil(n/3) characters (hashCSRT: 20 -> 28).
            st.min_length = None if st.min_length is None else 4 * ((st.min_length + 2) // 3)
            st.max_length = None if st.max_length is None else 4 * ((st.max_length + 2) // 3)
            st.pattern = st.pattern or r"[A-Za-z0-9+/]*={0,2}"
        return st

    def _enum(self, owner_hint: str, values: tuple[str, ...]) -> SimpleType:
        key = (owner_hint, values)
        if key not in self.enums:
            st = SimpleType("enum", values=values, owner_hint=owner_hint)
            self.enums[key] = st
        return self.enums[key]

    # complex types --------------------------------------------------------------------------------
    def complex_named(self, sset: SchemaSet, name: str) -> ClassDef:
        node = sset.complex[name]
        canon = _canonical(node)
        key = (name, canon)
        if key in self.named_classes:
            return self.named_classes[key]
        cname = self._type_name(name, canon, sset.origin[name])
        cdef = ClassDef(path=(cname,), doc=_doc(node), named=True, name=cname)
        self.named_classes[key] = cdef
        self._fill(sset, node, cdef)
        self.classes.append(cdef)
        return cdef

    def _fill(self, sset: SchemaSet, ctype: etree._Element, cdef: ClassDef) -> None:
        for child in ctype:
            if not isinstance(child.tag, str):
                continue
            if child.tag in (_q("sequence"), _q("choice")):
                self._particle(sset, child, cdef, optional=False)
            elif child.tag == _q("attribute"):
                self._attribute(sset, child, cdef)

    def _attribute(self, sset: SchemaSet, node: etree._Element, cdef: ClassDef) -> None:
        name = node.get("name", "")
        inline = node.find(_q("simpleType"))
        if inline is not None:
            st = self.simple_node(sset, inline, owner_hint=name)
        else:
            st = self.simple_ref(sset, node.get("type", "xs:string"), owner_hint=name)
        required = node.get("use") == "required"
        kind = "decimal" if st.kind == "decimal" else "text"
        cdef.fields.append(
            Leaf(_pyname(name), name, kind, True, int(required), 1, optional=not required, simple=st)
        )

    def _particle(self, sset: SchemaSet, node: etree._Element, cdef: ClassDef, optional: bool) -> list[str]:
        """Flatten ``node`` into ``cdef``; returns the python names of the leaves it added."""
        mn, mx = _occurs(node)
        tag = node.tag
        if tag == _q("element"):
            return [self._element(sset, node, cdef, optional or mn == 0, mn, mx)]
        if tag == _q("any"):
            raise ValueError(f"xs:any outside an opaque element in {cdef.path}")
        if tag == _q("sequence") and mx != 1:
            return [self._group(sset, node, cdef, optional or mn == 0, mn, mx)]
        if tag == _q("sequence"):
            names: list[str] = []
            required: list[str] = []
            for child in _children(node):
                start = len(cdef.fields)
                added = self._particle(sset, child, cdef, optional or mn == 0)
                names.extend(added)
                if child.tag == _q("element") and _occurs(child)[0] >= 1:
                    required.extend(f.name for f in cdef.fields[start:] if f.name in added)
            if mn == 0 and not optional and names:
                cdef.sequences.append((tuple(names), tuple(required)))
            return names
        if tag == _q("choice"):
            if mx != 1:
                raise ValueError(f"repeated xs:choice not supported in {cdef.path}")
            branches: list[tuple[str, ...]] = []
            nullable = mn == 0
            for child in _children(node):
                branches.append(tuple(self._particle(sset, child, cdef, optional=True)))
                if _nullable(child):
                    nullable = True
            cdef.choices.append((tuple(branches), not nullable and not optional))
            return [n for b in branches for n in b]
        raise ValueError(f"unexpected {tag} in {cdef.path}")

    def _group(self, sset: SchemaSet, node: etree._Element, cdef: ClassDef, optional: bool, mn: int, mx: int) -> str:
        first = next(iter(_children(node)))
        gname = first.get("name", "grupo") + "Grupo"
        gdef = ClassDef(path=(*cdef.path, gname), doc="Repeated sequence (rendered inline, no wrapper element)")
        gdef.is_group = True
        for child in _children(node):
            self._particle(sset, child, gdef, optional=False)
        self.classes.append(gdef)
        leaf = Leaf(_pyname(gname), gname, "group", False, mn, mx, optional=optional, cls=gdef)
        return _add(cdef, leaf)

    def _element(self, sset: SchemaSet, node: etree._Element, cdef: ClassDef, optional: bool, mn: int, mx: int) -> str:
        ref = node.get("ref")
        if ref is not None:
            name = _local(ref)
            # Always optional in the model: documents are built unsigned and signed afterwards
            # (certificates/); schema validation still requires it where the XSD does.
            leaf = Leaf(_pyname(name), name, "raw", False, mn, mx, True, namespace=DSIG)
            return _add(cdef, leaf)
        name = node.get("name", "")
        inline_c = node.find(_q("complexType"))
        inline_s = node.find(_q("simpleType"))
        type_name = node.get("type")
        if inline_c is not None:
            if _has_any(inline_c):
                leaf = Leaf(_pyname(name), name, "raw", False, mn, mx, optional)
            else:
                sub = ClassDef(path=(*cdef.path, name), doc=_doc(node))
                self._fill(sset, inline_c, sub)
                self.classes.append(sub)
                leaf = Leaf(_pyname(name), name, "model", False, mn, mx, optional, cls=sub)
        elif type_name is not None and _local(type_name) in sset.complex:
            sub = self.complex_named(sset, _local(type_name))
            leaf = Leaf(_pyname(name), name, "model", False, mn, mx, optional, cls=sub)
        else:
            if inline_s is not None:
                st = self.simple_node(sset, inline_s, owner_hint=name)
            else:
                st = self.simple_ref(sset, type_name or "xs:string", owner_hint=name)
            kind = "decimal" if st.kind == "decimal" else "text"
            leaf = Leaf(_pyname(name), name, kind, False, mn, mx, optional, simple=st)
        return _add(cdef, leaf)

    # driver ---------------------------------------------------------------------------------------
    def run(self) -> str:
        for root_file in ROOT_FILES:
            sset = SchemaSet(root_file)
            for element, type_name in sset.elements.items():
                cdef = self.complex_named(sset, type_name)
                self.roots.append((element, cdef))
        self._name_anonymous()
        self._name_enums()
        return self._emit()

    def _name_anonymous(self) -> None:
        taken = {c.name for c in self.classes if c.named}
        anon = [c for c in self.classes if not c.named]
        level = {id(c): 0 for c in anon}
        while True:
            cands = {id(c): _candidate(c.path, level[id(c)]) for c in anon}
            counts: dict[str, int] = {}
            for cand in cands.values():
                counts[cand] = counts.get(cand, 0) + 1
            clash = [c for c in anon if counts[cands[id(c)]] > 1 or cands[id(c)] in taken]
            if not clash:
                break
            for c in clash:
                level[id(c)] += 1
        for c in anon:
            c.name = _candidate(c.path, level[id(c)])

    def _name_enums(self) -> None:
        taken = {c.name for c in self.classes} | {a.alias for a in self.alias_order if a.alias}
        taken |= {e.alias for e in self.enum_order if e.alias}
        anon = [e for e in self.enums.values() if e.alias is None]
        by_name: dict[str, list[SimpleType]] = {}
        for e in anon:
            by_name.setdefault(_cap(e.owner_hint), []).append(e)
        for base, group in by_name.items():
            if len(group) == 1 and base not in taken:
                group[0].alias = base
            else:
                for i, e in enumerate(group, 1):
                    e.alias = f"{base}{i}" if f"{base}{i}" not in taken else f"{base}_{i}"
            self.enum_order.extend(group)
        # Fields named like their enum would shadow it inside the class body; suffix such enums.
        field_names = {f.name for c in self.classes for f in c.fields}
        for e in self.enum_order:
            if e.alias in field_names:
                e.alias = f"{e.alias}Enum"

    # emission -------------------------------------------------------------------------------------
    def _emit(self) -> str:
        out: list[str] = [HEADER]
        for e in self.enum_order:
            out.append(f"\n\nclass {e.alias}(StrEnum):\n")
            used: set[str] = set()
            for v in e.values:
                member = _member(v, used)
                out.append(f"    {member} = {v!r}\n")
        out.append("\n\n# Constrained scalar types of the schema (aliases of named xs:simpleType).\n")
        for a in self.alias_order:
            out.append(f"{a.alias} = {_scalar_annotation(a, use_alias=False)}\n")
        for c in self.classes:
            out.append(self._emit_class(c))
        out.append("\n\n# Root elements of the schema package: element name -> class.\n")
        out.append("ROOTS: Mapping[str, type[XmlModel]] = MappingProxyType(\n    {\n")
        for element, cdef in self.roots:
            out.append(f"        {element!r}: {cdef.name},\n")
        out.append("    }\n)\n")
        return "".join(out)

    def _emit_class(self, c: ClassDef) -> str:
        base = "ConstrainedXmlModel" if (c.choices or c.sequences) else "XmlModel"
        lines = [f"\n\nclass {c.name}({base}):\n"]
        doc = c.doc or "/".join(c.path)
        lines.append(f"    {_docstring(doc + ' (' + '/'.join(c.path) + ')' if c.doc else doc)}\n\n")
        root_names = [e for e, d in self.roots if d is c]
        for f in c.fields:
            lines.append(f"    {_field_decl(f)}\n")
        if root_names:
            lines.append(f"\n    __xml_name__: ClassVar[str] = {root_names[0]!r}\n")
        lines.append("    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (\n")
        for f in c.fields:
            lines.append(f"        {_xml_field(f)},\n")
        lines.append("    )\n")
        if c.choices:
            lines.append("    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (\n")
            for all_branches, required in c.choices:
                branches = _exclusive(all_branches)
                lines.append(f"        XmlChoice({branches!r}, {required}),\n")
            lines.append("    )\n")
        if c.sequences:
            lines.append("    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (\n")
            for members, req in c.sequences:
                lines.append(f"        XmlSequence({members!r}, {req!r}),\n")
            lines.append("    )\n")
        if c.choices or c.sequences:
            lines.append(_checker(c))
        return "".join(lines)


def _checker(c: ClassDef) -> str:
    """A validator specialised for the class: straight-line tests, no loops over metadata.

    Generic code walking ``__xml_choices__`` costs a few microseconds per instance; a 50-item NF-e
    has hundreds of instances with choices (ICMS, PIS, COFINS, emit/dest CNPJ|CPF...).
    """
    many = {f.name for f in c.fields if f.max_occurs != 1}

    def is_set(name: str) -> str:
        return f"bool(d[{name!r}])" if name in many else f"d[{name!r}] is not None"

    def branch_set(branch: tuple[str, ...]) -> str:
        if len(branch) == 1:
            return is_set(branch[0])
        return " or ".join(is_set(n) for n in branch)

    body = ["\n    @model_validator(mode=\"after\")\n", "    def _check_groups(self) -> Self:\n",
            "        d = self.__dict__\n"]
    for i, (all_branches, required) in enumerate(c.choices):
        branches = [b for b in _exclusive(all_branches) if b]
        if not branches:
            continue
        count = " + ".join(f"({branch_set(b)})" for b in branches)
        cond = "n != 1" if required else "n > 1"
        body.append(f"        n = {count}\n")
        body.append(f"        if {cond}:\n            choice_error(self, {i}, n)\n")
    for i, (members, req) in enumerate(c.sequences):
        if not req:
            continue
        any_set = " or ".join(is_set(n) for n in members)
        all_req = " and ".join(is_set(n) for n in req)
        body.append(f"        if ({any_set}) and not ({all_req}):\n            sequence_error(self, {i})\n")
    body.append("        return self\n")
    return "".join(body)


def _add(cdef: ClassDef, leaf: Leaf) -> str:
    """Append ``leaf``; an element repeated in another branch of a choice shares one field."""
    for existing in cdef.fields:
        if existing.name == leaf.name:
            same = (existing.xml, existing.kind, existing.cls, existing.simple, existing.max_occurs) == (
                leaf.xml, leaf.kind, leaf.cls, leaf.simple, leaf.max_occurs)
            if not same or not (existing.optional or leaf.optional):
                raise ValueError(f"element {leaf.xml} repeated with another type in {cdef.path}")
            existing.optional = True
            existing.min_occurs = min(existing.min_occurs, leaf.min_occurs)
            return existing.name
    cdef.fields.append(leaf)
    return leaf.name


def _exclusive(branches: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Per branch, the fields no other branch has: only those tell which branch is present."""
    out = []
    for i, branch in enumerate(branches):
        others = {n for j, b in enumerate(branches) if j != i for n in b}
        out.append(tuple(n for n in branch if n not in others))
    return tuple(out)


def _integer_allowed(pattern: str) -> bool:
    """Whether a ``TDec`` pattern accepts a nonzero integer (an alternative with no mandatory dot)."""
    for alt in pattern.split("|"):
        if alt.startswith("[1-9]") and ("\\." not in alt or alt.endswith(")?")):
            return True
    return False


def _has_any(node: etree._Element) -> bool:
    """Whether the content model of ``node`` itself (not of nested elements) has an ``xs:any``."""
    for child in _children(node):
        if child.tag == _q("any"):
            return True
        if child.tag in (_q("sequence"), _q("choice")) and _has_any(child):
            return True
    return False


def _children(node: etree._Element) -> Iterator[etree._Element]:
    for child in node:
        if isinstance(child.tag, str) and child.tag != _q("annotation"):
            yield child


def _nullable(node: etree._Element) -> bool:
    mn, _ = _occurs(node)
    if mn == 0:
        return True
    if node.tag == _q("sequence"):
        return all(_nullable(c) for c in _children(node))
    if node.tag == _q("choice"):
        return any(_nullable(c) for c in _children(node))
    return False


def _candidate(path: tuple[str, ...], level: int) -> str:
    last = path[-1]
    if level == 0 and last[:1].islower():
        return _cap(last)
    level = max(level, 1)
    parts = list(path[-(level + 1):])
    return "_".join([_cap(parts[0]), *[p for p in parts[1:]]])


def _pyname(xml: str) -> str:
    if xml in _RESERVED or xml.startswith("model_"):
        return xml + "_"
    return xml


_LITERAL_ESCAPES = re.compile(r"\\([.\-\\])")


def _literal_pattern(pattern: str) -> str | None:
    """The only string ``pattern`` accepts when it is a plain literal (``4\\.00``), else None."""
    plain = _LITERAL_ESCAPES.sub(r"\1", pattern)
    if re.search(r"[\[\]{}()*+?|^$\\]", plain):
        return None
    if "." in _LITERAL_ESCAPES.sub("", pattern):
        return None
    return plain


def _member(value: str, used: set[str]) -> str:
    name = re.sub(r"\W", "_", value.encode("ascii", "ignore").decode())
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_") or not name[:1].isalpha():
        name = "V" + name
    if not name.isidentifier():
        name = "V" + str(len(used))
    base, i = name, 2
    while name in used:
        name = f"{base}_{i}"
        i += 1
    used.add(name)
    return name


def _rust_pattern(pattern: str) -> str:
    # XSD patterns are implicitly anchored (XSD 1.0 Part 2, F.1); pydantic's are searches.
    return f"^(?:{pattern})$"


def _scalar_annotation(st: SimpleType, *, use_alias: bool = True) -> str:
    if use_alias and st.alias and st.kind in ("str", "decimal", "enum"):
        return st.alias
    if st.kind == "enum":
        return st.alias or "str"
    if st.kind == "literal":
        return "Literal[" + ", ".join(repr(v) for v in st.values) + "]"
    if st.kind == "decimal":
        assert st.places is not None
        return (
            f"Annotated[Decimal, Field(ge=0, max_digits={st.digits + st.places[-1]}, "
            f"decimal_places={st.places[-1]})]"
        )
    args: list[str] = []
    if st.pattern is not None:
        args.append(f"pattern={_rust_pattern(st.pattern)!r}")
    if st.min_length is not None:
        args.append(f"min_length={st.min_length}")
    if st.max_length is not None:
        args.append(f"max_length={st.max_length}")
    if not args:
        return "str"
    return f"Annotated[str, Field({', '.join(args)})]"


def _field_decl(f: Leaf) -> str:
    if f.kind in ("model", "group"):
        assert f.cls is not None
        inner = f.cls.name
    elif f.kind == "raw":
        inner = "bytes"
    else:
        assert f.simple is not None
        inner = _scalar_annotation(f.simple)
    alias = f", alias={f.xml!r}" if f.name != f.xml else ""
    if f.max_occurs != 1:
        bounds = ""
        if f.min_occurs > 1 or (f.min_occurs == 1 and not f.optional):
            bounds += f", min_length={f.min_occurs}"
        if f.max_occurs > 1:
            bounds += f", max_length={f.max_occurs}"
        if f.optional or f.min_occurs == 0:
            return f"{f.name}: list[{inner}] = Field(default_factory=list{bounds}{alias})"
        return f"{f.name}: list[{inner}] = Field({bounds.lstrip(', ')}{alias})"
    if f.optional:
        return f"{f.name}: {inner} | None = {_default('None', alias)}"
    if f.simple is not None and f.simple.kind == "literal" and len(f.simple.values) == 1:
        return f"{f.name}: {inner} = {_default(repr(f.simple.values[0]), alias)}"
    if alias:
        return f"{f.name}: {inner} = Field({alias.lstrip(', ')})"
    return f"{f.name}: {inner}"


def _default(value: str, alias: str) -> str:
    return f"Field({value}{alias})" if alias else value


def _xml_field(f: Leaf) -> str:
    args = [repr(f.name), repr(f.xml), {"text": "TEXT", "decimal": "DECIMAL", "model": "MODEL",
                                          "group": "GROUP", "raw": "RAW"}[f.kind]]
    if f.attribute:
        args.append("attribute=True")
    if f.min_occurs != 1:
        args.append(f"min_occurs={f.min_occurs}")
    if f.max_occurs != 1:
        args.append(f"max_occurs={f.max_occurs}")
    if f.cls is not None:
        args.append(f"model={f.cls.name}")
    if f.kind == "decimal" and f.simple is not None:
        args.append(f"places={f.simple.places!r}")
    if f.namespace != NFE_NS:
        args.append("namespace=DSIG_NS")
    return "XmlField(" + ", ".join(args) + ")"


def _docstring(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', "'''")
    if len(text) > 100:
        words, lines, cur = text.split(), [], ""
        for w in words:
            if len(cur) + len(w) + 1 > 100:
                lines.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}".strip()
        lines.append(cur)
        return '"""' + "\n    ".join(lines) + '\n    """'
    return f'"""{text}"""'


def _schema_version() -> str:
    """Package, file and Notas Técnicas of nfe_v4.00 as recorded in schemas/xsd/manifest.json."""
    manifest = XSD_DIR / "manifest.json"
    if not manifest.exists():
        return "unrecorded package"
    info = json.loads(manifest.read_text(encoding="utf-8"))["packages"]["nfe_v4.00"]
    nts = ", ".join(info.get("notas_tecnicas", []))
    return f"{info['package']}, {info.get('package_file', '')}, {nts}, published {info.get('published', '?')}"


HEADER_TEMPLATE = '''"""NF-e/NFC-e 4.00 document model GENERATED from the official XSDs. Do not edit by hand.

Source: schemas/xsd/nfe_v4.00, schema package {version}
(schemas/xsd/manifest.json). Regenerate with ``.venv/bin/python -m engine.nfe.model.codegen``
(see docs/model.md); a unit test fails when this file differs from what the XSDs produce.

Field names are the XML names verbatim; the class variables (``__xml_fields__`` ...) carry the
schema order, occurrences, choices and decimal places the renderer and parser use
(engine.nfe.xmlio). Use the friendly names exported by ``engine.nfe.model``.
"""

# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, model_validator

from engine.nfe.model.base import (
    DECIMAL,
    DSIG_NS,
    GROUP,
    MODEL,
    RAW,
    TEXT,
    ConstrainedXmlModel,
    XmlChoice,
    XmlField,
    XmlModel,
    XmlSequence,
    choice_error,
    sequence_error,
)
'''

HEADER = HEADER_TEMPLATE.format(version=_schema_version())


def generate() -> str:
    """The text of generated.py for the XSDs currently in schemas/xsd/nfe_v4.00."""
    return Generator().run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate engine/nfe/model/generated.py from the NF-e XSDs.")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is out of date")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} está desatualizado em relação aos XSDs", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
