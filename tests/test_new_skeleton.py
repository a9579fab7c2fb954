"""`docgen new`: a skeleton that fails until filled, then builds."""
from __future__ import annotations

import re
import shutil

import pytest

from docgen import DocgenError, build, load_case
from docgen.case.model import CASE_TYPES
from docgen.cli import main
from tests.conftest import SAMPLES

FILL = {
    "name": "示例公司", "name_latin": "Example Co., Ltd.", "shop_id": "987654321", "email": "a@example.com",
    "signatory": "Wang Fang", "code": "TICKET-77", "order": "11112222-0001-1", "sku": "42", "tracking": "RU1CN",
    "amount": "10.00 RUB", "text": "2026年11月1日包裹已签收。", "file": "evidence/tracking.pdf",
    "description": "物流截图", "request": "请处理。",
}


def _fill(text: str) -> str:
    def sub(m):
        return f'{m.group(1)}{m.group(2)}: "{FILL[m.group(2)]}"'
    return re.sub(r'^(\s*(?:- )?)(\w+): ""', sub, text, flags=re.M)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case_type", CASE_TYPES)
def test_skeleton_validates_once_filled(tmp_path, case_type, lang, capsys):
    path = tmp_path / "case.yaml"
    assert main(["new", case_type, "-o", str(path), "--lang", lang]) == 0
    text = path.read_text(encoding="utf-8")
    assert f"case_type: {case_type}" in text
    assert ("填写" in text) == (lang == "zh")
    with pytest.raises(DocgenError) as e:
        load_case(path)
    assert any("blank" in p.message for p in e.value.problems)
    (tmp_path / "evidence").mkdir()
    shutil.copy(SAMPLES / "fund-hold" / "evidence" / "A01_tracking_RU741852963CN.pdf", tmp_path / "evidence" / "tracking.pdf")
    path.write_text(_fill(text), encoding="utf-8")
    result = build(path)
    assert (result.outdir / "submit/letter.ru.pdf").is_file()
    # the seller's text has no Russian yet: marked and reported, not dropped
    assert {(f.check, f.where) for f in result.findings if f.severity == "error"} == {
        ("untranslated", "fact.1"), ("untranslated", "request"), ("untranslated", "evidence.E1")}


def test_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("mine", encoding="utf-8")
    assert main(["new", "fund_hold", "-o", str(path)]) == 2
    assert path.read_text(encoding="utf-8") == "mine"


def test_new_unknown_type_exit_2():
    with pytest.raises(SystemExit) as e:
        main(["new", "refund"])
    assert e.value.code == 2
