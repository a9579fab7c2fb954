"""`docgen batch`: many cases at once — from a folder of case folders, a spreadsheet, or
a saved Seller API response — built in parallel, with a report (see README "Batch").
Names are imported on first use, so `docgen --help` stays light."""
from __future__ import annotations

_NAMES = {"Job": "plan", "Plan": "plan", "plan_batch": "plan", "BatchOptions": "run", "BatchResult": "run",
          "JobResult": "run", "run_batch": "run"}
__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        import importlib

        return getattr(importlib.import_module(f"docgen.batch.{_NAMES[name]}"), name)
    raise AttributeError(name)
