"""The case file: valid samples load; each kind of bad input names file, field and line."""
from __future__ import annotations

import re

import pytest
import yaml

from docgen import DocgenError, load_case
from docgen.cli import main
from tests.conftest import SAMPLE_NAMES, SAMPLES


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_load(name):
    cf = load_case(SAMPLES / name / "case.yaml")
    assert name.startswith(cf.case.case_type.replace("_", "-"))
    assert (cf.case.items or cf.case.payout_id) and cf.case.facts


def _edit(case_path, mutate):
    data = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    mutate(data)
    case_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(case_path) -> list:
    with pytest.raises(DocgenError) as e:
        load_case(case_path)
    return e.value.problems


def test_invalid_yaml_names_line(tmp_path):
    p = tmp_path / "case.yaml"
    p.write_text("case_type: fund_hold\nseller:\n  name: [unclosed\n", encoding="utf-8")
    (problem,) = _problems(p)
    assert problem.file == str(p) and "invalid YAML" in problem.message and problem.line is not None


def test_unknown_case_type(fund_hold_case):
    _edit(fund_hold_case, lambda d: d.update(case_type="refund"))
    (problem,) = _problems(fund_hold_case)
    assert problem.field == "case_type" and "fund_hold" in problem.message
    assert problem.line == 1


def test_missing_and_mistyped_fields_all_reported(fund_hold_case):
    def mutate(d):
        del d["request"]
        d["seller"]["shop_id"] = 123456789
        d["facts"][1]["evidense"] = ["E1"]
    _edit(fund_hold_case, mutate)
    problems = {p.field: p for p in _problems(fund_hold_case)}
    assert set(problems) == {"request", "seller.shop_id", "facts[1].evidense"}
    assert "quotes" in problems["seller.shop_id"].message
    assert "unknown field" in problems["facts[1].evidense"].message
    lines = fund_hold_case.read_text(encoding="utf-8").splitlines()
    assert "shop_id" in lines[problems["seller.shop_id"].line - 1]
    assert "evidense" in lines[problems["facts[1].evidense"].line - 1]


def test_fact_citing_unknown_evidence(fund_hold_case):
    _edit(fund_hold_case, lambda d: d["facts"][1].update(evidence=["E1", "E9"]))
    (problem,) = _problems(fund_hold_case)
    assert problem.field == "facts[1].evidence[1]" and "E9" in problem.message


def test_missing_evidence_file(fund_hold_case):
    (fund_hold_case.parent / "evidence" / "A01_tracking_RU741852963CN.pdf").unlink()
    (problem,) = _problems(fund_hold_case)
    assert problem.field == "evidence[0].file" and "not found" in problem.message


@pytest.mark.parametrize("path", ["../outside.pdf", "/etc/passwd", "evidence/../../x.pdf", "C:\\x.pdf"])
def test_evidence_path_leaving_case_folder(fund_hold_case, path):
    (fund_hold_case.parent.parent / "outside.pdf").write_bytes(b"%PDF-1.4\n")
    _edit(fund_hold_case, lambda d: d["evidence"][0].update(file=path))
    (problem,) = _problems(fund_hold_case)
    assert problem.field == "evidence[0].file" and "leaves the case folder" in problem.message


def test_fund_hold_covers_exactly_one_order(fund_hold_case):
    _edit(fund_hold_case, lambda d: d["items"].append({"order": "58213746-0018-1"}))
    (problem,) = _problems(fund_hold_case)
    assert problem.field == "items" and "exactly one order" in problem.message


def test_per_type_field_required_and_foreign_field_rejected(fund_hold_case):
    _edit(fund_hold_case, lambda d: d.update(case_type="performance_review", topic="payout"))
    problems = {p.field: p.message for p in _problems(fund_hold_case)}
    assert "required for case_type performance_review" in problems["metric"]
    assert "required" in problems["window_days"]
    assert "does not apply" in problems["topic"]


def test_item_needs_order_or_sku(fund_hold_case):
    _edit(fund_hold_case, lambda d: d.update(items=[{"tracking": "RU1CN"}]))
    problems = _problems(fund_hold_case)
    assert any(p.field == "items[0]" and "order" in p.message for p in problems)


def test_cli_bad_input_exit_2_and_nothing_written(fund_hold_case, capsys):
    _edit(fund_hold_case, lambda d: d["evidence"][0].update(file="../../etc/passwd"))
    before = sorted(p.name for p in fund_hold_case.parent.iterdir())
    assert main(["build", str(fund_hold_case)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"case\.yaml:\d+: evidence\[0\]\.file: path leaves the case folder", err)
    assert sorted(p.name for p in fund_hold_case.parent.iterdir()) == before
    assert not (fund_hold_case.parent / "out").exists()
    assert not [p for p in fund_hold_case.parent.parent.iterdir() if p.name.startswith(".out")]


def test_cli_missing_case_file(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope.yaml")]) == 2
    assert "case file not found" in capsys.readouterr().err


def test_non_utf8_case_file(tmp_path):
    p = tmp_path / "case.yaml"
    p.write_bytes("case_type: fund_hold\nrequest: 请求\n".encode("gb18030"))
    (problem,) = _problems(p)
    assert "UTF-8" in problem.message
