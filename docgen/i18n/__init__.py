"""Messages in the user's language: gettext catalogs (zh, en) kept as .po files and
compiled with Babel.

The English text of a message is its msgid; `N_()` marks it for extraction where it is
defined (the message table), `gettext()` translates it where it is shown (the CLI, the
HTML report, qa.json), in the language of the current context (`use_language`).
`scripts/i18n` extracts, updates and compiles the catalogs; a missing or stale .mo is
compiled in memory from its .po, so a fresh checkout works without a build step."""
from __future__ import annotations

import contextvars
import gettext as _gettext
import io
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Mapping

DOMAIN = "docgen"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")
DEFAULT = "en"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("docgen_ui_language", default=DEFAULT)


def N_(message: str) -> str:  # noqa: N802 — the gettext convention for "extract, translate later"
    return message


def language_from_locale(value: str | None) -> str | None:
    """'zh_CN.UTF-8' → 'zh', 'en_GB' → 'en', 'C'/'POSIX'/unknown → None."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def resolve_language(flag: str | None, env: Mapping[str, str]) -> str:
    """--ui, then DOCGEN_UI, then the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    for value in (flag, env.get("DOCGEN_UI")):
        if value and (lang := language_from_locale(value)):
            return lang
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return language_from_locale(env[var]) or DEFAULT  # the first one set decides, as in gettext
    return DEFAULT


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(lang: str) -> bytes:
    """The .mo bytes of a language's .po (Babel)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


@lru_cache(maxsize=8)
def _translations(lang: str, po_mtime: float) -> _gettext.NullTranslations:
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po_mtime:
        data = mo.read_bytes()
    else:
        data = _compile_and_keep(lang)
    return _gettext.GNUTranslations(io.BytesIO(data))


def _compile_and_keep(lang: str) -> bytes:
    """The .mo bytes of the .po as it is now, also written beside it (git-ignored, where
    `scripts/i18n compile` puts them) for the next command: Babel's import and compile
    cost a command that prints one line half its start-up time. A folder docgen may not
    write to keeps the compile in memory."""
    from docgen.atomicwrite import write_bytes_atomically

    data = compile_catalog(lang)
    write_bytes_atomically(po_path(lang).with_suffix(".mo"), data)
    return data


def translations(lang: str) -> _gettext.NullTranslations:
    po = po_path(lang)
    if lang not in LANGUAGES or not po.is_file():
        return _gettext.NullTranslations()
    return _translations(lang, po.stat().st_mtime)


def current_language() -> str:
    return _current.get()


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def set_language(lang: str) -> None:
    """For the CLI's whole run (one process, one user)."""
    _current.set(lang if lang in LANGUAGES else DEFAULT)


def gettext(message: str, lang: str | None = None) -> str:
    return translations(lang or current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    return translations(lang or current_language()).ngettext(singular, plural, n)


_ = gettext


def size_text(n_bytes: float) -> str:
    """A size for people: «1.0 MB», «340 KB», «4.2 KB», «512 B» (never 0.000999451 MB)."""
    n = float(n_bytes)
    if n >= 1024 * 1024:
        return f"{n / 1048576:.1f} MB"
    if n >= 10 * 1024:
        return f"{n / 1024:.0f} KB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n:.0f} B"


# ---- messages as codes ------------------------------------------------------------------
# Every message docgen shows (a Problem, a check's Finding, a CLI line) is a code plus
# named parameters, turned into words only at the edge. `catalog.MESSAGES` maps each code
# to its English text (the msgid, marked with N_); the .po catalogs above translate it.


class Msg(str):
    """A message: its English text (so code that treats it as text keeps working), with
    the code and parameters it was made from, so the edge can render it in another
    language (`render(message, lang)`)."""

    code: str
    params: Mapping

    def __new__(cls, code: str, params: Mapping | None = None) -> "Msg":
        params = dict(params or {})
        obj = super().__new__(cls, _format(_english(code), params))
        obj.code = code
        obj.params = params
        return obj

    def __reduce__(self):  # pickles as (code, params): a batch worker's messages reach the parent intact
        return (Msg, (self.code, self.params))

    def render(self, lang: str | None = None) -> str:
        return render(self, lang)


class Coded:
    """For what carries a `message` (a Problem, a Finding): the message's code and
    parameters; plain text (from a library) has the code "text"."""

    message: str

    @property
    def code(self) -> str:
        return self.message.code if isinstance(self.message, Msg) else "text"

    @property
    def params(self) -> Mapping:
        return self.message.params if isinstance(self.message, Msg) else {"text": str(self.message)}


def msg(code: str, **params) -> Msg:
    return Msg(code, params)


def _english(code: str) -> str:
    from docgen.i18n.catalog import MESSAGES

    return MESSAGES.get(code, code)  # not in the catalog: the code is the text (tests keep it complete)


def _param(value, lang: str | None):
    """A parameter as text: a message in `lang`, a list of them joined («a, b» / «甲、乙»)."""
    if isinstance(value, Msg):
        return render(value, lang) if lang else str(value)
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    if isinstance(value, (list, tuple)):
        return ("、" if lang == "zh" else ", ").join(str(_param(v, lang)) for v in value)
    return value


def _format(template: str, params: Mapping, lang: str | None = None) -> str:
    try:
        return template.format(**{k: _param(v, lang) for k, v in params.items()})
    except (KeyError, IndexError, ValueError):
        return template  # a translation with a broken placeholder must never crash a build


def render(message: str, lang: str | None = None) -> str:
    """`message` in `lang` (default: the current UI language). Plain strings pass through."""
    if not isinstance(message, Msg):
        return str(message)
    lang = lang or current_language()
    if lang == DEFAULT:
        return str(message)
    return _format(gettext(_english(message.code), lang), message.params, lang)
