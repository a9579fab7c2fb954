"""The case types: one entry each, in one table. Light (no models imported), so the
CLI's argument parser can list them.

A case type is: its name (also the folder of its letter templates,
`letter_templates/<name>/<lang>.yaml`, from which the generic letter builder renders the
letter), the case-file fields only it has (required for it, refused for the others),
whether its letter covers exactly one order, and the checks that apply to it alone.
Adding a case type is one row here plus its template folder."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseType:
    name: str
    fields: tuple[str, ...] = ()  # case-file fields this type requires and the others refuse (reason …)
    optional: tuple[str, ...] = ()  # case-file fields only this type accepts, not required
    one_order: bool = False  # Ozon takes one order per letter (payout holds)
    items_optional: bool = False  # a case may name no order or SKU
    checks: tuple[str, ...] = ()  # checks (by name) that apply to this type only


CASE_TYPE_TABLE: dict[str, CaseType] = {ct.name: ct for ct in (
    CaseType("listing_takedown", fields=("reason",), optional=("takedown_kind", "reason_text")),
    CaseType("performance_review", fields=("metric", "window_days"), optional=("metric_name",),
             checks=("metric-window",)),
    CaseType("fund_hold", optional=("hold_reason",), one_order=True),
    CaseType("support_request", fields=("topic",), optional=("topic_text", "payout_id"), items_optional=True),
)}

CASE_TYPES: tuple[str, ...] = tuple(CASE_TYPE_TABLE)  # the built-in names (CLI choices)


def case_type(name: str) -> CaseType | None:
    return CASE_TYPE_TABLE.get(name)


def type_fields() -> set[str]:
    """Every per-type field (required or optional) of every case type."""
    return {f for ct in CASE_TYPE_TABLE.values() for f in ct.fields + ct.optional}


def type_checks() -> set[str]:
    """Checks that apply to some case types only."""
    return {c for ct in CASE_TYPE_TABLE.values() for c in ct.checks}
