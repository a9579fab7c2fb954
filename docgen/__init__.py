"""docgen: a seller's case file → a checked Russian appeal letter for Ozon support.

Public API (the CLI is a thin layer over it):

    from docgen import build, BuildOptions, load_case
    result = build("samples/fund-hold/case.yaml")
"""
__version__ = "0.1.0"

from docgen.build import BuildOptions, BuildResult, build  # noqa: E402
from docgen.case import load_case  # noqa: E402
from docgen.errors import DocgenError, Problem  # noqa: E402

__all__ = ["__version__", "build", "BuildOptions", "BuildResult", "load_case", "DocgenError", "Problem"]
