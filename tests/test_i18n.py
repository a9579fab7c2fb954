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
KEYWORDS = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)}


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
