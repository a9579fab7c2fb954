"""Reads user YAML (case files, folder `index.yaml`) without ever raising anything but
`DocgenError`: every problem — bad UTF-8, control characters, a date that does not
exist, an odd tag, a duplicate key, nesting too deep, aliases that expand too far —
is a `Problem` with file, field path and line.

PyYAML's own `safe_load` raises ValueError/KeyError/RecursionError for legal-looking
input (`2026-02-30`, `!!bool maybe`, 1,000 nested `[`) and lets a duplicate key win
silently; here the document is composed into nodes and constructed node by node."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg

MAX_DEPTH = 40  # a case file nests 4 levels; anything deeper is not a case file
MAX_NODES = 100_000  # values after alias expansion (a "billion laughs" stops here)
MAX_SCALAR_CHARS = 100_000

# what the YAML reader refuses anywhere in the stream (PyYAML's Reader.NON_PRINTABLE)
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")
# a YAML type → the message code for a value that is not of it
_TAG_NAMES = {
    "tag:yaml.org,2002:timestamp": "yaml.not-date",
    "tag:yaml.org,2002:int": "yaml.not-int",
    "tag:yaml.org,2002:float": "yaml.not-float",
    "tag:yaml.org,2002:bool": "yaml.not-bool",
    "tag:yaml.org,2002:null": "yaml.not-null",
    "tag:yaml.org,2002:binary": "yaml.not-binary",
    "tag:yaml.org,2002:str": "yaml.not-text",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def control_chars(text: str) -> list[str]:
    """Control characters (C0 except tab/newline/CR, DEL, C1) in `text`: no writer can
    put them in a DOCX or PDF, and they are never meant."""
    return sorted({ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"})


def _short(value: Any) -> str:
    s = str(value)
    return repr(s if len(s) <= 40 else s[:40] + "…")


@dataclass
class YamlDoc:
    data: Any
    root: yaml.Node | None

    def line(self, loc: tuple) -> int | None:
        """The line of the field at `loc` (or of its nearest existing parent)."""
        node = self.root
        best = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                        nxt, best = v, k.start_mark.line + 1
                        break
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                best = node.start_mark.line + 1
            else:
                node = None
            if node is None:
                break
        return best


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.loader = yaml.SafeLoader("")
        self.nodes = 0

    def problem(self, loc: tuple, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.file, field_path(loc), message, node.start_mark.line + 1))

    def build(self, node: yaml.Node, loc: tuple, stack: frozenset) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self.problem(loc, node, msg("yaml.too-many-values", limit=MAX_NODES))
            return None
        if id(node) in stack:
            self.problem(loc, node, msg("yaml.alias-loop"))
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        stack = stack | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.problem(loc, node, msg("yaml.tag-list", tag=node.tag))
                return None
            return [self.build(child, loc + (i,), stack) for i, child in enumerate(node.value)]
        if node.tag != _MAP:
            self.problem(loc, node, msg("yaml.tag-mapping", tag=node.tag))
            return None
        out: dict = {}
        first_line: dict = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                self.problem(loc, knode, msg("yaml.merge-key"))
                continue
            if not isinstance(knode, yaml.ScalarNode):
                self.problem(loc, knode, msg("yaml.key-not-scalar"))
                continue
            key = self.scalar(knode, loc)
            if key is None and knode.tag != "tag:yaml.org,2002:null":
                continue
            try:
                hash(key)
            except TypeError:
                self.problem(loc, knode, msg("yaml.key-not-text"))
                continue
            here = knode.start_mark.line + 1
            if key in first_line:
                self.problem(loc + (key,), knode, msg("yaml.duplicate-key", key=_short(key),
                                                                   first=first_line[key], second=here))
                continue
            first_line[key] = here
            out[key] = self.build(vnode, loc + (key,), stack)
        return out

    def scalar(self, node: yaml.ScalarNode, loc: tuple) -> Any:
        if len(node.value) > MAX_SCALAR_CHARS:
            self.problem(loc, node, msg("yaml.value-too-long", limit=MAX_SCALAR_CHARS))
            return None
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception:  # PyYAML raises ValueError/KeyError/IndexError/… for bad scalars
            kind = _TAG_NAMES.get(node.tag)
            if kind:
                no_such_day = "timestamp" in node.tag and re.match(r"^\d{4}-\d\d?-\d\d?$", node.value)
                self.problem(loc, node, msg("yaml.no-such-date" if no_such_day else kind))
            else:
                self.problem(loc, node, msg("yaml.tag-unsupported", tag=node.tag))
            return None
        finally:
            self.loader.constructed_objects.clear()
        if isinstance(value, str):
            bad = control_chars(value)
            if bad:
                self.problem(loc, node, msg("yaml.control-character",
                                                    chars=", ".join(f"U+{ord(c):04X}" for c in bad)))
        return value


def _line_of_offset(text: str | bytes, offset: int) -> int:
    return text[:offset].count("\n" if isinstance(text, str) else b"\n") + 1


def _depth_problem(text: str, file: str) -> Problem | None:
    """Nesting deeper than MAX_DEPTH, found by the (non-recursive) scanner before the
    (recursive) composer sees it."""
    depth = 0
    opens = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
             yaml.BlockMappingStartToken)
    closes = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
    for tok in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(tok, opens):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(file, "", msg("case.yaml-nested-too-deep", depth=MAX_DEPTH), tok.start_mark.line + 1)
        elif isinstance(tok, closes):
            depth -= 1
    return None


def parse_yaml(raw: bytes, file: str) -> YamlDoc:
    """YAML bytes → data with line lookup, or DocgenError listing every problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DocgenError(Problem(file, "", msg("case.not-utf-text-byte", start=e.start),
                                  _line_of_offset(raw, e.start))) from None
    problems = [Problem(file, "", msg("case.yaml-character-not-allowed", cp=f"{ord(m.group()):04X}"),
                        _line_of_offset(text, m.start())) for m in _NON_PRINTABLE.finditer(text)]
    if problems:
        raise DocgenError(problems[:20])
    try:
        deep = _depth_problem(text, file)
        if deep:
            raise DocgenError(deep)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = getattr(e, "problem", None) or type(e).__name__
        raise DocgenError(Problem(file, "", msg("case.invalid-yaml", detail=detail), line)) from None
    except RecursionError:  # the depth check should have caught it; never a traceback
        raise DocgenError(Problem(file, "", msg("case.invalid-yaml", detail="nested too deep"))) from None
    if root is None:
        return YamlDoc(None, None)
    b = _Builder(file)
    data = b.build(root, (), frozenset())
    if b.problems:
        raise DocgenError(sorted(b.problems, key=lambda p: p.line or 0))
    return YamlDoc(data, root)
