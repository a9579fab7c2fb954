"""review.po for PO editors (#16 item 6d): `docgen review export --format po` → edit with
translate-toolkit's PO storage → `docgen review import`; and why translate-toolkit's own
xliff2po → po2xliff round trip cannot come back (ids and letter hash lost)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from translate.storage import po

from docgen.cli import main
from tests.conftest import pdf_text
from tests.test_review import NEW_FACT2, draft  # noqa: F401  (the fixture)

BIN = Path(sys.executable).parent


def test_po_export_edit_import(draft, capsys):  # noqa: F811
    assert main(["review", "export", str(draft), "--format", "po"]) == 0
    path = draft / "review/review.po"
    assert f"wrote {path}" in capsys.readouterr().out
    assert not (draft / "review/review.po").with_suffix(".tmp").exists()
    letter = json.loads((draft / "review/letter.json").read_text(encoding="utf-8"))
    store = po.pofile.parsestring(path.read_bytes())
    header = store.parseheader()
    assert header["X-Docgen-Letter-SHA256"] == letter["letter_sha256"] and header["Language"] == "ru"
    units = {u.getcontext(): u for u in store.units if not u.isheader()}
    segs = {s["id"]: s for s in letter["segments"]}
    assert set(units) == set(segs)  # the segment id is msgctxt, one entry per segment
    for uid, seg in segs.items():
        assert (units[uid].source, units[uid].target) == (seg["source"], seg["target"] or "")
    # notes as comments; a seller sentence not reviewed yet is fuzzy, a template sentence is not
    assert "Keep unchanged: 58213746-0017-1, RU741852963CN" in units["fact.1"].getnotes("developer")
    assert "The seller's own translation, not reviewed" in units["fact.1"].getnotes("developer")
    assert units["fact.1"].isfuzzy() and not units["intro"].isfuzzy()
    assert "QA error [untranslated]" in units["fact.2"].getnotes("developer") and units["fact.2"].target == ""

    # the translator's PO editor: fill fact.2, clear fuzzy, change a template sentence with a reason
    units["fact.2"].target = NEW_FACT2
    units["fact.1"].markfuzzy(False)
    intro_before = units["intro"].target
    units["intro"].target = intro_before.replace("Мы, ", "Мы, компания ", 1)
    assert units["intro"].target != intro_before
    units["intro"].addnote("в этом письме нужно слово «компания»", origin="translator")
    edited = draft.parent / "reviewed.po"
    edited.write_bytes(bytes(store))

    assert main(["review", "import", str(edited), "--outdir", str(draft), "--reviewer", "Анна Иванова",
                 "--confirm", "all"]) == 0
    text = " ".join(pdf_text(draft / "submit/letter.ru.pdf").split())
    assert f"{NEW_FACT2[:-1]} (см. приложения 1, 2)." in text and "Мы, компания " in text
    m = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "reviewed" and m["review"]["file"] == "reviewed.po"
    assert [(d["id"], d["reason"]) for d in m["deviations"]] == [("intro", "в этом письме нужно слово «компания»")]


def test_po_made_for_another_letter_or_without_ids_refused(draft, capsys):  # noqa: F811
    assert main(["review", "export", str(draft), "--format", "po"]) == 0
    raw = (draft / "review/review.po").read_text(encoding="utf-8")
    stale = draft.parent / "stale.po"
    sha = json.loads((draft / "review/letter.json").read_text(encoding="utf-8"))["letter_sha256"]
    stale.write_text(raw.replace(sha, "0" * 64), encoding="utf-8")
    assert main(["review", "import", str(stale), "--outdir", str(draft), "--reviewer", "Анна Иванова"]) == 2
    assert "this file was made for another version of the letter (000000000000…" in capsys.readouterr().err
    no_ctx = draft.parent / "no-ctx.po"
    no_ctx.write_text(raw.replace('msgctxt "fact.1"\n', "", 1), encoding="utf-8")
    assert main(["review", "import", str(no_ctx), "--outdir", str(draft), "--reviewer", "Анна Иванова"]) == 2
    assert "no msgctxt (the segment id)" in capsys.readouterr().err


def test_xliff2po_po2xliff_loses_ids_and_hash(draft, capsys):  # noqa: F811
    """translate-toolkit's converters, as a translator without docgen would run them: the
    XLIFF that comes back names no segment and no letter, and the import says what to use."""
    work = draft.parent
    subprocess.run([BIN / "xliff2po", draft / "review/review.xlf", work / "converted.po"], check=True,
                   capture_output=True)
    store = po.pofile.parsestring((work / "converted.po").read_bytes())
    units = [u for u in store.units if not u.isheader()]
    assert units and all(not u.getcontext() for u in units)  # no msgctxt: the ids are gone
    assert "X-Docgen-Letter-SHA256" not in store.parseheader()
    (fact2,) = [u for u in units if u.source.startswith("2026年10月24日")]
    fact2.target = NEW_FACT2
    (work / "converted.po").write_bytes(bytes(store))
    # imported as a PO, it is refused with the way out
    assert main(["review", "import", str(work / "converted.po"), "--outdir", str(draft),
                 "--reviewer", "Анна Иванова"]) == 2
    err = capsys.readouterr().err
    assert "not a docgen review file (no letter hash): export one with `docgen review export OUTDIR --format po`" in err
    # back to XLIFF with po2xliff: units numbered 1…n, XLIFF 1.1, no letter hash — refused too
    subprocess.run([BIN / "po2xliff", work / "converted.po", work / "back.xlf"], check=True, capture_output=True)
    back = (work / "back.xlf").read_text(encoding="utf-8")
    assert "document:1.1" in back and 'id="fact.2"' not in back and NEW_FACT2 in back
    before = (draft / "submit/letter.ru.pdf").read_bytes()
    assert main(["review", "import", str(work / "back.xlf"), "--outdir", str(draft), "--reviewer", "Анна Иванова"]) == 2
    assert "not a docgen review file (no letter hash)" in capsys.readouterr().err
    assert (draft / "submit/letter.ru.pdf").read_bytes() == before


def test_hostile_po_is_bad_input(tmp_path, capsys):
    """A broken or oversized PO ends in exit 2 naming the file, never an internal error."""
    broken = tmp_path / "broken.po"
    broken.write_bytes(b'msgctxt "fact.1"\nmsgid "\xff\xfe unterminated\nmsgstr \x00\x01\n' * 3)
    assert main(["review", "import", str(broken), "--outdir", str(tmp_path), "--reviewer", "Анна Иванова"]) == 2
    err = capsys.readouterr().err
    assert str(broken) in err and "internal error" not in err
    big = tmp_path / "big.po"
    with open(big, "wb") as f:
        f.truncate(21 * 1024 * 1024)
    assert main(["review", "import", str(big), "--outdir", str(tmp_path), "--reviewer", "Анна Иванова"]) == 2
    assert "the PO file is larger than 20 MB" in capsys.readouterr().err


def test_a_build_after_a_po_export_replaces_the_folder(fund_hold_case, capsys):
    """review.po written into a built OUTDIR by `review export` is docgen's output: the
    next build replaces the folder instead of refusing a file "docgen did not write"."""
    assert main(["build", str(fund_hold_case), "--no-bundle"]) == 0
    out = fund_hold_case.parent / "out"
    assert main(["review", "export", str(out), "--format", "po"]) == 0
    listed = {o["path"] for o in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    assert "review/review.po" in listed
    capsys.readouterr()
    assert main(["build", str(fund_hold_case), "--no-bundle"]) == 0, capsys.readouterr().err
    assert (out / "review" / "review.xlf").is_file() and not (out / "review" / "review.po").exists()
