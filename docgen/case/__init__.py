"""The case file: YAML validated into typed objects (see `load_case`)."""
from docgen.case.model import (
    CASE_TYPES,
    Case,
    EvidenceItem,
    Fact,
    Item,
    Notice,
    Seller,
)
from docgen.case.loader import load_case

__all__ = ["CASE_TYPES", "Case", "EvidenceItem", "Fact", "Item", "Notice", "Seller", "load_case"]
