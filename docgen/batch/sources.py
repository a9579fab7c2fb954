"""Reading a batch source into records: one record per spreadsheet row, per posting of a
saved `/v3/posting/fbs/list` response, per product of a saved `/v3/product/info/list`
response. A record is a flat mapping of case fields (see data/columns.yaml) with the
cell each value came from, so that every later problem can name file, sheet, row and
column. Nothing here writes anything or reaches the network."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from docgen.errors import DocgenError, Problem
from docgen.i18n import Coded, current_language, msg, render
from docgen.resources import batch_data_dir

SPREADSHEETS = (".csv", ".xlsx", ".xlsm")
MAX_SOURCE_BYTES = 50 * 1024 * 1024
FACT_FIELDS = ("fact", "fact_date", "fact_ru", "fact_en", "fact_evidence")


@dataclass(frozen=True)
class Cell:
    """Where a value came from: file, sheet (xlsx), row (1-based, as the spreadsheet
    shows it, or the item's index in a JSON list) and column header (or JSON key)."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def render(self, lang: str | None = None) -> str:
        """«holds.csv row 6 column «事实1日期»» / «holds.csv 第 6 行「事实1日期」列» (default: the UI language)."""
        lang = lang or current_language()
        out = self.file
        if self.sheet:
            out += f" [{self.sheet}]"
        if self.row is not None:
            out += " " + render(msg("batch.where-row", row=self.row), lang)
        if self.column:  # «第 6 行「事实1日期」列»: no space before a CJK bracket
            out += ("" if lang == "zh" and self.row is not None else " ") + \
                render(msg("batch.where-column", column=self.column), lang)
        return out

    def __str__(self) -> str:
        return self.render()


@dataclass
class RowProblem(Coded):
    """A refused row (or case) in the batch report: where, and the loader's message
    (a Msg: code + parameters, rendered in the UI language at the edge)."""

    where: Cell
    field: str
    message: str  # a Msg
    case_id: str | None = None

    def render(self, lang: str | None = None) -> str:
        return f"{self.where.render(lang)}: {self.field + ': ' if self.field else ''}{render(self.message, lang)}"

    def __str__(self) -> str:
        return self.render()


@dataclass
class Record:
    origin: Cell  # file/sheet/row, no column
    values: dict[str, object] = field(default_factory=dict)  # case field → value
    cells: dict[str, Cell] = field(default_factory=dict)  # case field → its cell
    facts: dict[int, dict[str, object]] = field(default_factory=dict)  # n → fact fields
    fact_cells: dict[tuple[int, str], Cell] = field(default_factory=dict)
    kind: str = "row"  # row | posting | product

    def get(self, name: str):
        return self.values.get(name)

    def cell(self, name: str) -> Cell:
        return self.cells.get(name, self.origin)


# -- header aliases ----------------------------------------------------------------------

_NORMALISE = re.compile(r"[\s_\-.()/（）:：]+")


def _norm(header: str) -> tuple[str, int | None]:
    text = str(header).strip().casefold()
    m = re.search(r"\d+", text)
    number = int(m.group()) if m else None
    if m:
        text = text[:m.start()] + text[m.end():]
    return _NORMALISE.sub("", text), number


@lru_cache(maxsize=4)
def _aliases(path: str) -> dict[str, str]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: dict[str, str] = {}
    for name, aliases in data.items():
        for alias in [name, *aliases]:
            key, _ = _norm(str(alias))
            if key in out and out[key] != name:
                raise DocgenError(Problem(path, name, msg("batch.alias-twice", alias=alias, other=out[key])))
            out[key] = name
    return out


def columns_file() -> Path:
    return batch_data_dir() / "columns.yaml"


def map_header(header: str) -> tuple[str | None, int | None]:
    """(case field, fact number) for a header, or (None, None) when unknown."""
    key, number = _norm(header)
    name = _aliases(str(columns_file())).get(key)
    if name is None and number is not None:  # "E2" style headers keep their digits
        name = _aliases(str(columns_file())).get(_NORMALISE.sub("", str(header).strip().casefold()))
        number = None
    return name, number


# -- cell values ---------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%Y.%m.%d", "%d/%m/%Y", "%Y年%m月%d日")


def parse_date(value) -> dt.date:
    """A date from a cell: a real date, or text in the usual ru/en/zh forms."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if "T" in text and re.match(r"\d{4}-\d{2}-\d{2}T", text):  # API timestamps
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r} (write 2026-10-24, 24.10.2026 or 2026年10月24日)")


def cell_text(value) -> str | None:
    """A cell as case-file text: numbers without a trailing .0 (spreadsheets store IDs as
    numbers), dates as ISO, blanks as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


# -- spreadsheets ----------------------------------------------------------------------------


def _rows_to_records(path: Path, sheet: str | None, rows, problems: list[RowProblem]) -> list[Record]:
    """rows: iterator of (row number, list of values); the first non-empty row is the header."""
    shown = str(path)
    header: list[tuple[str, str | None, int | None]] | None = None
    records: list[Record] = []
    for number, values in rows:
        if all(cell_text(v) is None for v in values):
            continue
        if header is None:
            header = []
            for v in values:
                text = cell_text(v) or ""
                if not text or text.startswith("#"):
                    header.append((text, None, None))
                    continue
                name, n = map_header(text)
                if name is None:
                    problems.append(RowProblem(Cell(shown, sheet, number, text), "",
                                               msg("batch.unknown-column", column=text, columns=columns_file())))
                header.append((text, name, n))
            continue
        rec = Record(origin=Cell(shown, sheet, number))
        values = list(values) + [None] * (len(header) - len(values))
        for (text, name, n), value in zip(header, values):
            if name is None:
                continue
            where = Cell(shown, sheet, number, text)  # kept for blank cells too: "column X is empty"
            if name in FACT_FIELDS:
                key = n or 1
                if cell_text(value) is not None:
                    rec.facts.setdefault(key, {})[name] = value
                    rec.fact_cells[(key, name)] = where
            else:
                rec.cells.setdefault(name, where)
                if cell_text(value) is not None:
                    rec.values[name] = value
                    rec.cells[name] = where
        records.append(rec)
    return records


def read_csv(path: Path, problems: list[RowProblem]) -> list[Record]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # Excel on a Chinese Windows saves CSV as GBK
        except UnicodeDecodeError as e:
            raise DocgenError(Problem(str(path), "", msg("batch.not-utf8-or-gbk", start=e.start))) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as e:
        raise DocgenError(Problem(str(path), "", msg("batch.csv-unreadable", error=str(e)), reader.line_num)) from None
    return _rows_to_records(path, None, rows, problems)


def read_xlsx(path: Path, problems: list[RowProblem]) -> list[Record]:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise DocgenError(Problem(str(path), "", msg("batch.xlsx-unreadable", error=type(e).__name__))) from None
    records: list[Record] = []
    try:
        for ws in wb.worksheets:
            if ws.title.startswith("#"):
                continue
            rows = ((i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1))
            records += _rows_to_records(path, ws.title, rows, problems)
    finally:
        wb.close()
    return records


# -- saved Seller API responses ------------------------------------------------------------


def _json_records(path: Path, data, problems: list[RowProblem]) -> list[Record]:
    shown = str(path)
    result = data.get("result", data) if isinstance(data, dict) else None
    if isinstance(result, dict) and isinstance(result.get("postings"), list):
        return [_posting_record(shown, i, p, problems) for i, p in enumerate(result["postings"])
                if isinstance(p, dict)]
    if isinstance(result, dict) and isinstance(result.get("items"), list):
        return [_product_record(shown, i, p) for i, p in enumerate(result["items"]) if isinstance(p, dict)]
    if isinstance(result, list) and result and isinstance(result[0], dict) and "posting_number" in result[0]:
        return [_posting_record(shown, i, p, problems) for i, p in enumerate(result)]
    raise DocgenError(Problem(shown, "", msg("batch.api-json-unknown")))


def _put(rec: Record, name: str, value, key: str) -> None:
    if value is None or value == "" or value == []:
        return
    rec.values[name] = value
    rec.cells[name] = Cell(rec.origin.file, None, rec.origin.row, key)


def _posting_record(shown: str, i: int, p: dict, problems: list[RowProblem]) -> Record:
    rec = Record(origin=Cell(shown, "postings", i), kind="posting")
    _put(rec, "order", cell_text(p.get("posting_number")), "posting_number")
    _put(rec, "tracking", cell_text(p.get("tracking_number")), "tracking_number")
    products = [x for x in p.get("products") or [] if isinstance(x, dict)]
    if len(products) == 1:
        _put(rec, "sku", cell_text(products[0].get("sku")), "products[0].sku")
        _put(rec, "offer_id", cell_text(products[0].get("offer_id")), "products[0].offer_id")
        _put(rec, "name", cell_text(products[0].get("name")), "products[0].name")
    total, currency = 0.0, None
    try:
        for x in products:
            total += float(x.get("price") or 0) * int(x.get("quantity") or 1)
            currency = currency or x.get("currency_code")
        if products and total:
            _put(rec, "amount", f"{total:.2f} {currency or 'RUB'}", "products[].price")
    except (TypeError, ValueError):
        problems.append(RowProblem(Cell(shown, "postings", i, "products[].price"), "items[0].amount",
                                   msg("batch.price-not-number")))
    # dates the fact templates may use: {shipment_date} {delivering_date} {in_process_at}
    for key in ("in_process_at", "shipment_date", "delivering_date"):
        if p.get(key):
            try:
                rec.values[key] = parse_date(p[key])
            except ValueError:
                pass
    rec.values["status"] = cell_text(p.get("status"))
    if p.get("order_id") is not None:
        rec.values["order_id"] = cell_text(p.get("order_id"))
    return rec


def _product_record(shown: str, i: int, p: dict) -> Record:
    rec = Record(origin=Cell(shown, "items", i), kind="product")
    _put(rec, "sku", cell_text(p.get("sku")), "sku")
    _put(rec, "offer_id", cell_text(p.get("offer_id")), "offer_id")
    _put(rec, "name", cell_text(p.get("name")), "name")
    texts: list[str] = []
    for a in p.get("availabilities") or []:
        if not isinstance(a, dict) or a.get("availability") == "AVAILABLE":
            continue
        if not rec.get("sku") and a.get("sku"):
            _put(rec, "sku", cell_text(a.get("sku")), "availabilities[].sku")
        for r in a.get("reasons") or []:
            human = (r.get("human_text") or {}) if isinstance(r, dict) else {}
            text = human.get("text") if isinstance(human, dict) else human
            if text and str(text).strip() not in texts:
                texts.append(str(text).strip())
    errors = [e for e in p.get("errors") or [] if isinstance(e, dict)]
    for e in errors:  # moderation errors that block sale count as reasons too
        text = e.get("description") or (e.get("texts") or {}).get("description") or e.get("code")
        if text and str(e.get("level", "")).upper() in ("", "ERROR_LEVEL_ERROR", "ERROR_LEVEL_CRITICAL", "ERROR",
                                                         "CRITICAL") and str(text) not in texts:
            texts.append(str(text))
    status = p.get("statuses") if isinstance(p.get("statuses"), dict) else {}
    if not texts and (status.get("moderate_status") == "declined" or status.get("status") in ("failed", "declined")):
        texts.append(str(status.get("status_description") or status.get("status_name") or status.get("status")))
    rec.values["hidden"] = bool(texts)
    rec.values["human_texts"] = texts
    rec.cells["human_texts"] = Cell(shown, "items", i, "availabilities[].reasons[].human_text")
    rec.values["case_type"] = "listing_takedown"
    return rec


def read_json(path: Path, problems: list[RowProblem]) -> list[Record]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as e:
        raise DocgenError(Problem(str(path), "", msg("batch.not-utf8", start=e.start))) from None
    except json.JSONDecodeError as e:
        raise DocgenError(Problem(str(path), "", msg("batch.invalid-json", error=e.msg), e.lineno)) from None
    return _json_records(path, data, problems)


def read_records(path: Path, problems: list[RowProblem]) -> list[Record]:
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise DocgenError(Problem(str(path), "", msg("batch.source-too-large", mb=MAX_SOURCE_BYTES // 1024 // 1024)))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, problems)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, problems)
    if suffix == ".json":
        return read_json(path, problems)
    raise DocgenError(Problem(str(path), "", msg("batch.source-kind")))
