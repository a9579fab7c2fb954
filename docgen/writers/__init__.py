"""Writers: one module per output format, all reading a `Document`.

Adding a format is one module with `write(document, path)` and one line in `WRITERS`."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from docgen.model import Document
from docgen.writers import docx_writer, pdf_writer

Writer = Callable[[Document, Path], None]

WRITERS: dict[str, Writer] = {
    "docx": docx_writer.write,
    "pdf": pdf_writer.write,
}

__all__ = ["WRITERS", "Writer"]
