"""Settings: every place and knob docgen takes from its environment, read in one place.

`Settings.from_env()` is the only code in docgen that reads `os.environ` (tests and
benchmarks aside). Everything else receives a `Settings` — inside a `Session`
(`docgen.pipeline.session`), or as the active settings of the current context
(`current()`, set with `use(settings)`), so that a batch worker or a web server runs
with the settings it was given, not with whatever the process environment says.

| variable | setting | default |
|---|---|---|
| `DOCGEN_TEMPLATES` | `templates_dir` | `letter_templates/` of the project |
| `DOCGEN_GLOSSARY` | `glossary_dir` | `glossary/` of the project |
| `DOCGEN_CACHE_DIR` | `cache_dir` (segment cache, QA cache: safe to delete) | `$XDG_CACHE_HOME/docgen` or `~/.cache/docgen` |
| `DOCGEN_STATE_DIR` | `state_dir` (the translation memory, review drafts, the LanguageTool server's record and lock: a translator's work, never a cache) | `$XDG_STATE_HOME/docgen` or `~/.local/state/docgen` |
| `DOCGEN_TM_FILE` | `tm_path` (the translation memory's SQLite file, e.g. one shared by an agency's translators) | `translation-memory.sqlite` in the state folder |
| `DOCGEN_MODELS_DIR` | `models_dir` (Argos packages) | `$XDG_DATA_HOME/docgen/models` or `~/.local/share/docgen/models` |
| `DOCGEN_LT_JARS` | `lt_jars` | `vendor/languagetool/jars` of the project |
| `DOCGEN_CHANNELS` | `channels_file` (where each case type is sent) | `channels/channels.yaml` of the project |
| `LT_URL` | `lt_url` (an existing LanguageTool server) | none: docgen starts its own |
| `DOCGEN_LT_HEAP` | `lt_heap` | `1g` |
| `DOCGEN_MT_THREADS` | `mt_threads` (0: one CTranslate2 worker per core, at most 4, one thread each; N: one worker on N threads) | `0` |
| `DOCGEN_UI`, then `LC_ALL`, `LC_MESSAGES`, `LANG` | `ui_language` (language of messages: en, zh) | `en` |
| `DOCGEN_DEBUG` | `debug` (tracebacks for internal errors) | off |
| `NO_COLOR` | `colour` off | colour in a terminal |
"""
from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    templates_dir: Path
    glossary_dir: Path
    cache_dir: Path
    state_dir: Path
    models_dir: Path
    lt_jars: Path
    channels_file: Path = PROJECT_ROOT / "channels" / "channels.yaml"
    batch_data_dir: Path = PROJECT_ROOT / "docgen" / "batch" / "data"  # docgen batch's header aliases and maps
    tm_path: Path | None = None  # the translation memory's file; None: in state_dir
    lt_url: str | None = None
    lt_heap: str = "1g"
    mt_threads: int = 0
    ui_language: str = "en"
    debug: bool = False
    colour: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        home = Path.home()
        xdg_cache = Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "docgen"
        xdg_data = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share") / "docgen"
        xdg_state = Path(env.get("XDG_STATE_HOME") or home / ".local" / "state") / "docgen"
        try:
            threads = int(env.get("DOCGEN_MT_THREADS") or 0)
        except ValueError:
            threads = 0
        from docgen.i18n import resolve_language

        return cls(
            templates_dir=Path(env.get("DOCGEN_TEMPLATES") or PROJECT_ROOT / "letter_templates"),
            glossary_dir=Path(env.get("DOCGEN_GLOSSARY") or PROJECT_ROOT / "glossary"),
            cache_dir=Path(env.get("DOCGEN_CACHE_DIR") or xdg_cache),
            state_dir=Path(env.get("DOCGEN_STATE_DIR") or xdg_state),
            models_dir=Path(env.get("DOCGEN_MODELS_DIR") or xdg_data / "models"),
            lt_jars=Path(env.get("DOCGEN_LT_JARS") or PROJECT_ROOT / "vendor" / "languagetool" / "jars"),
            channels_file=Path(env.get("DOCGEN_CHANNELS") or PROJECT_ROOT / "channels" / "channels.yaml"),
            batch_data_dir=Path(env.get("DOCGEN_BATCH_DATA") or PROJECT_ROOT / "docgen" / "batch" / "data"),
            tm_path=Path(env["DOCGEN_TM_FILE"]) if env.get("DOCGEN_TM_FILE") else None,
            lt_url=env.get("LT_URL") or None,
            lt_heap=env.get("DOCGEN_LT_HEAP") or "1g",
            mt_threads=max(threads, 0),
            ui_language=resolve_language(None, env),
            debug=bool(env.get("DOCGEN_DEBUG")),
            colour="NO_COLOR" not in env,
        )

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    # files inside the folders above, named once
    @property
    def segment_cache_file(self) -> Path:
        return self.cache_dir / "segments.sqlite"

    @property
    def qa_cache_file(self) -> Path:
        return self.cache_dir / "qa-cache.sqlite"

    @property
    def tm_file(self) -> Path:
        """The translation memory (reviewed sentences): state, kept when caches are cleared."""
        return self.tm_path or self.state_dir / "translation-memory.sqlite"

    @property
    def lt_state_file(self) -> Path:
        return self.state_dir / "languagetool.json"


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a program docgen runs (Tesseract, Java), with `extra` set."""
    return {**os.environ, **extra}


def adopt_environment(env: Mapping[str, str]) -> None:
    """Makes `env` this process's whole environment: a build worker's child becomes the
    `docgen build` whose caller handed it over (`child_env()` of the caller)."""
    import time

    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in env.items()})
    time.tzset()  # TZ: the caller's local dates


_active: contextvars.ContextVar[Settings | None] = contextvars.ContextVar("docgen_settings", default=None)


def current() -> Settings:
    """The settings in force: those given to `use()` (a Session does this), else the
    environment's."""
    s = _active.get()
    return s if s is not None else Settings.from_env()


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    token = _active.set(settings)
    try:
        yield settings
    finally:
        _active.reset(token)
