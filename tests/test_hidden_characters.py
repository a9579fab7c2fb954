"""Text that looks like something else (issue #13, item 8): bidi controls and zero-width
characters in any case field, evidence file name or description are `hidden-characters`
errors naming the field, its line and the code point, never the value."""
from __future__ import annotations

import json

from docgen.cli import main

RLO_NAME = "A01_invoice\u202egpj.pdf"  # displays as A01_invoicefdp.jpg


def _line(case_path, text: str) -> int:
    return next(n for n, ln in enumerate(case_path.read_text(encoding="utf-8").splitlines(), 1) if text in ln)


def test_bidi_and_zero_width_characters_are_errors_naming_field_line_and_code_point(fund_hold_case, capsys):
    ev = fund_hold_case.parent / "evidence"
    (ev / "A01_tracking_RU741852963CN.pdf").rename(ev / RLO_NAME)
    text = fund_hold_case.read_text(encoding="utf-8")
    for old, new in (("A01_tracking_RU741852963CN.pdf", RLO_NAME),
                     ("передано перевозчику", "передано пере\u200bвозчику"),
                     ("signatory: Li Wei", "signatory: Li\ufeffWei"),
                     ("Example Technology", "Example\u200d Technology")):
        assert old in text
        text = text.replace(old, new)
    fund_hold_case.write_text(text, encoding="utf-8")
    lines = {"evidence[0].file": _line(fund_hold_case, RLO_NAME),
             "facts[0].text_ru": _line(fund_hold_case, "пере\u200bвозчику"),
             "seller.signatory": _line(fund_hold_case, "Li\ufeffWei"),
             "seller.name_latin": _line(fund_hold_case, "Example\u200d Technology")}
    assert main(["build", "--no-bundle", str(fund_hold_case)]) == 0
    printed = capsys.readouterr()
    qa = json.loads((fund_hold_case.parent / "out" / "qa.json").read_text(encoding="utf-8"))
    found = [f for f in qa["findings"] if f["check"] == "hidden-characters"]
    hits = {f["where"]: f for f in found}
    assert len(found) == len(lines) and set(hits) == set(lines)  # the letter's copy of text_ru is not reported twice
    assert all(f["severity"] == "error" for f in hits.values())
    for where, line in lines.items():
        assert f"line {line}:" in hits[where]["message"], where
        assert f"第 {line} 行" in hits[where]["messages"]["zh"], where
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in hits["evidence[0].file"]["message"]
    assert "U+200B (ZERO WIDTH SPACE)" in hits["facts[0].text_ru"]["message"]
    assert "U+FEFF" in hits["seller.signatory"]["message"] and "U+200D" in hits["seller.name_latin"]["message"]
    # never the value, and no finding applies a control: a name that shows is written out
    assert "Li" not in hits["seller.signatory"]["message"] and "Example" not in hits["seller.name_latin"]["message"]
    everything = json.dumps(qa, ensure_ascii=False) + printed.out + printed.err
    for ch in "\u202e\u200b\ufeff\u200d":
        assert ch not in everything
    assert "A01_invoice<U+202E>gpj.pdf" in everything  # e.g. the evidence-name finding
    assert "[hidden-characters] evidence[0].file: line" in printed.out  # the NOT READY list


def test_a_folder_file_name_and_description(tmp_path):
    from PIL import Image

    folder = tmp_path / "evidence"
    folder.mkdir()
    Image.new("RGB", (900, 900), "white").save(folder / "A01_scan\u2066_photo\u2069.png")
    Image.new("RGB", (900, 900), "white").save(folder / "A02_chat.png")
    (folder / "index.yaml").write_text("A02_chat.png: {description: \"聊天\u200e记录\"}\n", encoding="utf-8")
    assert main(["index", str(folder)]) == 0
    qa = json.loads((tmp_path / "evidence-index" / "qa.json").read_text(encoding="utf-8"))
    found = [f for f in qa["findings"] if f["check"] == "hidden-characters"]
    hits = {f["where"]: f["message"] for f in found}
    assert len(found) == 2 and set(hits) == {"evidence.A01", "evidence.A02"}  # the description made from the name: not twice
    assert "file name of attachment 1" in hits["evidence.A01"] and "U+2066" in hits["evidence.A01"] \
        and "U+2069" in hits["evidence.A01"]
    assert "description of attachment 2" in hits["evidence.A02"] and "U+200E" in hits["evidence.A02"]
