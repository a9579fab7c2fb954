"""QA: checks registered by name, each with a severity, returning findings."""
from docgen.qa.registry import CHECKS, Check, QAContext, run_checks, summary

__all__ = ["CHECKS", "Check", "QAContext", "run_checks", "summary"]
