"""Writers: one module per output format, all reading a `Document`.

Adding a format is one module with `write(document, path)` and one line in `WRITERS`.
A writer's module (and its library: python-docx, WeasyPrint) is imported when the
first document of that format is written, not when docgen starts."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from docgen.model import Document

Writer = Callable[["Document", Path], None]


def _lazy(module: str) -> Writer:
    def write(doc: "Document", path: Path) -> None:
        importlib.import_module(module).write(doc, path)

    write.__qualname__ = write.__name__ = f"{module}.write"
    return write


WRITERS: dict[str, Writer] = {
    "docx": _lazy("docgen.writers.docx_writer"),
    "pdf": _lazy("docgen.writers.pdf_writer"),
}

__all__ = ["WRITERS", "Writer"]
