"""The glossary of Ozon policy terms (zh / en / ru), stored as TBX.

Used by translation (terms protected before MT and restored in the right Russian case)
and by QA (terminology). `load_glossary()` reads `glossary/ozon.tbx`."""
from docgen.glossary.model import GENDERS, POS, STATUSES, Glossary, Term, TermMatch
from docgen.glossary.tbx import load_glossary, read_tbx, write_tbx
from docgen.glossary.export import export_csv
from docgen.glossary.check import check_glossary

__all__ = ["GENDERS", "POS", "STATUSES", "Glossary", "Term", "TermMatch", "load_glossary", "read_tbx", "write_tbx",
           "export_csv", "check_glossary"]
