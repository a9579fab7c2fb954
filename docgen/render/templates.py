"""Parallel letter templates: one YAML file of Jinja2 strings per language and case type.

Templates run in Jinja2's sandbox with StrictUndefined. The seller's text only ever
arrives as a variable's value, so `{{ 7*7 }}` typed in a fact stays literal."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from docgen.errors import DocgenError, Problem
from docgen.resources import templates_dir
from docgen.i18n import msg

# Every variable a template may use. Checked when templates load, before any case
# data is touched (the docxtpl habit: find_undeclared_variables).
TEMPLATE_VARIABLES = frozenset({
    "case", "seller", "seller_name", "notice", "item", "items", "names", "letter_date",
    "reference", "title", "v", "n", "numbers",
    "orders", "skus", "hold", "proven", "previous", "changes", "window", "status", "when",
})

# Keys that are data, not Jinja strings.
_PLAIN_KEYS = {"date_format", "list_sep", "names", "page_label", "bundle_stamp", "bundle_page", "bundle_missing",
               "signoff_words"}

_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def format_date(value: dt.date, pattern: str) -> str:
    return pattern.format(d=value.day, m=value.month, y=value.year, month=_EN_MONTHS[value.month - 1])


@dataclass
class TemplateSet:
    """The compiled templates of one case type in one language."""

    lang: str
    case_type: str | None
    files: tuple[Path, ...]
    plain: dict[str, Any]
    compiled: dict[str, jinja2.Template]

    def keys(self) -> set[str]:
        return set(self.compiled) | set(self.plain)

    def render(self, key: str, context: dict[str, Any]) -> str:
        try:
            return self.compiled[key].render(context).strip()
        except jinja2.UndefinedError as e:
            raise DocgenError(Problem(self._file_of(key), key, msg("render.template-error", message=e.message))) from None
        except jinja2.exceptions.SecurityError as e:
            raise DocgenError(Problem(self._file_of(key), key, msg("render.template-not-allowed", error=e))) from None

    def _file_of(self, key: str) -> str:
        return str(self.files[-1] if key in _type_keys(self.files[-1], _stamp(self.files[-1])) else self.files[0])


@lru_cache(maxsize=64)
def _type_keys(path: Path, _version: tuple | None) -> frozenset[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(data)


def _environment(date_pattern: str) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters["d"] = lambda value: format_date(value, date_pattern)
    # a quoted sentence loses its own full stop: the letter's sentence ends after the quote
    env.filters["unstop"] = lambda value: str(value).strip().rstrip(".。").rstrip()
    return env


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DocgenError(Problem(str(path), "", msg("render.template-file-not-found")))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DocgenError(Problem(str(path), "", msg("render.invalid-yaml", error=getattr(e, 'problem', e)),
                                  mark.line + 1 if mark else None)) from None
    if not isinstance(data, dict):
        raise DocgenError(Problem(str(path), "", msg("render.template-file-mapping-keys")))
    return data


@lru_cache(maxsize=32)
def _load(folder: Path, case_type: str | None, lang: str, _stamps: tuple) -> TemplateSet:
    common_path = folder / "common" / f"{lang}.yaml"
    type_path = folder / case_type / f"{lang}.yaml" if case_type else common_path
    common = _read(common_path)
    specific = _read(type_path) if case_type else {}
    problems: list[Problem] = []
    for key in set(common) & set(specific):
        problems.append(Problem(str(type_path), key, msg("render.key-also-defined-common")))
    plain = {k: v for k, v in common.items() if k in _PLAIN_KEYS}
    env = _environment(plain.get("date_format", "{y}-{m:02d}-{d:02d}"))
    compiled: dict[str, jinja2.Template] = {}
    for path, data in ((common_path, common), (type_path, specific)):
        for key, source in data.items():
            if key in _PLAIN_KEYS:
                continue
            if not isinstance(source, str):
                problems.append(Problem(str(path), key, msg("render.must-be-string")))
                continue
            try:
                tree = env.parse(source)  # parsed once: checked, then compiled from the same tree
                unknown = meta.find_undeclared_variables(tree) - TEMPLATE_VARIABLES
                compiled[key] = env.from_string(tree)
            except jinja2.TemplateSyntaxError as e:
                problems.append(Problem(str(path), key, msg("render.template-syntax-error", message=e.message)))
                continue
            if unknown:
                problems.append(Problem(str(path), key, msg("render.unknown-template-variable-s", unknown=', '.join(sorted(unknown)))))
    if problems:
        raise DocgenError(problems)
    return TemplateSet(lang=lang, case_type=case_type, files=(common_path, type_path), plain=plain, compiled=compiled)


def load_templates(case_type: str | None, lang: str) -> TemplateSet:
    """The templates of one case type (None: only the common ones) in one language,
    compiled once per process until a file of them changes (a web page or batch worker
    that runs for hours sees an edit)."""
    folder = templates_dir().resolve()
    files = (folder / "common" / f"{lang}.yaml", folder / case_type / f"{lang}.yaml" if case_type else None)
    return _load(folder, case_type, lang, tuple(_stamp(f) for f in files))


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        st = path.stat() if path else None
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size) if st else None
