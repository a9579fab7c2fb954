"""`docgen.build(...)`: a thin façade over `docgen.pipeline.build.build_case` (kept for
callers of the first API)."""
from __future__ import annotations

from pathlib import Path

from docgen.pipeline.build import BuildOptions, BuildResult, build_case
from docgen.pipeline.session import Session
from docgen.pipeline.build import evidence_changes  # noqa: F401  (moved; old import path)
from docgen.render.compose import compose_documents, index_labels, keep_closing_together  # noqa: F401  (moved)
from docgen.review.apply import apply_review  # noqa: F401  (moved; old import path)
from docgen.store.manifest import previous_evidence  # noqa: F401  (moved; old import path)


def build(case_path: str | Path, options: BuildOptions | None = None, session: Session | None = None) -> BuildResult:
    return build_case(case_path, options, session)


__all__ = ["BuildOptions", "BuildResult", "build"]
