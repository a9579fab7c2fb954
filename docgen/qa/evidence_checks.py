"""Checks on the evidence files themselves."""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterator

from docgen.qa.registry import QAContext

ACCEPTED_KINDS = {"pdf", "jpeg", "png"}
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
_EXTENSIONS = {"pdf": {".pdf"}, "jpeg": {".jpg", ".jpeg"}, "png": {".png"}}


def evidence_type(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        name = PurePosixPath(e.file).name
        kind = e.facts.kind
        if kind == "empty":
            continue  # evidence-readable reports it
        if kind not in ACCEPTED_KINDS:
            yield f"evidence.{e.id}", f"{name}: content is {kind.upper()}, not PDF, JPEG or PNG; convert it to PDF"
        elif PurePosixPath(e.file).suffix.lower() not in _EXTENSIONS[kind]:
            yield f"evidence.{e.id}", f"{name}: the extension does not match the content ({kind.upper()})"


def evidence_readable(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        name = PurePosixPath(e.file).name
        if e.facts.kind == "empty":
            yield f"evidence.{e.id}", f"{name}: file is empty (0 bytes)"
        elif e.facts.problem:
            yield f"evidence.{e.id}", f"{name}: {e.facts.problem}"


def evidence_size(ctx: QAContext) -> Iterator[tuple]:
    for e in ctx.entries:
        if e.facts.size > MAX_EVIDENCE_BYTES:
            yield (f"evidence.{e.id}", f"{PurePosixPath(e.file).name}: {e.facts.size / 1048576:.1f} MB is over "
                   f"the {MAX_EVIDENCE_BYTES // 1048576} MB limit for one file")
