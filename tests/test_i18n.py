"""Messages in Chinese and English: gettext catalogs compiled with Babel, the language
chosen by --ui, then DOCGEN_UI, then the locale."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from docgen import i18n
from docgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"N_": None, "M_": None, "_": None, "gettext": None, "ngettext": (1, 2)}


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")


def _catalog(lang):
    with i18n.po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_has_a_translation(lang):
    missing = [m.id for m in _catalog(lang) if m.id and (m.fuzzy or not (
        m.string if isinstance(m.string, str) else all(m.string)))]
    assert not missing, f"untranslated in {lang}: {missing[:5]} (run scripts/i18n update, then translate)"


def test_every_marked_message_is_in_the_catalogs():
    """A message marked in the code but missing from the .po would print in English."""
    found = {msg if isinstance(msg, str) else msg[0]
             for _, _, msg, _, _ in extract_from_dir(str(ROOT / "docgen"), keywords=KEYWORDS)}
    for lang in i18n.LANGUAGES:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(lang) if m.id}
        assert not found - ids, f"{lang}: not in the catalog: {sorted(found - ids)[:5]} (scripts/i18n extract, update)"


@pytest.mark.parametrize("flag,env,expected", [
    (None, {}, "en"),
    (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    (None, {"DOCGEN_UI": "zh", "LANG": "en_GB.UTF-8"}, "zh"),
    ("en", {"DOCGEN_UI": "zh", "LANG": "zh_CN.UTF-8"}, "en"),
    ("zh", {}, "zh"),
])
def test_language_order(flag, env, expected):
    assert i18n.resolve_language(flag, env) == expected


def test_chinese_locale_gives_chinese_help_and_argparse_errors(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("DOCGEN_UI", raising=False)
    with pytest.raises(SystemExit) as e:
        main(["build"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "用法：docgen build" in err and "缺少必需的参数：case" in err
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    out = capsys.readouterr().out
    assert "显示本帮助并退出" in out and "通知：从卖家后台复制粘贴的文本文件" in out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "为卖家解读平台通知" in capsys.readouterr().out


def test_ui_flag_anywhere_wins_over_the_locale(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    with pytest.raises(SystemExit):
        main(["build", "--ui", "en"])
    assert "the following arguments are required: case" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--ui=zh", "new"])
    assert "缺少必需的参数" in capsys.readouterr().err


def test_argparse_is_left_as_it_was(monkeypatch):
    import argparse
    import gettext

    monkeypatch.setenv("DOCGEN_UI", "zh")
    with pytest.raises(SystemExit):
        main(["build"])
    assert argparse._ is gettext.gettext


def test_stale_or_missing_mo_is_compiled_from_the_po():
    data = i18n.compile_catalog("zh")
    assert data[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # a GNU .mo
    assert i18n.gettext("usage: ", "zh") == "用法："
    assert i18n.gettext("usage: ", "en") == "usage: "


def _fields(text: str) -> set[str]:
    import string

    return {f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def test_translations_keep_the_placeholders():
    """A translation that drops or renames {name} would print the wrong value, or the raw
    template: every zh text has exactly the English text's placeholders."""
    from docgen.i18n.catalog import MESSAGES

    zh = {m.id: m.string for m in _catalog("zh") if m.id and isinstance(m.id, str)}
    for code, english in MESSAGES.items():
        assert english in zh, f"{code} is not in the zh catalog"
        assert _fields(zh[english]) == _fields(english), f"{code}: {zh[english]!r}"


def test_messages_render_in_chinese():
    from docgen.i18n import msg, render

    m = msg("cli.wrote-files", count=13, outdir="out")
    assert str(m) == "wrote 13 files to out"
    assert render(m, "zh") == "已向 out 写入 13 个文件"
    assert render(m, "en") == "wrote 13 files to out"


def test_a_loader_error_in_chinese(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    case = tmp_path / "case.yaml"
    case.write_text("case_type: fund_hold\nlanguage: zh\nbogus: 1\n", encoding="utf-8")
    assert main(["build", str(case)]) == 2
    err = capsys.readouterr().err
    assert f"{case}:3: bogus: 未知字段（请检查拼写；模板见 `docgen new`）" in err
    assert "缺少必填字段" in err


def test_cli_prints_no_literal_english():
    """Every line the CLI prints for people comes from the catalog (say / render): an
    f-string with English words in it would stay English in a Chinese session."""
    import ast
    import re

    tree = ast.parse((ROOT / "docgen" / "cli.py").read_text(encoding="utf-8"))
    allowed = {"  ru: ", "ru: ", "  |  en: ", "  |  zh: ", "       note: ", "docgen: "}  # glossary entries are data
    literal = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print" and node.args:
            arg = node.args[0]
            parts = [arg] if isinstance(arg, ast.Constant) else getattr(arg, "values", [])
            words = [p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
                     and p.value.strip() and p.value not in allowed and re.search(r"[A-Za-z]{2,}", p.value)]
            if words:
                literal.append(f"cli.py:{node.lineno}: {words}")
    assert literal == []


def test_findings_carry_their_code_and_both_languages(tmp_path, capsys):
    import json

    p = tmp_path / "draft.txt"
    p.write_text("Мы гарантируем, что товар оригинальный.\n", encoding="utf-8")
    assert main(["check", str(p), "--lang", "ru", "--json", "--no-languagetool"]) == 0
    (f,) = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["check"] == "style"]
    assert f["code"].startswith("qa.") and f["message"] == f["messages"]["en"]
    assert "主观或恳求式表述「гарантируем」" in f["messages"]["zh"]
