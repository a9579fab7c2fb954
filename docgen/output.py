"""Moved to `docgen.store.outdir` (the output store owns the output folder)."""
from docgen.store.outdir import MARKER, PREVIOUS_PREFIX, check_outdir, staged_folder, write_json  # noqa: F401
