"""Reply templates: `letter_templates/replies/<lang>.yaml`, parallel in ru, en and zh,
written by people. Each reply type is a list of paragraphs (Jinja2 strings, sandboxed,
StrictUndefined); the values a seller typed arrive only as variables."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from docgen.errors import DocgenError, Problem
from docgen.render.templates import format_date
from docgen.resources import templates_dir
from docgen.i18n import msg

REPLY_TYPES = ("shipping", "delay", "returns", "gift")
REPLY_LANGS = ("ru", "en", "zh")
# Every variable a reply template may use.
REPLY_VARIABLES = frozenset({"order", "tracking", "carrier", "shipped_on", "item", "event_date", "new_date",
                             "event_text", "event_sentence", "gift", "shop"})
_STRINGS = ("greeting", "closing", "more_questions")
_PLAIN = ("date_format", "carriers")


@dataclass
class ReplyTemplates:
    lang: str
    path: Path
    plain: dict[str, Any]
    compiled: dict[str, jinja2.Template]  # "greeting", "shipping.0", "events.customs", …
    used: dict[str, frozenset[str]]  # the variables each template uses
    events: tuple[str, ...]

    def render(self, key: str, context: dict[str, Any]) -> str:
        try:
            return " ".join(self.compiled[key].render(context).split())
        except jinja2.UndefinedError as e:
            raise DocgenError(Problem(str(self.path), key, msg("reply.template-error", message=e.message))) from None
        except jinja2.exceptions.SecurityError as e:
            raise DocgenError(Problem(str(self.path), key, msg("reply.template-not-allowed", error=e))) from None

    def paragraphs(self, reply_type: str) -> list[str]:
        n = 0
        keys = []
        while f"{reply_type}.{n}" in self.compiled:
            keys.append(f"{reply_type}.{n}")
            n += 1
        return keys

    def variables(self, key: str) -> frozenset[str]:
        return self.used[key]

    def carrier(self, value: str) -> str:
        return (self.plain.get("carriers") or {}).get(value, value)



def replies_dir() -> Path:
    return templates_dir() / "replies"


def load_reply_templates(lang: str) -> ReplyTemplates:
    path = (replies_dir() / f"{lang}.yaml").resolve()
    return _load(path, lang, path.stat().st_mtime_ns if path.is_file() else 0)


@lru_cache(maxsize=8)
def _load(path: Path, lang: str, _mtime: int) -> ReplyTemplates:
    f = str(path)
    if not path.is_file():
        raise DocgenError(Problem(f, "", msg("reply.reply-template-file-not")))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DocgenError(Problem(f, "", msg("reply.invalid-yaml", error=getattr(e, 'problem', e)),
                                  mark.line + 1 if mark else None)) from None
    if not isinstance(data, dict):
        raise DocgenError(Problem(f, "", msg("reply.reply-template-file-mapping")))
    fmt = data.get("date_format", "{y}-{m:02d}-{d:02d}")
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["d"] = lambda value: format_date(value, fmt)
    problems: list[Problem] = []
    sources: dict[str, str] = {}
    for key in sorted(set(data) - set(_STRINGS) - set(_PLAIN) - set(REPLY_TYPES) - {"events"}):
        problems.append(Problem(f, key, msg("reply.unknown-key")))
    for key in _STRINGS:
        sources[key] = data.get(key)
    for t in REPLY_TYPES:
        paras = data.get(t)
        if not isinstance(paras, list) or not paras:
            problems.append(Problem(f, t, msg("reply.needs-list-paragraphs")))
            continue
        for n, p in enumerate(paras):
            sources[f"{t}.{n}"] = p
    events = data.get("events")
    if not isinstance(events, dict) or "other" not in events:
        problems.append(Problem(f, "events", msg("reply.needs-mapping-logistics-events")))
        events = {}
    for k, v in events.items():
        sources[f"events.{k}"] = v
    compiled: dict[str, jinja2.Template] = {}
    variables: dict[str, frozenset[str]] = {}
    for key, source in sources.items():
        if not isinstance(source, str) or not source.strip():
            problems.append(Problem(f, key, msg("reply.must-be-non-empty")))
            continue
        try:
            used = frozenset(meta.find_undeclared_variables(env.parse(source)))
            compiled[key] = env.from_string(source)
        except jinja2.TemplateSyntaxError as e:
            problems.append(Problem(f, key, msg("reply.template-syntax-error", message=e.message), e.lineno))
            continue
        if used - REPLY_VARIABLES:
            problems.append(Problem(f, key, msg("reply.unknown-template-variable-s", used=', '.join(sorted(used - REPLY_VARIABLES)))))
        variables[key] = used
    if problems:
        raise DocgenError(problems)
    return ReplyTemplates(lang, path, {k: data.get(k) for k in _PLAIN}, compiled, variables, tuple(events))
