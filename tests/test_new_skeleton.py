"""`docgen new`: a skeleton that fails until filled, then builds."""
from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from docgen import BuildOptions, DocgenError, build, load_case
from docgen.case.model import CASE_TYPES
from docgen.cli import main
from tests.conftest import SAMPLES

FILL = {
    "name": "示例公司", "name_latin": "Example Co., Ltd.", "shop_id": "987654321", "order": "11112222-0001-1",
    "sku": "42", "text": "2026年11月1日包裹已签收。", "file": "evidence/tracking.pdf", "description": "物流截图",
    "request": "请处理。", "date": "2026-11-01", "from": "2026-10-01", "to": "2026-10-30",
}
_BLANK = re.compile(r'^(\s*(?:- )?)(\w+):( ""|)(\s+#.*)?$')


def _fill(text: str) -> str:
    """Fills exactly the blanks the skeleton marks as a must (必填 / must), the blank dates,
    and a closed value's first listed choice; nothing else (optional lines stay commented)."""
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        m = _BLANK.match(line)
        if m and (m.group(3) or m.group(2) in ("date", "from", "to")):
            key, comment = m.group(2), m.group(4) or ""
            if key in ("date", "from", "to") and not m.group(3):
                line = f"{m.group(1)}{key}: {FILL[key]}{comment}"
            elif "必填" in comment or "must" in comment:
                if key in FILL:
                    line = f'{m.group(1)}{key}: "{FILL[key]}"{comment}'
                else:  # a closed value: the first of the choices listed under it
                    choice = re.match(r"#\s+(\w+)", lines[i + 1]).group(1)
                    line = f"{m.group(1)}{key}: {choice}{comment}"
        out.append(line)
    return "\n".join(out) + "\n"


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
    problems = e.value.problems
    assert any(p.code == "case.date-blank" for p in problems) and any(p.code == "case.blank" for p in problems)
    assert all(p.line for p in problems if p.code == "case.date-blank")  # a blank date names its line
    assert str(dt.date.today()) not in text  # no date pre-filled with today
    (tmp_path / "evidence").mkdir()
    shutil.copy(SAMPLES / "fund-hold" / "evidence" / "A01_tracking_RU741852963CN.pdf", tmp_path / "evidence" / "tracking.pdf")
    path.write_text(_fill(text), encoding="utf-8")
    load_case(path)  # filled only where it says "must": no error about blanks
    result = build(path, BuildOptions(formats=("pdf",), bundle=False))  # the letter PDF and the findings are read
    assert (result.outdir / "submit/letter.ru.pdf").is_file()
    # the seller's text has no Russian yet: marked and reported, not dropped
    expected = {("untranslated", "fact.1"), ("untranslated", "request"), ("untranslated", "evidence.E1")}
    if case_type == "support_request":  # the first topic, account, goes by English e-mail from seller.email
        expected |= {("channel-language", "seller.email")}
        if lang == "zh":  # … and in English: the seller's Chinese needs an English text
            expected |= {("channel-language", w) for w in ("fact.1", "request", "evidence.E1")}
    assert {(f.check, f.where) for f in result.findings if f.severity == "error"} == expected


def test_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("mine", encoding="utf-8")
    assert main(["new", "fund_hold", "-o", str(path)]) == 2
    assert path.read_text(encoding="utf-8") == "mine"


def test_new_unknown_type_exit_2():
    with pytest.raises(SystemExit) as e:
        main(["new", "refund"])
    assert e.value.code == 2


@pytest.mark.parametrize("lang,word", [("zh", "必填"), ("en", "must")])
def test_skeleton_explains_itself(tmp_path, lang, word, monkeypatch):
    from docgen.case.skeleton import skeleton

    monkeypatch.setenv("PATH", "/nonexistent")  # not installed: the header shows the venv's docgen
    text = skeleton("listing_takedown", lang, filename="my-case.yaml")
    assert "docgen build my-case.yaml" in text.splitlines()[2]
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "docgen").write_text("#!/bin/sh\n")
    (tmp_path / "docgen").chmod(0o755)
    assert skeleton("fund_hold", lang).splitlines()[2] == "#   docgen build case.yaml"
    # every closed value listed with its meaning in the seller's language
    meaning = {"zh": "缺少认证 / 合格证书", "en": "certificate or declaration of conformity missing"}[lang]
    assert re.search(rf"^#\s+certificate_missing = {re.escape(meaning)}", text, re.M)
    assert all(re.search(rf"^#\s+{r}\b", text, re.M) for r in ("wrong_category", "image_rights", "price", "other"))
    # optional fields present but commented out; no date pre-filled
    for opt in ("email", "signatory", "code", "takedown_kind", "rule"):
        assert re.search(rf"^\s*# {opt}:", text, re.M), opt
    assert re.search(r"^  date:\s+#", text, re.M)
    assert "5 MB" in text and "PDF / JPEG" in text
    perf = skeleton("performance_review", lang)
    assert re.search(r"^      from:\s+#", perf, re.M) and re.search(r"^      to:$", perf, re.M)
    hold = skeleton("fund_hold", lang)
    assert re.search(rf"^  - order: \"\"\s+# {word}", hold, re.M)
