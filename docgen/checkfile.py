"""Moved to `docgen.pipeline.check` (a thin façade for the old import path)."""
from docgen.pipeline.check import CheckResult, check_file, read_paragraphs  # noqa: F401

__all__ = ["CheckResult", "check_file", "read_paragraphs"]
