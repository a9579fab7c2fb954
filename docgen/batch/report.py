"""The batch report: `batch-report.xlsx` (openpyxl) and `batch-report.html`, one row per
case, then the refused rows, then — for takedowns — the root causes across SKUs (how
many SKUs per reason and the evidence each reason needs: the 根因聚类 of seed 000)."""
from __future__ import annotations

import datetime as dt
import html
import os
from collections import Counter
from pathlib import Path

from docgen.batch.plan import reason_evidence, takedown_reason

CASE_COLUMNS = ("case", "type", "orders / SKUs", "status", "state", "errors", "warnings",
                "errors by check", "warnings by check", "outputs", "notes")
PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "field", "message", "case")
CAUSE_COLUMNS = ("reason", "SKUs", "share", "Ozon's words", "evidence needed (zh)", "evidence needed (ru)", "SKU list")


def _by_check(counts: dict[str, int] | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted((counts or {}).items()))


def _submit(outdir: str) -> str:
    """What goes to Ozon: the build's submit/ folder (its whole OUTDIR when it has none)."""
    sub = Path(outdir) / "submit"
    return str(sub) if sub.is_dir() else outdir


def case_rows(batch) -> list[list]:
    rows = []
    for r in batch.results:
        notes = "; ".join(x for x in [r.note, *r.problems] if x)
        rows.append([r.id, r.case_type, ", ".join(r.keys), r.status, r.state or "", r.summary.get("error", ""),
                     r.summary.get("warning", ""), _by_check(r.by_check.get("error")),
                     _by_check(r.by_check.get("warning")), os.path.relpath(_submit(r.outdir), batch.outdir), notes])
    return rows


def problem_rows(batch) -> list[list]:
    return [[Path(p.where.file).name, p.where.sheet or "", p.where.row if p.where.row is not None else "",
             p.where.column or "", p.field, p.message, p.case_id or ""] for p in batch.problems]


def root_causes(batch) -> list[list]:
    """Takedown cases grouped by reason: count, Ozon's words, evidence each reason needs."""
    by_reason: dict[str, list] = {}
    words: dict[str, Counter] = {}
    for r in batch.results:
        if r.case_type != "listing_takedown":
            continue
        codes = [takedown_reason(t) for t in r.reasons] or ["other"]
        code = next((c for c in codes if c != "other"), codes[0])
        by_reason.setdefault(code, []).extend(r.keys)
        words.setdefault(code, Counter()).update(r.reasons)
    total = sum(len(v) for v in by_reason.values()) or 1
    rows = []
    for code, skus in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        common = "; ".join(w for w, _ in words[code].most_common(3))
        rows.append([code, len(skus), f"{len(skus) / total:.0%}", common, reason_evidence(code, "zh"),
                     reason_evidence(code, "ru"), ", ".join(skus)])
    return rows


def write_xlsx(batch, path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = openpyxl.Workbook()
    sheets = [("Cases", CASE_COLUMNS, case_rows(batch)), ("Refused rows", PROBLEM_COLUMNS, problem_rows(batch))]
    causes = root_causes(batch)
    if causes:
        sheets.append(("Root causes", CAUSE_COLUMNS, causes))
    fills = {"failed": "F8D7DA", "built": None, "unchanged": "E2E3E5"}
    for i, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append(list(columns))
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in rows:
            ws.append(row)
            if title == "Cases" and (colour := fills.get(row[3])):
                for c in ws[ws.max_row]:
                    c.fill = PatternFill("solid", fgColor=colour)
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
            for c in col[1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    os.replace(tmp, path)


def _table(columns, rows, link_col: int | None = None) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for j, v in enumerate(row):
            text = html.escape(str(v))
            if j == link_col and v:
                text = f'<a href="{html.escape(str(v), quote=True)}/">{text}</a>'
            cells.append(f"<td>{text}</td>")
        cls = f' class="{html.escape(str(row[3]))}"' if link_col is not None else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def write_html(batch, path: Path) -> None:
    results = batch.results
    count = Counter(r.status for r in results)
    errors = sum(1 for r in results if r.summary.get("error"))
    parts = [
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>docgen batch report</title>",
        "<style>body{font-family:'Noto Sans','Noto Sans CJK SC',sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #bbb;padding:4px 8px;"
        "vertical-align:top;text-align:left}th{background:#eee}tr.failed{background:#f8d7da}"
        "tr.unchanged{color:#666}</style></head><body>",
        "<h1>docgen batch report</h1>",
        f"<p>{html.escape(dt.datetime.now().strftime('%Y-%m-%d %H:%M'))} · {len(results)} case(s): "
        f"{count.get('built', 0)} built, {count.get('unchanged', 0)} unchanged, {count.get('failed', 0)} failed; "
        f"{errors} with error findings; {len(batch.problems)} refused row(s); {batch.seconds:.0f} s</p>",
        "<h2>Cases</h2>", _table(CASE_COLUMNS, case_rows(batch), link_col=9),
    ]
    if batch.problems:
        parts += ["<h2>Refused rows</h2>", _table(PROBLEM_COLUMNS, problem_rows(batch))]
    causes = root_causes(batch)
    if causes:
        parts += ["<h2>Takedowns: root causes</h2>", _table(CAUSE_COLUMNS, causes)]
    if batch.skipped:
        parts += ["<h2>Skipped</h2><ul>"] + [f"<li>{html.escape(s)}</li>" for s in batch.skipped] + ["</ul>"]
    parts.append("</body></html>\n")
    tmp = path.with_name(path.name + ".part")
    tmp.write_text("".join(parts), encoding="utf-8")
    os.replace(tmp, path)


def write_reports(batch) -> list[Path]:
    batch.outdir.mkdir(parents=True, exist_ok=True)
    xlsx, page = batch.outdir / "batch-report.xlsx", batch.outdir / "batch-report.html"
    write_xlsx(batch, xlsx)
    write_html(batch, page)
    return [xlsx, page]
