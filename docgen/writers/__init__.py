"""Writers: one module per output format, each turning a `Document` (or typed data)
into bytes; `registry.py` holds the two tables — `WRITERS` (format → writer) and
`OUTPUTS` (kind, format, folder, name of every output file).

Adding a format is one writer module, one line in `WRITERS` and its rows in `OUTPUTS`."""
from __future__ import annotations

from docgen.writers.registry import DOCUMENT_FORMATS, OUTPUTS, WRITERS, FnWriter, Output, Writer, WriterOptions

__all__ = ["WRITERS", "OUTPUTS", "DOCUMENT_FORMATS", "Writer", "FnWriter", "Output", "WriterOptions"]
