"""CSV / TSV export for tools that read flat glossaries (OmegaT reads TSV; DeepL CSV)."""
from __future__ import annotations

import csv
import io

from docgen.glossary.model import Term

COLUMNS = ("id", "zh", "en", "ru", "pos", "gender", "inflects", "status", "source", "note")


def export_csv(terms: list[Term], delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(COLUMNS)
    for t in terms:
        w.writerow([t.id, t.zh, t.en, t.ru, t.pos, t.gender or "", "yes" if t.inflects else "no", t.status,
                    t.source, t.note])
    return buf.getvalue()
