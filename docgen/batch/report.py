"""The batch report: `batch-report.xlsx` (openpyxl) and `batch-report.html`, one row per
case, then the refused rows, then — for takedowns — the root causes across SKUs (how
many SKUs per reason and the evidence each reason needs: the 根因聚类 of seed 000).
Written in the UI language (sheet titles, headers, headings, status words)."""
from __future__ import annotations

import datetime as dt
import html
import os
import unicodedata
from collections import Counter
from pathlib import Path

from docgen.batch.plan import reason_evidence, takedown_reason
from docgen.batch.wording import shown, word
from docgen.i18n import current_language, msg, render

# Headers and titles are catalog codes, written in the report's language (the UI language:
# `--ui zh` gives a Chinese report); the values (ids, check names, paths, reason codes) stay as they are.
CASE_COLUMNS = ("batch.col-case", "batch.col-type", "batch.col-keys", "batch.col-status", "batch.col-state",
                "batch.col-errors", "batch.col-warnings", "batch.col-errors-by-check", "batch.col-warnings-by-check",
                "batch.col-outputs", "batch.col-notes")
PROBLEM_COLUMNS = ("batch.col-file", "batch.col-sheet", "batch.col-row", "batch.col-column", "batch.col-field",
                   "batch.col-message", "batch.col-case")
CAUSE_COLUMNS = ("batch.col-reason", "batch.col-skus", "batch.col-share", "batch.col-ozon-words",
                 "batch.col-evidence-zh", "batch.col-evidence-ru", "batch.col-sku-list")
OUTPUT_COLUMN = CASE_COLUMNS.index("batch.col-outputs")


def _words(codes, lang: str) -> list[str]:
    return [render(msg(c), lang) for c in codes]


def _width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _by_check(counts: dict[str, int] | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted((counts or {}).items()))


def _submit(outdir: str) -> str:
    """What goes to Ozon: the build's submit/ folder (its whole OUTDIR when it has none)."""
    sub = Path(outdir) / "submit"
    return str(sub) if sub.is_dir() else outdir


def case_rows(batch, lang: str = "en") -> list[list]:
    rows = []
    for r in batch.results:
        notes = "; ".join(shown(x, lang) for x in [r.note, *r.problems] if x)
        rows.append([r.id, r.case_type, ", ".join(r.keys), word(r.status, lang), word(r.state, lang),
                     r.summary.get("error", ""), r.summary.get("warning", ""), _by_check(r.by_check.get("error")),
                     _by_check(r.by_check.get("warning")), os.path.relpath(_submit(r.outdir), batch.outdir), notes])
    return rows


def problem_rows(batch, lang: str = "en") -> list[list]:
    return [[Path(p.where.file).name, p.where.sheet or "", p.where.row if p.where.row is not None else "",
             p.where.column or "", p.field, render(p.message, lang), p.case_id or ""] for p in batch.problems]


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


def write_xlsx(batch, path: Path, lang: str = "en") -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = openpyxl.Workbook()
    statuses = [r.status for r in batch.results]
    sheets = [("batch.sheet-cases", CASE_COLUMNS, case_rows(batch, lang), statuses),
              ("batch.sheet-refused", PROBLEM_COLUMNS, problem_rows(batch, lang), [])]
    causes = root_causes(batch)
    if causes:
        sheets.append(("batch.sheet-root-causes", CAUSE_COLUMNS, causes, []))
    fills = {"failed": "F8D7DA", "built": None, "unchanged": "E2E3E5"}
    for i, (title, columns, rows, status) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = render(msg(title), lang)
        ws.append(_words(columns, lang))
        for c in ws[1]:
            c.font = Font(bold=True)
        for j, row in enumerate(rows):
            ws.append(row)
            if j < len(status) and (colour := fills.get(status[j])):
                for c in ws[ws.max_row]:
                    c.fill = PatternFill("solid", fgColor=colour)
        for col in ws.columns:
            width = max(_width(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
            for c in col[1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    os.replace(tmp, path)


def _table(columns, rows, link_col: int | None = None, classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, v in enumerate(row):
            text = html.escape(str(v))
            if j == link_col and v:
                text = f'<a href="{html.escape(str(v), quote=True)}/">{text}</a>'
            cells.append(f"<td>{text}</td>")
        cls = f' class="{html.escape(classes[i])}"' if classes else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def write_html(batch, path: Path, lang: str = "en") -> None:
    results = batch.results
    count = Counter(r.status for r in results)
    errors = sum(1 for r in results if r.summary.get("error"))

    def say(code: str, **params) -> str:
        return html.escape(render(msg(code, **params), lang))

    title = say("batch.report-title")
    summary = say("batch.report-summary", when=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), cases=len(results),
                  built=count.get("built", 0), unchanged=count.get("unchanged", 0), failed=count.get("failed", 0),
                  errors=errors, refused=len(batch.problems), seconds=round(batch.seconds))
    parts = [
        f"<!doctype html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title>",
        "<style>body{font-family:'Noto Sans','Noto Sans CJK SC',sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #bbb;padding:4px 8px;"
        "vertical-align:top;text-align:left}th{background:#eee}tr.failed{background:#f8d7da}"
        "tr.unchanged{color:#666}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>{summary}</p>",
        f"<h2>{say('batch.sheet-cases')}</h2>",
        _table(_words(CASE_COLUMNS, lang), case_rows(batch, lang), link_col=OUTPUT_COLUMN,
               classes=[r.status for r in results]),
    ]
    if batch.problems:
        parts += [f"<h2>{say('batch.sheet-refused')}</h2>", _table(_words(PROBLEM_COLUMNS, lang), problem_rows(batch, lang))]
    causes = root_causes(batch)
    if causes:
        parts += [f"<h2>{say('batch.heading-root-causes')}</h2>", _table(_words(CAUSE_COLUMNS, lang), causes)]
    if batch.skipped:
        parts += [f"<h2>{say('batch.heading-skipped')}</h2><ul>"]
        parts += [f"<li>{html.escape(shown(s, lang))}</li>" for s in batch.skipped] + ["</ul>"]
    parts.append("</body></html>\n")
    tmp = path.with_name(path.name + ".part")
    tmp.write_text("".join(parts), encoding="utf-8")
    os.replace(tmp, path)


def write_reports(batch, lang: str | None = None) -> list[Path]:
    """batch-report.xlsx and .html in `lang` (default: the UI language)."""
    lang = lang or current_language()
    batch.outdir.mkdir(parents=True, exist_ok=True)
    xlsx, page = batch.outdir / "batch-report.xlsx", batch.outdir / "batch-report.html"
    write_xlsx(batch, xlsx, lang)
    write_html(batch, page, lang)
    return [xlsx, page]
