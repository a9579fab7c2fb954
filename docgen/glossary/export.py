"""CSV / TSV export for tools that read flat glossaries (OmegaT reads TSV; DeepL CSV)."""
from __future__ import annotations

import csv
import io

from docgen.glossary.model import Term

COLUMNS = ("id", "zh", "en", "ru", "pos", "gender", "inflects", "status", "source", "note")


def safe_cell(value: str) -> str:
    """A spreadsheet reads a cell starting with = + - @ (or tab/CR) as a formula: such a cell
    gets a leading apostrophe, which spreadsheets show as text (OWASP CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(terms: list[Term], delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(COLUMNS)
    for t in terms:
        w.writerow([safe_cell(str(x)) for x in (t.id, t.zh, t.en, t.ru, t.pos, t.gender or "",
                                                 "yes" if t.inflects else "no", t.status, t.source, t.note)])
    return buf.getvalue()
