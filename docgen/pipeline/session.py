"""`Session`: what is expensive to load, held once per process or worker and passed
explicitly to the pipelines — the settings, the compiled templates, the glossary, the
MT translators (models stay loaded), the LanguageTool clients and the SQLite caches
(WAL mode, so several workers may share the files).

A Session is not shared between threads: a batch gives each worker its own (a
`Settings` is a small frozen value and travels to another process as it is); a web
server keeps one per worker thread. `with session.active():` makes its settings the
ones in force for code below the pipeline that reads `docgen.settings.current()`.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from docgen.settings import Settings, use

if TYPE_CHECKING:
    from docgen.glossary import Glossary
    from docgen.qa.languagetool import GrammarChecker
    from docgen.render.templates import TemplateSet
    from docgen.translate import SegmentTranslator
    from docgen.translate.cache import SegmentCache
    from docgen.translate.memory import TranslationMemory


class Session:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self._translators: dict[tuple[str, str, int, bool], "SegmentTranslator | None"] = {}
        self._checkers: dict[tuple[str, str], "GrammarChecker"] = {}

    @classmethod
    def from_env(cls) -> "Session":
        return cls(Settings.from_env())

    @contextmanager
    def active(self) -> Iterator["Session"]:
        with use(self.settings):
            yield self

    def templates(self, case_type: str | None, lang: str) -> "TemplateSet":
        from docgen.render.templates import load_templates

        with self.active():
            return load_templates(case_type, lang)

    @cached_property
    def glossary(self) -> "Glossary":
        from docgen.glossary import load_glossary

        return load_glossary(self.settings.glossary_dir / "ozon.tbx")

    @cached_property
    def segment_cache(self) -> "SegmentCache":
        from docgen.translate.cache import SegmentCache

        return SegmentCache(self.settings.segment_cache_file)

    @cached_property
    def translation_memory(self) -> "TranslationMemory":
        """Reviewed sentences, in the state folder (migrated from the cache on first use)."""
        from docgen.translate.memory import TranslationMemory

        with self.active():
            return TranslationMemory(self.settings.tm_file)

    def translator(self, source: str, target: str, beam_size: int = 4,
                   without_model: bool = False) -> "SegmentTranslator | None":
        """The installed packages for this pair (direct or through English), loaded once.
        `without_model`: with no package, the translation memory and glossary alone (not None)."""
        key = (source, target, beam_size, without_model)
        if key not in self._translators:
            from docgen.translate import default_translator

            with self.active():
                tr = default_translator(source, target, beam_size=beam_size, cache=self.segment_cache,
                                        glossary=self.glossary, without_model=without_model,
                                        memory=self.translation_memory)
            self._translators[key] = tr
        return self._translators[key]

    def grammar_checker(self, lang: str, start_server: bool = True,
                        cache_only: bool = False) -> "GrammarChecker | None":
        """The LanguageTool client for `lang` (starting the server when allowed), or None;
        `cache_only`: one that only reads the grammar cache (no server asked)."""
        from docgen.qa import languagetool as lt

        with self.active():
            return lt.grammar_checker(lang, start_server=start_server, checkers=self._checkers,
                                      cache_only=cache_only)

    def close(self) -> None:
        for checker in self._checkers.values():
            checker.close()
        self._checkers.clear()
        if "segment_cache" in self.__dict__:
            self.segment_cache.close()
            del self.__dict__["segment_cache"]
        if "translation_memory" in self.__dict__:
            self.translation_memory.close()
            del self.__dict__["translation_memory"]
        self._translators.clear()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
