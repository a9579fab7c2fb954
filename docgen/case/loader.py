"""Reads a case file: YAML → `Case`, with every problem named by file, field path and line.

Nothing here writes anything; `load_case` either returns a fully checked case (all
evidence files present and inside the case folder) or raises `DocgenError` listing
every problem found."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import yaml
from pydantic import ValidationError

from docgen.case.model import Case, EvidenceItem
from docgen.case.types import case_type, type_fields
from docgen.case.yaml_source import parse_yaml
from docgen.errors import DocgenError, Problem
from docgen.i18n import msg

MAX_CASE_BYTES = 2 * 1024 * 1024

# an `other` value needs the words of the notice: (enum field, text field)
OTHER_NEEDS_TEXT = (("reason", "reason_text"), ("metric", "metric_name"), ("topic", "topic_text"))


@dataclass(frozen=True)
class CaseFile:
    """A validated case together with where it was read from."""

    case: Case
    path: Path  # the case file, absolute
    folder: Path  # the case folder: evidence paths are relative to it, outputs stay in it

    def evidence_path(self, ev: EvidenceItem) -> Path:
        return (self.folder / ev.file).resolve()


class _LineIndex:
    """Maps a field path such as ("facts", 0, "evidence") to its line in the YAML."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def line(self, loc: tuple) -> int | None:
        node = self.root
        best = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == key:
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


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# pydantic error type → message code; other errors keep pydantic's own words as `detail`
_FRIENDLY = {
    "missing": "case.field-missing",
    "extra_forbidden": "case.unknown-field",
    "string_type": "case.must-be-text",
    "string_too_short": "case.blank",
}


def _pydantic_problems(err: ValidationError, file: str, lines: _LineIndex) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        # pydantic appends the union branch ("str", "date", …) to the path; drop it
        # ("date" only when doubled: a field named date, such as notice.date, stays in the path)
        loc = tuple(x for i, x in enumerate(loc) if x not in ("str", "int", "none", "literal[...]")
                    and not (x == "date" and i and loc[i - 1] == "date"))
        if e["type"] in _FRIENDLY:
            message = msg(_FRIENDLY[e["type"]])
        else:
            message = msg("case.invalid-value", detail=e["msg"].removeprefix("Value error, "))
        problems.append(Problem(file=file, field=_field_path(loc), message=message, line=lines.line(loc)))
    return problems


def _inside(folder: Path, rel: str) -> bool:
    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).is_absolute() or PureWindowsPath(rel).drive:
        return False
    target = (folder / rel).resolve()
    return target == folder or folder in target.parents


def _semantic_problems(case: Case, folder: Path, file: str, lines: _LineIndex) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: tuple, message: str) -> None:
        problems.append(Problem(file=file, field=_field_path(loc), message=message, line=lines.line(loc)))

    ct = case_type(case.case_type)
    for name in ct.fields:
        if getattr(case, name) is None:
            add((name,), msg("case.required-case-type", case_type=case.case_type))
    own = set(ct.fields) | set(ct.optional)
    for name in sorted(type_fields() - own):
        if getattr(case, name) is not None:
            add((name,), msg("case.does-not-apply-case", case_type=case.case_type))
    for enum_field, text_field in OTHER_NEEDS_TEXT:
        if getattr(case, enum_field) == "other" and not getattr(case, text_field):
            add((text_field,), msg("case.other-needs-write-it", enum_field=enum_field, text_field=text_field))
    if not case.items and not ct.items_optional:
        add(("items",), msg("case.at-least-one-item", case_type=case.case_type))
    if case.hold_reason is not None:
        from docgen.case.holds import HOLD_FILE, hold_table

        table = hold_table()
        if table.lookup(case.hold_reason) is None:
            add(("hold_reason",), msg("case.unknown-hold-reason-known", hold_reason=case.hold_reason, known=', '.join(table.known()) or 'none', file=HOLD_FILE.as_posix()))

    if ct.one_order:
        orders = [it for it in case.items if it.order]
        if len(case.items) != 1 or len(orders) != 1:
            add(("items",), msg("case.fund-hold-letter-covers", case_type=case.case_type))

    seen: dict[str, int] = {}
    for i, ev in enumerate(case.evidence):
        if ev.id in seen:
            add(("evidence", i, "id"), msg("case.evidence-id-used-twice", id=ev.id, first=seen[ev.id]))
        seen.setdefault(ev.id, i)
        if not _inside(folder, ev.file):
            add(("evidence", i, "file"), msg("case.path-leaves-case-folder-2"))
            continue
        try:
            path = (folder / ev.file).resolve()
            if not path.exists():
                add(("evidence", i, "file"), msg("case.file-not-found", file_name=ev.file))
            elif not path.is_file():
                add(("evidence", i, "file"), msg("case.not-regular-file", file_name=ev.file))
        except OSError as e:  # e.g. ENAMETOOLONG: a name over 255 bytes
            add(("evidence", i, "file"), msg("case.invalid-value", detail=f"cannot open: {e.strerror or type(e).__name__}"))

    for i, fact in enumerate(case.facts):
        for j, ref in enumerate(fact.evidence):
            if ref not in seen:
                add(("facts", i, "evidence", j), msg("case.evidence-id-not-evidence", ref=ref))

    # previous_manifest may point anywhere (e.g. ../round1/out/manifest.json): it is only read, never bundled
    if case.previous_manifest is not None:
        prev = Path(case.previous_manifest)
        prev = prev if prev.is_absolute() else folder / prev
        if not prev.is_file():
            add(("previous_manifest",), msg("case.file-not-found", file_name=case.previous_manifest))
    return problems


def load_case(path: str | Path) -> CaseFile:
    path = Path(path)
    shown = str(path)
    if not path.exists():
        raise DocgenError(Problem(shown, "", msg("case.case-file-not-found")))
    if not path.is_file():
        raise DocgenError(Problem(shown, "", msg("case.not-file")))
    raw = path.read_bytes()
    if len(raw) > MAX_CASE_BYTES:
        raise DocgenError(Problem(shown, "", msg("case.case-file-larger-than", max_case_bytes=MAX_CASE_BYTES // 1024)))
    # node by node: every problem of any YAML (bad dates and tags, duplicate keys, control
    # characters, NUL or bad UTF-8, deep nesting, alias bombs) is file:line: field (#13)
    lines = parse_yaml(raw, shown)
    data = lines.data
    if not isinstance(data, dict):
        raise DocgenError(Problem(shown, "", msg("case.case-file-must-be"), 1))
    try:
        case = Case.model_validate(data)
    except ValidationError as e:
        raise DocgenError(sorted(_pydantic_problems(e, shown, lines), key=lambda p: p.line or 0)) from None
    folder = path.resolve().parent
    problems = _semantic_problems(case, folder, shown, lines)
    if problems:
        raise DocgenError(sorted(problems, key=lambda p: p.line or 0))
    return CaseFile(case=case, path=path.resolve(), folder=folder)
