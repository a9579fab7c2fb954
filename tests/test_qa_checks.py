"""Each QA check on a case made for it, and quiet on a correct one."""
from __future__ import annotations

import datetime as dt

import yaml

from docgen import load_case
from docgen.evidence import evidence_entries
from docgen.qa import CHECKS, QAContext, run_checks
from docgen.render import render_letter
from tests.conftest import SAMPLES, copy_sample


def _findings(case_path, check: str):
    cf = load_case(case_path)
    ctx = QAContext(case_file=cf, letter=render_letter(cf), entries=evidence_entries(cf))
    return run_checks(ctx, [c for c in CHECKS if c.name == check])


def _edit(case_path, mutate):
    data = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    mutate(data)
    case_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return case_path


def test_check_names_unique_and_severities_valid():
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    assert {c.severity for c in CHECKS} <= {"error", "warning", "info"}


def test_samples_are_clean_on_every_check(languagetool):
    for name in ("fund-hold", "performance-review", "support-request"):
        cf = load_case(SAMPLES / name / "case.yaml")
        ctx = QAContext(case_file=cf, letter=render_letter(cf), entries=evidence_entries(cf),
                        today=cf.case.effective_letter_date)
        assert run_checks(ctx) == [], name


def test_glyphs_flags_characters_no_font_has(fund_hold_case):
    _edit(fund_hold_case, lambda d: d["facts"][0].update(text_ru=d["facts"][0]["text_ru"] + " \U0001F600 \u16A0"))
    (f,) = _findings(fund_hold_case, "glyphs")
    assert f.where == "fact.1" and "U+16A0" in f.message and "U+1F600" in f.message and f.severity == "error"


def test_untranslated_flags_chinese_left_in_russian(fund_hold_case):
    # a blank name_latin is refused at load (#15); Chinese written into it is this check's to find
    _edit(fund_hold_case, lambda d: d["seller"].update(name_latin=d["seller"]["name"]))
    found = _findings(fund_hold_case, "untranslated")
    assert {f.where for f in found} >= {"header.from", "intro"}
    assert any("name_latin" in f.message for f in found)


def test_evidence_refs_and_fact_without_reference(fund_hold_case):
    def mutate(d):
        d["facts"][2]["evidence"] = []
        d["facts"][1]["evidence"] = ["E1"]
    _edit(fund_hold_case, mutate)
    refs = {(f.where, f.message) for f in _findings(fund_hold_case, "evidence-refs")}
    assert refs == {("evidence.E2", "Приложение 2 (A02_seller-panel_RU741852963CN.png) is in the index but no fact "
                                    "refers to it")}
    style = {(f.where, f.message.split(":")[0]) for f in _findings(fund_hold_case, "style")}
    assert style == {("fact.3", "fact without an evidence reference")}


def test_metric_window_warns_when_evidence_does_not_span(tmp_path):
    case = copy_sample("performance-review", tmp_path)
    assert _findings(case, "metric-window") == []
    _edit(case, lambda d: d.update(window_days=90))
    (f,) = _findings(case, "metric-window")
    assert "90-day window" in f.message and f.severity == "warning"


def test_reappeal_needs_previous_manifest(fund_hold_case):
    assert _findings(fund_hold_case, "reappeal") == []
    _edit(fund_hold_case, lambda d: d.update(appeal_round=2))
    f, g = _findings(fund_hold_case, "reappeal")
    assert "previous_manifest" in f.message and g.where == "previous.ticket"
    _edit(fund_hold_case, lambda d: d.update(previous={"ticket": "SR-1"}))
    (f,) = _findings(fund_hold_case, "reappeal")
    assert "previous_manifest" in f.message


def test_evidence_type_size_and_readability(fund_hold_case):
    ev = fund_hold_case.parent / "evidence"
    (ev / "doc.docx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    (ev / "fake.pdf").write_bytes((ev / "A02_seller-panel_RU741852963CN.png").read_bytes())
    (ev / "empty.pdf").write_bytes(b"")
    (ev / "cut.pdf").write_bytes((ev / "A01_tracking_RU741852963CN.pdf").read_bytes()[:300])
    (ev / "big.pdf").write_bytes((ev / "A01_tracking_RU741852963CN.pdf").read_bytes() + b"\0" * (6 * 1024 * 1024))

    def mutate(d):
        for i, name in enumerate(["doc.docx", "fake.pdf", "empty.pdf", "cut.pdf", "big.pdf"], 3):
            d["evidence"].append({"id": f"E{i}", "file": f"evidence/{name}", "description": name})
    _edit(fund_hold_case, mutate)
    types = {f.where: f.message for f in _findings(fund_hold_case, "evidence-type")}
    assert "ZIP" in types["evidence.E3"] and "extension does not match" in types["evidence.E4"]
    assert set(types) == {"evidence.E3", "evidence.E4"}
    readable = {f.where: f.message for f in _findings(fund_hold_case, "evidence-readable")}
    assert "empty" in readable["evidence.E5"] and "cannot be read" in readable["evidence.E6"]
    assert set(readable) == {"evidence.E5", "evidence.E6"}
    size = [f.where for f in _findings(fund_hold_case, "evidence-size")]
    assert size == ["evidence.E7"]
