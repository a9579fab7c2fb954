"""Moved to `docgen.render.signoff` (composition lives in render/)."""
from docgen.render.signoff import Review, signoff_blocks  # noqa: F401
