"""The case file: YAML validated into typed objects (see `load_case`).

Names are imported on first use, so `docgen.case.types` (the CLI's choices) stays light."""
from __future__ import annotations

from typing import TYPE_CHECKING

from docgen.case.types import CASE_TYPES
from docgen.lazy_names import lazy_names

_LAZY = {name: "docgen.case.model" for name in ("Case", "EvidenceItem", "Fact", "Item", "Notice", "Seller")}
_LAZY["load_case"] = "docgen.case.loader"

__all__ = ["CASE_TYPES", "Case", "EvidenceItem", "Fact", "Item", "Notice", "Seller", "load_case"]

if TYPE_CHECKING:
    from docgen.case.loader import load_case
    from docgen.case.model import Case, EvidenceItem, Fact, Item, Notice, Seller


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
