"""An evidence file is read once (issue #13, item 2): every path component below the case
folder opened with O_NOFOLLOW, regular files only, the bytes copied privately; the hash,
inspection, personal-data scan, OCR and bundle all read the copy."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen import BuildOptions, DocgenError, build, load_case
from docgen.cli import main
from docgen.pipeline.index import IndexOptions, build_index
from tests.conftest import pdf_text
from tests.test_evidence import _pdf_with_text

ORIGINAL = "evidence/A01_tracking_RU741852963CN.pdf"
FAST = dict(languagetool=False, translator=None)


def _line(case, text: str) -> int:
    return next(n for n, line in enumerate(case.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_symlinked_evidence_refused_at_load(fund_hold_case, capsys):
    ev = fund_hold_case.parent / ORIGINAL
    inside = fund_hold_case.parent / "evidence" / "real.pdf"
    ev.rename(inside)
    ev.symlink_to(inside.name)  # points inside the folder, and still refused: it could be swapped
    with pytest.raises(DocgenError) as e:
        load_case(fund_hold_case)
    (p,) = e.value.problems
    assert p.field == "evidence[0].file" and "symbolic link" in p.message
    assert p.line == _line(fund_hold_case, ORIGINAL)
    assert main(["build", str(fund_hold_case)]) == 2
    err = capsys.readouterr().err
    assert f"case.yaml:{p.line}: evidence[0].file:" in err and "symbolic link" in err
    assert not (fund_hold_case.parent / "out").exists()


def test_symlinked_folder_refused(fund_hold_case, tmp_path):
    folder = fund_hold_case.parent / "evidence"
    folder.rename(tmp_path / "elsewhere")
    folder.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(DocgenError) as e:
        load_case(fund_hold_case)
    assert {p.field for p in e.value.problems} == {"evidence[0].file", "evidence[1].file"}
    assert all("symbolic link" in p.message or "leaves the case folder" in p.message for p in e.value.problems)


def test_fifo_is_not_a_regular_file(fund_hold_case):
    """A FIFO would hang the build at the first read; it is refused without blocking."""
    ev = fund_hold_case.parent / ORIGINAL
    ev.unlink()
    os.mkfifo(ev)
    with pytest.raises(DocgenError) as e:
        load_case(fund_hold_case)
    (p,) = e.value.problems
    assert "not a regular file" in p.message and p.line == _line(fund_hold_case, ORIGINAL)


def test_file_swapped_during_build_never_reaches_bundle_or_index(fund_hold_case, tmp_path, monkeypatch):
    """The attack of the issue, made deterministic: right after the evidence is read, the
    file is swapped for a symlink to an outside file (other text, other pages)."""
    import docgen.pipeline.build as pipeline

    ev = fund_hold_case.parent / ORIGINAL
    original = ev.read_bytes()
    pages = len(PdfReader(ev).pages)
    secret = tmp_path / "secret.pdf"
    _pdf_with_text(secret, ["OUTSIDE SECRET TEXT"] * (pages + 2))
    real_render = pipeline.render_letter

    def render_then_swap(*args, **kwargs):
        ev.unlink()
        ev.symlink_to(secret)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pipeline, "render_letter", render_then_swap)
    result = build(fund_hold_case, BuildOptions(**FAST, formats=("pdf",)))  # the bundle and the index PDF are read
    assert ev.is_symlink()  # the swap happened during the build
    bundle = result.outdir / "submit" / "evidence-bundle.pdf"
    assert "OUTSIDE SECRET" not in pdf_text(bundle)
    cover = len(PdfReader(result.outdir / "submit" / "evidence-index.ru.pdf").pages)
    assert len(PdfReader(bundle).pages) == cover + pages + 1  # the original's pages and E2's one page
    digest = hashlib.sha256(original).hexdigest()
    index = json.loads((result.outdir / "seller" / "evidence-index.json").read_text(encoding="utf-8"))
    assert [(e["id"], e["sha256"], e["pages"], e["size"]) for e in index if e["id"] == "E1"] == \
        [("E1", digest, pages, len(original))]
    manifest = json.loads((result.outdir / "manifest.json").read_text(encoding="utf-8"))
    assert [i["sha256"] for i in manifest["inputs"] if i.get("id") == "E1"] == [digest]
    # the next build sees the symlink at load: refused with the line, nothing replaced
    monkeypatch.setattr(pipeline, "render_letter", real_render)
    with pytest.raises(DocgenError, match="leaves the case folder"):  # the link points outside
        build(fund_hold_case, BuildOptions(**FAST))


def test_entries_read_a_private_copy(fund_hold_case):
    """Every reader gets the private copy (0400 in a 0700 folder), not the case's file."""
    from docgen.evidence.index import evidence_entries

    entries = evidence_entries(load_case(fund_hold_case))
    folder = fund_hold_case.parent.resolve()
    for e in entries:
        assert folder not in e.path.parents
        assert e.path.read_bytes() == (fund_hold_case.parent / e.file).read_bytes()
        assert oct(e.path.stat().st_mode & 0o777) == "0o400"
        assert oct(e.path.parent.stat().st_mode & 0o777) == "0o700"
    snap = entries[0].snapshot.dir
    del entries, e
    import gc

    gc.collect()
    assert not snap.exists()  # removed with the last entry that refers to it


def test_folder_index_refuses_a_symlinked_subfolder(fund_hold_case, tmp_path):
    folder = fund_hold_case.parent / "evidence"
    outside = tmp_path / "outside"
    outside.mkdir()
    _pdf_with_text(outside / "secret.pdf", ["OUTSIDE SECRET TEXT"])
    (folder / "more").symlink_to(outside)
    result = build_index(folder, IndexOptions(outdir=tmp_path / "idx", formats=()))  # its entries are read
    # the symlinked folder is not walked, so nothing outside reaches the index
    assert all("secret" not in e.file for e in result.entries)
    assert sorted(e.file for e in result.entries) == sorted(p.name for p in folder.iterdir() if p.is_file()
                                                            and not p.is_symlink())


def test_copies_left_by_a_killed_build_are_removed(tmp_path, monkeypatch):
    """kill -9 skips the clean-up: the next build removes the dead process's copies."""
    import subprocess
    import sys
    import tempfile

    from docgen.evidence.snapshot import Snapshot

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    child = subprocess.run([sys.executable, "-c", "import os, signal\n"
                            "from docgen.evidence.snapshot import Snapshot\n"
                            "s = Snapshot(); (s.dir / '0001.pdf').write_bytes(b'buyer data')\n"
                            "print(s.dir, flush=True); os.kill(os.getpid(), signal.SIGKILL)"],
                           capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert child.returncode == -9
    left = Path(child.stdout.strip())
    assert left.parent == tmp_path and (left / "0001.pdf").is_file()
    mine = Snapshot()  # a live one of this process is kept
    other = Snapshot()
    assert not left.exists() and mine.dir.exists() and other.dir.exists()
