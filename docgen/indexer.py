"""Moved to `docgen.pipeline.index` (a thin façade for the old import path)."""
from docgen.pipeline.index import IndexOptions, IndexResult, build_index  # noqa: F401

__all__ = ["IndexOptions", "IndexResult", "build_index"]
