"""From records to case folders: `--defaults` merged in, rows grouped by the rules of
each case type, evidence matched and copied, every case written as
`OUTDIR/cases/<id>/case.yaml` and checked by the case loader. A row or case the loader
refuses is reported (file, sheet, row, column, the loader's message) and left out;
the others go on.

Grouping rules (one appeal per problem, as Ozon wants them):
- fund_hold: exactly one order per case; a cell listing several orders gives one case each;
- listing_takedown: one case per SKU (rows of the same SKU merge);
- performance_review: one case per metric and notice, listing every order;
- support_request: one case per row."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from docgen.batch.sources import Cell, Record, RowProblem, cell_text, parse_date, read_records
from docgen.case.loader import load_case
from docgen.case.model import CASE_TYPES
from docgen.errors import DocgenError, Problem
from docgen.i18n import Msg, msg
from docgen.resources import batch_data_dir

DEFAULT_KEYS = ("case_type", "language", "target", "letter_date", "reference", "seller", "notice", "facts",
                "evidence", "evidence_dir", "request", "request_ru", "request_en", "appeal_round", "rule",
                "evidence_rules", "reason", "reason_text", "takedown_kind", "metric", "metric_name", "window_days",
                "topic", "topic_text", "payout_id", "hold_reason")
CASE_PREFIX = {"fund_hold": "hold", "listing_takedown": "sku", "performance_review": "perf",
               "support_request": "req"}
GENERATED = ".batch.json"  # in each case folder: the hash of the case.yaml docgen wrote


@dataclass
class Job:
    """One case to build (picklable: it crosses to worker processes)."""

    id: str
    case_type: str
    case_path: str
    outdir: str
    keys: list[str] = field(default_factory=list)  # the orders or SKUs it covers
    reasons: list[str] = field(default_factory=list)  # takedowns: Ozon's words
    note: str | None = None  # a Msg, e.g. batch.edited-by-hand


@dataclass
class Plan:
    jobs: list[Job]
    problems: list[RowProblem]
    skipped: list[RowProblem] = field(default_factory=list)  # rows left out, e.g. products not hidden


# -- data files --------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _yaml(name: str, folder: str) -> dict:
    return yaml.safe_load((Path(folder) / name).read_text(encoding="utf-8")) or {}


def data(name: str) -> dict:
    return _yaml(name, str(batch_data_dir()))


def _canon(kind: str, value: str, allowed) -> str:
    text = " ".join(str(value).split()).casefold()
    if text in allowed:
        return text
    for name, words in (data("values.yaml").get(kind) or {}).items():
        if text == name or text in (w.casefold() for w in words):
            return name
    return str(value)  # left as written: the loader names what is allowed


def takedown_reason(text: str) -> str:
    for name, spec in (data("takedown_reasons.yaml").get("reasons") or {}).items():
        if text.strip() == name:
            return name
        for pat in spec.get("patterns") or []:
            if re.search(pat, text, re.IGNORECASE):
                return name
    return "other"


def reason_evidence(reason: str, lang: str) -> str:
    spec = (data("takedown_reasons.yaml").get("reasons") or {}).get(reason) or {}
    return (spec.get("evidence") or {}).get(lang, "")


# -- defaults ------------------------------------------------------------------------------


def load_defaults(path: Path | None) -> tuple[dict, Path | None, dict[str, int]]:
    """(values, folder, key → line). Unknown keys are bad input (exit 2)."""
    if path is None:
        return {}, None, {}
    shown = str(path)
    if not path.is_file():
        raise DocgenError(Problem(shown, "--defaults", msg("batch.defaults-not-found")))
    try:
        text = path.read_text(encoding="utf-8-sig")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text) or {}
    except UnicodeDecodeError as e:
        raise DocgenError(Problem(shown, "", msg("batch.not-utf8", start=e.start))) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DocgenError(Problem(shown, "", msg("batch.invalid-yaml", detail=str(getattr(e, 'problem', None) or e)),
                                  mark.line + 1 if mark else None)) from None
    if not isinstance(values, dict):
        raise DocgenError(Problem(shown, "", msg("batch.defaults-not-mapping"), 1))
    lines = {k.value: k.start_mark.line + 1 for k, _ in root.value} if isinstance(root, yaml.MappingNode) else {}
    problems = [Problem(shown, k, msg("batch.defaults-unknown-field", allowed=", ".join(DEFAULT_KEYS)), lines.get(k))
                for k in values if k not in DEFAULT_KEYS]
    for k, kind in (("seller", dict), ("notice", dict), ("facts", list), ("evidence", list)):
        if k in values and not isinstance(values[k], kind):
            problems.append(Problem(shown, k, msg("batch.must-be-mapping" if kind is dict else "batch.must-be-list"), lines.get(k)))
    if problems:
        raise DocgenError(problems)
    return values, path.resolve().parent, lines


# -- placeholders in defaults texts: data, never code ---------------------------------

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = ("order", "orders", "order_count", "sku", "skus", "tracking", "amount", "offer_id", "name",
                "notice_code", "notice_date", "shipment_date", "delivering_date", "in_process_at", "human_text",
                "shop_id")


def _fmt_date(value: dt.date, lang: str) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.strftime("%d.%m.%Y")


class _Fill:
    def __init__(self, values: dict, lang: str):
        self.values, self.lang = values, lang
        self.missing: list[Msg] = []

    def __call__(self, text: str, lang: str | None = None) -> str:
        lang = lang or self.lang

        def one(m: re.Match) -> str:
            name = m.group(1)
            if name not in PLACEHOLDERS:
                self.missing.append(msg("batch.unknown-placeholder", name="{" + name + "}",
                                        known=["{" + p + "}" for p in PLACEHOLDERS]))
                return m.group()
            value = self.values.get(name)
            if value in (None, "", []):
                self.missing.append(msg("batch.placeholder-no-value", name="{" + name + "}"))
                return m.group()
            if isinstance(value, dt.date):
                return _fmt_date(value, lang)
            return str(value)

        return _PLACEHOLDER.sub(one, text)


# -- evidence folder -----------------------------------------------------------------------


class EvidenceFolder:
    def __init__(self, folder: Path | None):
        self.folder = folder.resolve() if folder else None
        self.meta: dict[str, dict] = {}
        self.files: list[Path] = []
        if self.folder and self.folder.is_dir():
            from docgen.evidence.index import SIDECARS, _read_sidecar

            self.meta, _ = _read_sidecar(self.folder)
            self.files = sorted(p for p in self.folder.rglob("*") if p.is_file() and p.name not in SIDECARS
                                and not any(x.startswith(".") for x in p.relative_to(self.folder).parts))
        self._tokens = {p: set(re.split(r"[_\s]+", p.stem.casefold())) for p in self.files}

    def glob(self, pattern: str) -> list[Path]:
        if not self.folder:
            return []
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            return []
        return sorted(p for p in self.folder.glob(pattern) if p in self._tokens)

    def matching(self, ids: list[str]) -> list[Path]:
        """Files whose name carries one of these IDs as a _-separated part (A01_tracking_<ID>.pdf)."""
        wanted = {i.casefold() for i in ids if i}
        return [p for p in self.files if self._tokens[p] & wanted]

    def describe(self, path: Path, langs: tuple[str, ...]) -> dict:
        rel = path.relative_to(self.folder).as_posix() if self.folder else path.name
        m = self.meta.get(rel) or self.meta.get(path.name) or {}
        out: dict = {}
        kinds = {k.casefold(): v for k, v in data("evidence_kinds.yaml").items()}
        parts = path.stem.split("_")
        what = parts[1] if len(parts) > 2 and re.match(r"^A\d+$", parts[0]) else parts[0]
        kind = kinds.get(what.casefold()) or {}
        source, target = langs
        out["description"] = str(m.get("description") or kind.get(source) or _name_text(path))
        tgt = m.get(f"description_{target}") or (kind.get(target) if not m.get("description") else None)
        if tgt and target != source:
            out[f"description_{target}"] = str(tgt)
        if m.get("date"):
            try:
                out["date"] = parse_date(m["date"])
            except ValueError:
                pass
        return out


def _name_text(path: Path) -> str:
    stem = re.sub(r"^A\d{2}_", "", path.stem)
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or path.name


# -- grouping ------------------------------------------------------------------------------


def _split_ids(value) -> list[str]:
    text = cell_text(value) or ""
    return [t for t in re.split(r"[;,，；\s]+", text) if t]


def _record_type(rec: Record, defaults: dict) -> str | None:
    value = rec.get("case_type") or defaults.get("case_type")
    if value is None and rec.kind == "posting":
        return "fund_hold"
    return _canon("case_type", value, CASE_TYPES) if value is not None else None


def group_records(records: list[Record], defaults: dict, problems: list[RowProblem]) -> list[tuple[str, list[Record]]]:
    groups: dict[tuple, tuple[str, list[Record]]] = {}
    for rec in records:
        ctype = _record_type(rec, defaults)
        if ctype is None:
            problems.append(RowProblem(rec.cell("case_type"), "case_type", msg("batch.case-type-missing")))
            continue
        if ctype not in CASE_TYPES:
            problems.append(RowProblem(rec.cell("case_type"), "case_type",
                                       msg("batch.unknown-case-type", value=ctype, allowed=list(CASE_TYPES))))
            continue
        shop = cell_text(rec.get("shop_id"))
        if ctype == "fund_hold":
            orders = _split_ids(rec.get("order"))
            if not orders:
                problems.append(RowProblem(rec.cell("order"), "items[0].order", msg("batch.fund-hold-needs-order")))
                continue
            for order in orders:  # one case per held order, even when a cell lists several
                one = Record(rec.origin, {**rec.values, "order": order}, rec.cells, rec.facts, rec.fact_cells, rec.kind)
                groups.setdefault((ctype, shop, order), (ctype, []))[1].append(one)
        elif ctype == "listing_takedown":
            sku = cell_text(rec.get("sku"))
            if not sku:
                problems.append(RowProblem(rec.cell("sku"), "items[0].sku", msg("batch.takedown-needs-sku")))
                continue
            groups.setdefault((ctype, shop, sku), (ctype, []))[1].append(rec)
        elif ctype == "performance_review":
            metric = _canon("metric", rec.get("metric") or defaults.get("metric") or "", ())
            notice = cell_text(rec.get("notice_code")) or cell_text(rec.get("notice_date")) or ""
            groups.setdefault((ctype, shop, metric, notice), (ctype, []))[1].append(rec)
        else:
            groups[(ctype, rec.origin)] = (ctype, [rec])
    return list(groups.values())


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:80] or "case"


def case_id(ctype: str, recs: list[Record], defaults: dict) -> str:
    first = recs[0]
    if ctype == "fund_hold":
        key = cell_text(first.get("order"))
    elif ctype == "listing_takedown":
        key = cell_text(first.get("sku"))
    elif ctype == "performance_review":
        metric = _canon("metric", first.get("metric") or defaults.get("metric") or "metric", ())
        notice = cell_text(first.get("notice_code")) or cell_text(first.get("notice_date")) \
            or cell_text((defaults.get("notice") or {}).get("code")) or "notice"
        key = f"{metric}-{notice}"
    else:
        key = f"row{first.origin.row}" if first.origin.row is not None else "row"
    return f"{CASE_PREFIX[ctype]}-{_safe_id(str(key))}"


# -- one case ------------------------------------------------------------------------------


@dataclass
class Draft:
    id: str
    case_type: str
    data: dict
    prov: dict[str, Cell]
    evidence_files: list[tuple[Path, str]]  # source file → name inside evidence/
    records: list[Record]
    keys: list[str]
    reasons: list[str]
    problems: list[RowProblem] = field(default_factory=list)


def _date_or_raw(value):
    try:
        return parse_date(value)
    except ValueError:
        return cell_text(value)  # the loader says what is wrong with it


def draft_case(ctype: str, recs: list[Record], defaults: dict, dfolder: Path | None, dlines: dict,
               dshown: str, evf: EvidenceFolder, cid: str) -> Draft:
    first = recs[0]
    prov: dict[str, Cell] = {}
    problems: list[RowProblem] = []

    def dcell(key: str) -> Cell:
        return Cell(dshown, None, dlines.get(key), key)

    def pick(name: str, dkey: str | None = None, path: str | None = None):
        """First row value, else the defaults value; records where it came from."""
        for r in recs:
            if r.get(name) not in (None, ""):
                prov[path or name] = r.cell(name)
                return r.get(name)
        if dkey is not None:
            node = defaults
            for part in dkey.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if node not in (None, ""):
                prov[path or name] = dcell(dkey.split(".")[0])
                return node
        return None

    d: dict = {"case_type": ctype}
    lang = _canon("language", pick("language", "language") or "zh", ("zh", "en"))
    target = _canon("target", pick("target", "target") or "ru", ("ru", "en"))
    d["language"], d["target"] = lang, target
    if (v := pick("letter_date", "letter_date")) is not None:
        d["letter_date"] = _date_or_raw(v)

    seller = dict(defaults.get("seller") or {})
    for col, key in (("seller_name", "name"), ("seller_name_latin", "name_latin"), ("shop_id", "shop_id"),
                     ("seller_email", "email"), ("signatory", "signatory")):
        v = pick(col, None, f"seller.{key}")
        if v is not None:
            seller[key] = cell_text(v)
        elif key in seller:
            prov[f"seller.{key}"] = dcell("seller")
    if isinstance(seller.get("shop_id"), int):
        seller["shop_id"] = str(seller["shop_id"])
    d["seller"] = seller
    prov.setdefault("seller", dcell("seller"))

    # items by case type
    orders = list(dict.fromkeys(o for r in recs for o in _split_ids(r.get("order"))))
    skus = list(dict.fromkeys(s for r in recs if (s := cell_text(r.get("sku")))))
    items: list[dict] = []
    if ctype == "performance_review":
        for o in orders:
            src = next(r for r in recs if o in _split_ids(r.get("order")))
            prov[f"items[{len(items)}]"] = src.cell("order")
            items.append({"order": o})
    else:
        item: dict = {}
        for name in ("order", "sku", "tracking", "amount", "offer_id", "name"):
            v = pick(name, None, f"items[0].{name}")
            if v is not None:
                item[name] = cell_text(v)
        prov["items"] = first.origin
        items.append(item)
    d["items"] = items

    notice = dict(defaults.get("notice") or {})
    if notice:
        prov["notice"] = dcell("notice")
    for col, key in (("notice_date", "date"), ("notice_code", "code"), ("notice_text", "text")):
        v = pick(col, None, f"notice.{key}")
        if v is not None:
            notice[key] = _date_or_raw(v) if key == "date" else cell_text(v)

    # values the defaults' texts may use
    reasons = list(dict.fromkeys(t for r in recs for t in (r.get("human_texts") or [])))
    row_reason = pick("reason", "reason")
    if ctype == "listing_takedown" and row_reason and not reasons and row_reason not in (
            data("takedown_reasons.yaml").get("reasons") or {}):
        reasons = [str(row_reason)]
    fill_values = {
        "order": orders[0] if len(orders) == 1 else ", ".join(orders), "orders": ", ".join(orders),
        "order_count": len(orders) or None, "sku": skus[0] if len(skus) == 1 else ", ".join(skus),
        "skus": ", ".join(skus), "tracking": cell_text(pick("tracking")), "amount": cell_text(pick("amount")),
        "offer_id": cell_text(pick("offer_id")), "name": cell_text(pick("name")),
        "notice_code": notice.get("code"), "notice_date": notice.get("date"),
        "shipment_date": pick("shipment_date"), "delivering_date": pick("delivering_date"),
        "in_process_at": pick("in_process_at"), "human_text": "; ".join(reasons) or None,
        "shop_id": seller.get("shop_id"),
    }
    fill = _Fill(fill_values, lang)
    if isinstance(notice.get("text"), str):
        notice["text"] = fill(notice["text"], target)  # the notice is quoted in Ozon's language
    d["notice"] = notice
    if (v := pick("reference", "reference")) is not None:
        d["reference"] = fill(cell_text(v))

    # evidence: the rows' own (named, or found by order/tracking/SKU in the file name), then the defaults'
    evidence: list[dict] = []
    files: list[tuple[Path, str]] = []
    by_path: dict[Path, str] = {}
    row_ev: dict[int, list[str]] = {}

    def add_file(path: Path, where: Cell, extra: dict | None = None) -> str:
        if path in by_path:
            return by_path[path]
        eid = f"E{len(by_path) + 1}"
        name = path.name
        if any(n == name for _, n in files):
            name = f"{len(files) + 1:02d}_{name}"
        files.append((path, name))
        by_path[path] = eid
        entry = {"id": eid, "file": f"evidence/{name}", **evf.describe(path, (lang, target)), **(extra or {})}
        prov[f"evidence[{len(evidence)}]"] = where
        evidence.append(entry)
        return eid

    for ri, r in enumerate(recs):
        ids: list[str] = []
        if r.get("evidence"):
            for pat in re.split(r"[;\n]+", str(r.get("evidence"))):
                pat = pat.strip()
                if not pat:
                    continue
                found = evf.glob(pat)
                if not found:
                    problems.append(RowProblem(r.cell("evidence"), "evidence",
                                               msg("batch.evidence-no-match", folder=evf.folder, pattern=pat)
                                               if evf.folder else msg("batch.evidence-no-folder", pattern=pat)))
                ids += [add_file(p, r.cell("evidence")) for p in found]
        else:
            keys = _split_ids(r.get("order")) + [cell_text(r.get("tracking")), cell_text(r.get("sku"))]
            ids += [add_file(p, r.origin) for p in evf.matching([k for k in keys if k])]
        row_ev[ri] = list(dict.fromkeys(ids))

    common_ids: dict[str, str] = {}
    for i, ev in enumerate(defaults.get("evidence") or []):
        if not isinstance(ev, dict) or not ev.get("file"):
            problems.append(RowProblem(dcell("evidence"), f"evidence[{i}].file", msg("batch.field-missing")))
            continue
        src = (dfolder / str(ev["file"])).resolve() if dfolder else Path(str(ev["file"]))
        if not src.is_file():
            problems.append(RowProblem(dcell("evidence"), f"evidence[{i}].file",
                                       msg("batch.evidence-file-not-found", file=str(ev["file"]))))
            continue
        extra = {k: v for k, v in ev.items() if k not in ("id", "file")}
        eid = add_file(src, dcell("evidence"), extra)
        if ev.get("id"):
            common_ids[str(ev["id"])] = eid
    d["evidence"] = evidence

    # facts: each row's own, citing that row's evidence unless a fact names its files; then the defaults'
    facts: list[dict] = []
    no_other_facts = not defaults.get("facts") and not any(r.facts for r in recs)
    for ri, r in enumerate(recs):
        if r.kind == "product" and reasons and no_other_facts:
            tmpl = data("takedown_reasons.yaml").get("fact") or {}
            text = {lg: fill(str(t), lg) for lg, t in tmpl.items()}
            fact = {"text": text.get(lang, "")}
            if target != lang and text.get(target):
                fact[f"text_{target}"] = text[target]
            if row_ev[ri]:
                fact["evidence"] = row_ev[ri]
            prov[f"facts[{len(facts)}]"] = r.cell("human_texts")
            facts.append(fact)
        for n in sorted(r.facts):
            fx = r.facts[n]
            fact = {}
            if fx.get("fact_date") is not None:
                fact["date"] = _date_or_raw(fx["fact_date"])
            fact["text"] = cell_text(fx.get("fact"))
            for lg in ("ru", "en"):
                if cell_text(fx.get(f"fact_{lg}")):
                    fact[f"text_{lg}"] = cell_text(fx[f"fact_{lg}"])
            cites = row_ev[ri]
            if fx.get("fact_evidence"):
                cites = []
                for pat in re.split(r"[;,\n]+", str(fx["fact_evidence"])):
                    pat = pat.strip()
                    if pat in common_ids:
                        cites.append(common_ids[pat])
                        continue
                    found = evf.glob(pat)
                    if not found:
                        problems.append(RowProblem(r.fact_cells.get((n, "fact_evidence"), r.origin),
                                                   f"facts[{len(facts)}].evidence",
                                                   msg("batch.fact-evidence-no-match", pattern=pat)))
                    cites += [add_file(p, r.fact_cells.get((n, "fact_evidence"), r.origin)) for p in found]
            if cites:
                fact["evidence"] = list(dict.fromkeys(cites))
            cell = r.fact_cells.get((n, "fact")) or next((c for (k, _), c in r.fact_cells.items() if k == n), r.origin)
            prov[f"facts[{len(facts)}]"] = cell
            for key in ("fact_date", "fact_ru", "fact_en", "fact_evidence"):
                if (n, key) in r.fact_cells:
                    sub = {"fact_date": "date", "fact_ru": "text_ru", "fact_en": "text_en", "fact_evidence": "evidence"}
                    prov[f"facts[{len(facts)}].{sub[key]}"] = r.fact_cells[(n, key)]
            facts.append(fact)
    for i, f in enumerate(defaults.get("facts") or []):
        if not isinstance(f, dict):
            problems.append(RowProblem(dcell("facts"), f"facts[{i}]", msg("batch.fact-not-mapping")))
            continue
        fact = {}
        for k, v in f.items():
            if k == "evidence":
                fact[k] = [common_ids.get(str(x), str(x)) for x in (v or [])]
            elif k.startswith("text") and isinstance(v, str):
                fact[k] = fill(v, k[5:] or lang)
            elif k == "date" and v is not None:
                fact[k] = _date_or_raw(v)
            else:
                fact[k] = v
        if "evidence" not in fact and len(recs) == 1 and row_ev.get(0):
            fact["evidence"] = row_ev[0]
        prov[f"facts[{len(facts)}]"] = dcell("facts")
        facts.append(fact)
    d["facts"] = facts
    if evidence and facts and not any(f.get("evidence") for f in facts):
        facts[0]["evidence"] = [e["id"] for e in evidence]

    for key in ("request", "request_ru", "request_en"):
        v = pick(key, key)
        if v is not None:
            d[key] = fill(cell_text(v), key[8:] or lang)
    for key in ("appeal_round", "evidence_rules", "rule"):
        if key in defaults:
            d[key] = defaults[key]
            prov[key] = dcell(key)
    from docgen.case.model import METRICS, TOPICS

    def typed(enum: str, text_field: str, allowed) -> None:
        """A known value as it is; other words → `other` with the words kept in text_field."""
        v = pick(enum, enum)
        if v is None:
            return
        code = _canon(enum, v, allowed)
        if code in allowed:
            d[enum] = code
        else:
            d[enum], d[text_field] = "other", cell_text(v)
            prov[text_field] = prov.get(enum, first.origin)

    if ctype == "listing_takedown":
        codes = [takedown_reason(t) for t in reasons] or ([_reason_code(row_reason)] if row_reason else [])
        if codes:
            d["reason"] = next((c for c in codes if c != "other"), codes[0])
        if reasons:
            d["reason_text"] = "; ".join(reasons)  # Ozon's own words, quoted in the letter
        prov["reason"] = first.cell("reason") if first.get("reason") else first.cell("human_texts")
        prov["reason_text"] = prov["reason"]
        for key in ("reason_text", "takedown_kind"):
            if (v := pick(key, key)) is not None:
                d[key] = cell_text(v)
    elif ctype == "performance_review":
        typed("metric", "metric_name", METRICS)
        if (v := pick("metric_name", "metric_name")) is not None:
            d["metric_name"] = cell_text(v)
        if (v := pick("window_days", "window_days")) is not None:
            d["window_days"] = int(v) if str(v).strip().isdigit() else v
    elif ctype == "support_request":
        typed("topic", "topic_text", TOPICS)
        for key in ("topic_text", "payout_id"):
            if (v := pick(key, key)) is not None:
                d[key] = cell_text(v)
    elif ctype == "fund_hold":
        if (v := pick("hold_reason", "hold_reason")) is not None:
            d["hold_reason"] = cell_text(v)
    for missing in dict.fromkeys(fill.missing):
        problems.append(RowProblem(first.origin, "", missing))
    keys = orders if ctype in ("fund_hold", "performance_review") else skus or orders
    return Draft(cid, ctype, d, prov, files, recs, keys, reasons, problems)


def _reason_code(value) -> str:
    return takedown_reason(str(value))


def where_is(draft: Draft, field_path: str) -> Cell:
    """The cell a loader problem's field path came from (longest known prefix)."""
    path = field_path
    while path:
        if path in draft.prov:
            return draft.prov[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return draft.records[0].origin


# -- writing case folders ------------------------------------------------------------------


def _yaml_text(draft: Draft) -> str:
    r = draft.records[0].origin
    rows = sorted({x.origin.row for x in draft.records if x.origin.row is not None})
    shown = f"{Path(r.file).name}{' [' + r.sheet + ']' if r.sheet else ''}"
    rows_text = ", ".join(str(x) for x in rows[:20]) + (" …" if len(rows) > 20 else "")
    head = (f"# Written by `docgen batch` from {shown}, row(s) {rows_text}.\n"
            "# Edit it and rebuild this case alone with: docgen build case.yaml\n"
            "# (a later `docgen batch` keeps a case.yaml edited by hand)\n")

    class _Dumper(yaml.SafeDumper):
        pass

    return head + yaml.dump(draft.data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _sha(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def _body(text: bytes) -> bytes:
    """case.yaml without its leading comment lines (which name the source rows)."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(b"#"):
        lines.pop(0)
    return b"".join(lines)


def _same_as_written(final: Path, text: bytes, files: list[tuple[Path, str]]) -> bool:
    try:
        if _body((final / "case.yaml").read_bytes()) != _body(text):
            return False
        have = sorted(p.name for p in (final / "evidence").iterdir())
    except OSError:
        return False
    if have != sorted(name for _, name in files):
        return False
    for src, name in files:
        dst = final / "evidence" / name
        if not (os.path.samefile(src, dst) or (src.stat().st_size == dst.stat().st_size
                                               and src.read_bytes() == dst.read_bytes())):
            return False
    return True


def write_case(draft: Draft, cases_dir: Path) -> tuple[Path, str | None]:
    """Writes case.yaml and evidence/ into cases_dir/<id>/ (keeping out/), after the
    loader accepted them in a staging folder. Returns (case.yaml, note)."""
    final = cases_dir / draft.id
    text = _yaml_text(draft).encode("utf-8")
    marker = final / GENERATED
    if (final / "case.yaml").is_file() and marker.is_file():
        try:
            written = json.loads(marker.read_text(encoding="utf-8")).get("sha256")
        except ValueError:
            written = None
        current = _sha((final / "case.yaml").read_bytes())
        if written and current != written:
            load_case(final / "case.yaml")  # an edited case must still load
            return final / "case.yaml", msg("batch.edited-by-hand")
    if _same_as_written(final, text, draft.evidence_files):
        return final / "case.yaml", None  # untouched, so --only-changed sees the same hashes
    stage = cases_dir / f".stage-{draft.id}"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "evidence").mkdir(parents=True)
    try:
        for src, name in draft.evidence_files:
            dst = stage / "evidence" / name
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
        (stage / "case.yaml").write_bytes(text)
        load_case(stage / "case.yaml")  # raises DocgenError with the loader's messages
        final.mkdir(parents=True, exist_ok=True)
        if (final / "evidence").exists():
            shutil.rmtree(final / "evidence")
        os.replace(stage / "evidence", final / "evidence")
        os.replace(stage / "case.yaml", final / "case.yaml")
        tmp = marker.with_suffix(".part")
        tmp.write_text(json.dumps({"sha256": _sha(text)}) + "\n", encoding="utf-8")
        os.replace(tmp, marker)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return final / "case.yaml", None


# -- the whole plan ------------------------------------------------------------------------


def plan_folder(source: Path, outdir: Path) -> Plan:
    """A folder of case folders: each <name>/case.yaml is built into OUTDIR/cases/<name>/out/."""
    jobs, problems = [], []
    paths = sorted(p for p in source.glob("*/case.yaml") if p.is_file())
    if (source / "case.yaml").is_file():
        paths.insert(0, source / "case.yaml")
    if not paths:
        raise DocgenError(Problem(str(source), "", msg("batch.no-case-folders")))
    cases_dir = outdir / "cases"
    for p in paths:
        cid = _safe_id(p.parent.name)
        try:
            cf = load_case(p)
        except DocgenError as e:
            problems += [RowProblem(Cell(x.file, None, x.line, None), x.field, x.message, cid)
                         for x in e.problems]
            continue
        c = cf.case
        keys = [i.order or i.sku or "" for i in c.items]
        jobs.append(Job(cid, c.case_type, str(p.resolve()), str((cases_dir / cid / "out").resolve()), keys))
    return Plan(jobs, problems)


def plan_batch(source: Path, outdir: Path, defaults_path: Path | None = None,
               evidence_dir: Path | None = None) -> Plan:
    source = Path(source)
    if not source.exists():
        raise DocgenError(Problem(str(source), "", msg("batch.no-such-source")))
    if source.is_dir():
        return plan_folder(source, outdir)
    defaults, dfolder, dlines = load_defaults(defaults_path)
    problems: list[RowProblem] = []
    records = read_records(source, problems)
    if evidence_dir is None and defaults.get("evidence_dir"):
        evidence_dir = (dfolder or source.parent) / str(defaults["evidence_dir"])
    if evidence_dir is None and (source.parent / "evidence").is_dir():
        evidence_dir = source.parent / "evidence"
    if evidence_dir is not None and not Path(evidence_dir).is_dir():
        raise DocgenError(Problem(str(evidence_dir), "--evidence-dir", msg("batch.not-a-folder")))
    evf = EvidenceFolder(Path(evidence_dir) if evidence_dir else None)
    skipped = [RowProblem(r.origin, "", msg("batch.sku-not-hidden", sku=cell_text(r.get("sku")) or ""))
               for r in records if r.kind == "product" and not r.get("hidden")]
    records = [r for r in records if not (r.kind == "product" and not r.get("hidden"))]
    groups = group_records(records, defaults, problems)
    cases_dir = outdir / "cases"
    cases_dir.mkdir(parents=True, exist_ok=True)
    jobs: list[Job] = []
    seen: set[str] = set()
    dshown = str(defaults_path) if defaults_path else "--defaults"
    for ctype, recs in groups:
        cid = case_id(ctype, recs, defaults)
        base, n = cid, 2
        while cid in seen:
            cid, n = f"{base}-{n}", n + 1
        seen.add(cid)
        draft = draft_case(ctype, recs, defaults, dfolder, dlines, dshown, evf, cid)
        if draft.problems:
            for p in draft.problems:
                p.case_id = cid
            problems += draft.problems
            continue
        try:
            path, note = write_case(draft, cases_dir)
        except DocgenError as e:
            problems += [RowProblem(where_is(draft, x.field), x.field, x.message, cid)
                         for x in e.problems]
            continue
        jobs.append(Job(cid, ctype, str(path.resolve()), str((path.parent / "out").resolve()), draft.keys,
                        draft.reasons, note))
    return Plan(jobs, problems, skipped)
