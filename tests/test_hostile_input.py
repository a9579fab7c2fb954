"""Hostile and unlucky input (issue #13): each test reproduces one broken promise."""
from __future__ import annotations

import json
import re

import pytest

from docgen import BuildOptions, DocgenError, build, load_case
from docgen.cli import main


def _replace(case_path, old: str, new: str) -> None:
    text = case_path.read_text(encoding="utf-8")
    assert old in text
    case_path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(case_path, text: str) -> int:
    """1-based line of the first line holding `text` (the samples change; tests follow)."""
    return next(i for i, ln in enumerate(case_path.read_text(encoding="utf-8").splitlines(), 1) if text in ln)


def _problems(case_path) -> list:
    with pytest.raises(DocgenError) as e:
        load_case(case_path)
    return e.value.problems


# -- item 1: legal YAML never ends in exit 1 ------------------------------------------

@pytest.mark.parametrize("value, message", [
    ("2026-02-30", "no such date"), ("!!timestamp yesterday", "not a date"), ("!!bool maybe", "true or false"),
])
def test_bad_scalars_name_field_and_line(fund_hold_case, value, message):
    _replace(fund_hold_case, "letter_date: 2026-11-02", f"letter_date: {value}")
    (p,) = _problems(fund_hold_case)
    assert (p.field, p.line) == ("letter_date", _line(fund_hold_case, "letter_date:")) and message in p.message


def test_duplicate_key_names_both_lines(fund_hold_case, capsys):
    n = _line(fund_hold_case, "appeal_round: 1")
    _replace(fund_hold_case, "appeal_round: 1", "appeal_round: 1\nappeal_round: 2")
    assert main(["build", str(fund_hold_case)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"case\.yaml:{n + 1}: appeal_round: .*twice \(lines {n} and {n + 1}\)", err), err
    assert not (fund_hold_case.parent / "out").exists()


def test_duplicate_key_in_nested_mapping(fund_hold_case):
    _replace(fund_hold_case, "  shop_id: \"123456789\"", "  shop_id: \"123456789\"\n  shop_id: \"987654321\"")
    (p,) = _problems(fund_hold_case)
    assert p.field == "seller.shop_id" and "twice" in p.message


def test_control_characters_refused_with_line(fund_hold_case):
    _replace(fund_hold_case, "request: 请求", 'request: "\\x01\\x9e请求')
    _replace(fund_hold_case, "资金冻结。\n", '资金冻结。"\n')
    (p,) = _problems(fund_hold_case)
    assert p.field == "request" and p.line == _line(fund_hold_case, "request:")
    assert "U+0001" in p.message and "U+009E" in p.message


def test_nul_and_bad_utf8_give_the_line(fund_hold_case):
    raw = fund_hold_case.read_bytes()
    n = _line(fund_hold_case, "appeal_round: 1")
    fund_hold_case.write_bytes(raw.replace(b"appeal_round: 1", b"appeal_round: 1\x00"))
    (p,) = _problems(fund_hold_case)
    assert p.line == n and "U+0000" in p.message
    fund_hold_case.write_bytes(raw.replace(b"appeal_round", b"\xffappeal_round"))
    (p,) = _problems(fund_hold_case)
    assert p.line == n and "UTF-8" in p.message


def test_deep_nesting_and_alias_bombs(fund_hold_case):
    n = _line(fund_hold_case, "appeal_round: 1")
    _replace(fund_hold_case, "appeal_round: 1", "appeal_round: " + "[" * 1000)
    (p,) = _problems(fund_hold_case)
    assert p.line == n and "nested" in p.message
    _replace(fund_hold_case, "appeal_round: " + "[" * 1000, "x: &a [*a]")
    assert any("alias" in p.message for p in _problems(fund_hold_case))


def test_long_evidence_file_name(fund_hold_case):
    n = _line(fund_hold_case, "file: evidence/A01_tracking_RU741852963CN.pdf")
    _replace(fund_hold_case, "file: evidence/A01_tracking_RU741852963CN.pdf", "file: evidence/" + "a" * 300 + ".pdf")
    (p,) = _problems(fund_hold_case)
    assert p.field == "evidence[0].file" and p.line == n and "too long" in p.message


def test_problems_sorted_by_line(fund_hold_case, capsys):
    for old, new in (("shop_id: \"123456789\"", "shop_id: 123456789"), ("code: HOLD-012", "code: 12"),
                     ("amount: \"3480.00 RUB\"", "amount: 3480"), ("appeal_round: 1", "appeal_round: x")):
        _replace(fund_hold_case, old, new)
    assert main(["build", str(fund_hold_case)]) == 2
    lines = [int(m) for m in re.findall(r"case\.yaml:(\d+):", capsys.readouterr().err)]
    assert len(lines) == 4 and lines == sorted(lines)


def test_folder_index_yaml_bad_date(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "index.yaml").write_text("a.pdf:\n  description: x\n  date: 2026-02-30\n", encoding="utf-8")
    assert main(["index", str(folder)]) == 2
    assert not (tmp_path / "files-index").exists()


def test_glyph_no_font_draws_is_a_finding_not_a_crash(fund_hold_case):
    _replace(fund_hold_case, "name: 深圳市示例科技有限公司", 'name: "深圳\\U0001F9FF\\U00016FE6市示例科技有限公司"')
    result = build(fund_hold_case, BuildOptions(languagetool=False, translator=None, bundle=False, formats=("pdf",)))
    qa = json.loads((result.outdir / "qa.json").read_text(encoding="utf-8"))
    glyphs = [f for f in qa["findings"] if f["check"] == "glyphs"]
    assert glyphs and all(f["severity"] == "error" for f in glyphs)
    assert any("U+1F9FF" in f["message"] and "U+16FE6" in f["message"] for f in glyphs)
    assert (result.outdir / "seller" / "letter.zh.pdf").is_file()
