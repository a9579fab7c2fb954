"""#15 item 4: after a build the seller sees whether the package can be sent; with error
findings the summary says 「未就绪：发送前必须修正 N 个错误」 with each error's place and a
one-line fix, and NOT-READY.txt (seller's language, then English) names them."""
from __future__ import annotations

import yaml

from docgen.cli import main
from docgen.i18n.catalog import MESSAGES
from docgen.qa.registry import CHECKS


def _edit(case, fn):
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    fn(data)
    case.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_not_ready_in_chinese_then_ready_after_the_fix(fund_hold_case, capsys):
    # Chinese left in name_latin: the untranslated check's error
    _edit(fund_hold_case, lambda d: d["seller"].update(name_latin=d["seller"]["name"]))
    out = fund_hold_case.parent / "out"
    assert main(["--ui", "zh", "build", str(fund_hold_case), "-o", str(out), "--no-bundle"]) == 0  # exit code unchanged
    printed = capsys.readouterr().out
    n = printed.count("[untranslated]")
    assert n >= 1 and f"docgen: 未就绪：发送前必须修正 {n} 个错误" in printed
    assert "→ 在案件文件中补上俄语" in printed and "header.from" in printed
    note = (out / "submit" / "NOT-READY.txt").read_text(encoding="utf-8")
    zh, en = note.split("\n\n")
    assert zh.startswith(f"未就绪：发送前必须修正 {n} 个错误") and "header.from" in zh
    assert en.startswith(f"NOT READY: fix {n} error(s) before sending") and "add the Russian text" in en
    assert "NOT-READY.txt" in {p.name for p in (out / "submit").iterdir()}

    _edit(fund_hold_case, lambda d: d["seller"].update(name_latin="Shenzhen Example Technology Co., Ltd."))
    assert main(["--ui", "zh", "build", str(fund_hold_case), "-o", str(out), "--no-bundle"]) == 0
    printed = capsys.readouterr().out
    assert "docgen: 可以发送" in printed and "未就绪" not in printed
    assert not (out / "submit" / "NOT-READY.txt").exists()  # a stale note never survives a clean build


def test_strict_exit_code_unchanged(fund_hold_case, capsys):
    _edit(fund_hold_case, lambda d: d["seller"].update(name_latin=d["seller"]["name"]))
    out = fund_hold_case.parent / "out"
    assert main(["--ui", "en", "build", str(fund_hold_case), "-o", str(out), "--no-bundle", "--strict"]) == 3
    assert "NOT READY: fix" in capsys.readouterr().out


def test_every_error_check_has_a_fix_in_both_languages():
    from docgen.i18n import gettext

    for check in [c.name for c in CHECKS if c.severity == "error"] + ["bundle-size", "other"]:
        text = MESSAGES[f"fix.{check}"]
        assert gettext(text, "zh") != text, check
