"""Moved to `docgen.lang.morph` (language facts shared by translate and qa)."""
from docgen.lang.morph import PREPOSITION_CASE, _analyzer, analyzer, case_from_context, inflect_term  # noqa: F401
