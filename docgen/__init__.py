"""docgen: a seller's case file → a checked Russian appeal letter for Ozon support.

Public API (the CLI is a thin layer over it):

    from docgen import build, BuildOptions, Session, build_case, load_case
    result = build("samples/fund-hold/case.yaml")
    with Session.from_env() as session:          # what is expensive, loaded once
        for case in cases:
            build_case(case, BuildOptions(), session, on_event=print)

The names below are imported on first use (module `__getattr__`), so `import docgen`
and `docgen --version` load nothing heavy."""
from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

from docgen.lazy_names import lazy_names
from docgen.version import __version__

# public name → module that defines it
_LAZY = {
    "build": "docgen.build",
    "build_case": "docgen.pipeline.build",
    "BuildOptions": "docgen.pipeline.build",
    "BuildResult": "docgen.pipeline.build",
    "Event": "docgen.pipeline.build",
    "build_index": "docgen.pipeline.index",
    "IndexOptions": "docgen.pipeline.index",
    "check_file": "docgen.pipeline.check",
    "import_review": "docgen.pipeline.review",
    "Session": "docgen.pipeline.session",
    "Settings": "docgen.settings",
    "load_case": "docgen.case.loader",
    "DocgenError": "docgen.errors",
    "NotFinalError": "docgen.errors",
    "SetupError": "docgen.errors",
    "Problem": "docgen.errors",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:
    from docgen.build import build
    from docgen.case.loader import load_case
    from docgen.errors import DocgenError, NotFinalError, Problem, SetupError
    from docgen.pipeline.build import BuildOptions, BuildResult, Event, build_case
    from docgen.pipeline.check import check_file
    from docgen.pipeline.index import IndexOptions, build_index
    from docgen.pipeline.review import import_review
    from docgen.pipeline.session import Session
    from docgen.settings import Settings


__getattr__, __dir__ = lazy_names(__name__, _LAZY)


class _Package(types.ModuleType):
    """`docgen.build` is the function, although a submodule has the same name: loading
    the submodule (which sets the package attribute) must not hide the function."""

    @property
    def build(self):
        from docgen.build import build

        return build

    @build.setter
    def build(self, value) -> None:
        pass  # the import system registering the submodule docgen.build: keep the function


sys.modules[__name__].__class__ = _Package
