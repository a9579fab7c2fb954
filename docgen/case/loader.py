"""Reads a case file: YAML → `Case`, with every problem named by file, field path and line.

Nothing here writes anything; `load_case` either returns a fully checked case (all
evidence files present and inside the case folder) or raises `DocgenError` listing
every problem found."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import yaml
from pydantic import ValidationError

from docgen.case.model import Case, EvidenceItem
from docgen.case.types import case_type, type_fields
from docgen.case.yaml_source import YamlDoc, field_path, parse_yaml
from docgen.errors import DocgenError, Problem
from docgen.i18n import Msg, msg

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


# ---- errors that teach (#15): the slips a Chinese keyboard makes ------------------------
_KEY = r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*"
_FW_COLON = re.compile(_KEY + "：")
_KEY_VALUE = re.compile(_KEY + r":\s+(?P<value>.*?)\s*$")
_BLOCK = re.compile(_KEY + r":\s*[|>][-+0-9]*\s*(#.*)?$")
_FW_QUOTES = {"“": "”", "”": "”", "‘": "’", "「": "」", "『": "』", "＂": "＂"}
# free text may hold Chinese quotes; an id, a date or a closed value may not
_FREE_TEXT = {"text", "text_ru", "text_en", "description", "description_ru", "description_en", "request",
              "request_ru", "request_en", "rejection", "reason_text", "topic_text", "metric_name", "name", "rule",
              "signatory", "position"}
DATE_KEYS = ("date", "letter_date", "from", "to")
_CN_DATE = re.compile(r"^\s*(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?|[/.](\d{1,2})[/.](\d{1,2}))\s*$")


def _fullwidth_problems(text: str, file: str) -> list[Problem]:
    """A full-width colon after a key, a full-width comma in a [list], full-width quotes
    around an id or value: the exact line and what to type instead. Lines of a block
    text (`text: |`) are the seller's words and left alone."""
    problems: list[Problem] = []
    block_indent: int | None = None
    for n, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        if line.lstrip().startswith("#"):
            continue
        if (m := _BLOCK.match(line)):
            block_indent = indent
            continue
        if (m := _FW_COLON.match(line)):
            problems.append(Problem(file, m.group("key"), msg("case.fullwidth-colon"), n))
            continue
        m = _KEY_VALUE.match(line)
        if not m:
            continue
        key, value = m.group("key"), m.group("value")
        if value.startswith("[") and "，" in value.split("#")[0]:
            problems.append(Problem(file, key, msg("case.fullwidth-comma"), n))
        elif key not in _FREE_TEXT and value[:1] in _FW_QUOTES:
            problems.append(Problem(file, key, msg("case.fullwidth-quote", quote=value[0]), n))
    return problems


def _chinese_date(value) -> dt.date | None:
    """'2026年11月10日', '2026/11/10', '2026.11.10' → the date (None if not one of these)."""
    m = _CN_DATE.match(value) if isinstance(value, str) else None
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


def _blank_dates(node: yaml.Node | None, path: tuple = ()) -> list[tuple[tuple, int]]:
    """(field path, line) of every date key written with nothing after it (`date:`)."""
    out: list[tuple[tuple, int]] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            if (key in DATE_KEYS and isinstance(v, yaml.ScalarNode) and v.tag.endswith(":null")
                    and v.value == "" and v.style is None):
                out.append(((*path, key), k.start_mark.line + 1))
            else:
                out += _blank_dates(v, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out += _blank_dates(v, (*path, i))
    return out


def _closed_values(data: dict, file: str, lines: YamlDoc) -> list[Problem]:
    """Replaces a word that stands for exactly one valid value (资金冻结 → fund_hold) by
    that value, in `data`; any other word that is not valid: the valid values with their
    Chinese meaning."""
    from docgen.case.values import allowed_values, choices, resolve

    problems = []
    for field, allowed in allowed_values().items():
        word = data.get(field)
        if not isinstance(word, str) or word in allowed:
            continue
        value, ambiguous = resolve(field, word, allowed)
        if value is not None:
            data[field] = value
            continue
        code = "case.value-ambiguous" if ambiguous else "case.value-not-valid"
        problems.append(Problem(file, field, msg(code, value=word, choices=choices(field, ambiguous or allowed)),
                                lines.line((field,))))
    return problems


# pydantic error type → message code; other errors keep pydantic's own words as `detail`
_FRIENDLY = {
    "missing": "case.field-missing",
    "extra_forbidden": "case.unknown-field",
    "string_type": "case.must-be-text",
    "string_too_short": "case.blank",
    "string_pattern_mismatch": "case.blank",  # Text's only pattern: a non-space character
}


_BY_KIND = {  # pydantic error type prefix → message code with the input/limit as parameters
    "date": "case.not-a-date", "int_": "case.must-be-integer", "float_": "case.must-be-number",
    "decimal_": "case.must-be-number", "bool_": "case.must-be-yes-no", "greater_than_equal": "case.at-least",
    "greater_than": "case.more-than", "less_than_equal": "case.at-most", "less_than": "case.less-than",
    "literal_error": "case.one-of",
}


def _looks_personal(text: str) -> bool:
    from docgen.evidence.pii import pii_kinds

    return bool(pii_kinds(text))


def _pydantic_message(e: dict) -> str:
    """pydantic's error in docgen's words (a catalog code, so the seller reads it in their
    language); a validator of the model raises ValueError(msg(...)), which is kept as it is."""
    kind, ctx, value = e["type"], e.get("ctx") or {}, e.get("input")
    if kind in _FRIENDLY:
        return msg(_FRIENDLY[kind])
    if kind.startswith("date") and (day := _chinese_date(value)) is not None:
        return msg("case.date-chinese-style", value=value, iso=day.isoformat())
    error = ctx.get("error")
    if kind == "value_error" and isinstance(error, ValueError) and error.args and isinstance(error.args[0], Msg):
        return error.args[0]
    for prefix, code in _BY_KIND.items():
        if kind.startswith(prefix):
            shown = value if isinstance(value, (str, int, float, bool)) and len(str(value)) <= 60 else "…"
            if isinstance(shown, str) and _looks_personal(shown):
                shown = "…"  # never echo buyer data, even a value in the wrong field
            limit = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), "")
            return msg(code, value=shown, limit=limit, choices=ctx.get("expected", ""))
    return msg("case.invalid-value", detail=e["msg"].removeprefix("Value error, "))


def _pydantic_problems(err: ValidationError, file: str, lines: YamlDoc) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        # pydantic appends the union branch ("str", "date", …) to the path; drop it
        # ("date" only when doubled: a field named date, such as notice.date, stays in the path)
        loc = tuple(x for i, x in enumerate(loc) if x not in ("str", "int", "none", "literal[...]")
                    and not (x == "date" and i and loc[i - 1] == "date"))
        message = _pydantic_message(e)
        problems.append(Problem(file=file, field=field_path(loc), message=message, line=lines.line(loc)))
    return problems


def _inside(folder: Path, rel: str) -> bool:
    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).is_absolute() or PureWindowsPath(rel).drive:
        return False
    target = (folder / rel).resolve()
    return target == folder or folder in target.parents


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _semantic_problems(case: Case, folder: Path, file: str, lines: YamlDoc) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: tuple, message: str) -> None:
        problems.append(Problem(file=file, field=field_path(loc), message=message, line=lines.line(loc)))

    if case.target in ("ru", "en") and _CJK.search(case.seller.name) and not (case.seller.name_latin or "").strip():
        add(("seller", "name_latin") if case.seller.name_latin is not None else ("seller", "name"),
            msg("case.name-latin-required", target=case.target))
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
        from docgen.evidence.snapshot import EvidenceOpenError, check_openable

        try:  # opened as the build will read it: no symlink on the way, a regular file (#13)
            check_openable(folder, ev.file)
        except EvidenceOpenError as e:  # also ENAMETOOLONG: a name over 255 bytes
            add(("evidence", i, "file"), e.message)

    for i, fact in enumerate(case.facts):
        for j, ref in enumerate(fact.evidence):
            if ref not in seen:
                add(("facts", i, "evidence", j), msg("case.evidence-id-not-evidence", ref=ref))

    # previous_manifest may point anywhere (e.g. ../round1/out/manifest.json): it is only read, never bundled
    if case.previous_manifest is not None:
        prev = Path(case.previous_manifest)
        prev = prev if prev.is_absolute() else folder / prev
        try:
            if not prev.is_file():
                add(("previous_manifest",), msg("case.file-not-found", file_name=case.previous_manifest))
        except OSError as e:  # e.g. ENAMETOOLONG: a name over 255 bytes (found by the long fuzz run)
            add(("previous_manifest",),
                msg("case.invalid-value", detail=f"cannot open: {e.strerror or type(e).__name__}"))
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
    # Chinese keyboard slips first: they have their own teaching message, with the line
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None  # parse_yaml names the byte and the line
    if text is not None and (fullwidth := _fullwidth_problems(text, shown)):
        raise DocgenError(fullwidth)
    # node by node: every problem of any YAML (bad dates and tags, duplicate keys, control
    # characters, NUL or bad UTF-8, deep nesting, alias bombs) is file:line: field (#13)
    lines = parse_yaml(raw, shown)
    data, root = lines.data, lines.root
    if not isinstance(data, dict):
        raise DocgenError(Problem(shown, "", msg("case.case-file-must-be"), 1))
    early = [Problem(shown, field_path(loc), msg("case.date-blank"), line) for loc, line in _blank_dates(root)]
    early += _closed_values(data, shown, lines)
    taken = {p.field for p in early}
    try:
        case = Case.model_validate(data)
    except ValidationError as e:
        later = [p for p in _pydantic_problems(e, shown, lines) if p.field not in taken]
        raise DocgenError(sorted(early + later, key=lambda p: p.line or 0)) from None
    if early:
        raise DocgenError(sorted(early, key=lambda p: p.line or 0))
    folder = path.resolve().parent
    problems = _semantic_problems(case, folder, shown, lines)
    if problems:
        raise DocgenError(sorted(problems, key=lambda p: p.line or 0))
    return CaseFile(case=case, path=path.resolve(), folder=folder)
