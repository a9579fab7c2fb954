"""The output folder is never lost or wrongly wiped (issue #13, item 4)."""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from docgen import BuildOptions, DocgenError, build
from docgen.cli import main
from docgen.pipeline.index import IndexOptions, build_index
from docgen.store.outdir import claim_outdir, exchange, recover, staged_folder

FAST = dict(languagetool=False, translator=None, bundle=False, formats=("pdf",))  # tests read letter.ru.pdf
STRACE = shutil.which("strace")


@pytest.fixture(scope="module")
def _built_once(tmp_path_factory):
    from tests.conftest import copy_sample

    case = copy_sample("fund-hold", tmp_path_factory.mktemp("outdir"))
    build(case, BuildOptions(**FAST))
    return case


@pytest.fixture
def built_case(_built_once, tmp_path) -> Path:
    """A fund-hold case with out/ built (FAST), a private copy per test."""
    shutil.copytree(_built_once.parent, tmp_path / "fund-hold", symlinks=True)
    return tmp_path / "fund-hold" / _built_once.name


def test_foreign_manifest_folder_is_refused(fund_hold_case, capsys):
    """A browser extension's folder (its own manifest.json) was replaced wholesale."""
    out = fund_hold_case.parent / "ext"
    (out / "icons").mkdir(parents=True)
    (out / "icons" / "a.png").write_bytes(b"png")
    (out / "manifest.json").write_text('{"name": "my extension", "version": "1"}', encoding="utf-8")
    (out / "background.js").write_text("x", encoding="utf-8")
    assert main(["build", "--no-bundle", "-o", str(out), str(fund_hold_case)]) == 2
    assert "no docgen manifest.json" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["background.js", "icons", "manifest.json"]
    assert (out / "icons" / "a.png").read_bytes() == b"png"
    assert not list(out.parent.glob(".ext.*"))


def test_own_folder_with_foreign_files_is_refused(built_case, capsys):
    out = built_case.parent / "out"
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "submit" / "extra.pdf").write_bytes(b"%PDF-mine")
    (out / "drafts").mkdir()
    assert main(["build", "--no-bundle", str(built_case)]) == 2
    err = capsys.readouterr().err
    assert "3 file(s) docgen did not write (drafts/, notes.txt, submit/extra.pdf)" in err
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "submit" / "extra.pdf").read_bytes() == b"%PDF-mine"
    # its own files only (and earlier pre-review-* folders): may be replaced
    for p in ("notes.txt", "submit/extra.pdf"):
        (out / p).unlink()
    (out / "drafts").rename(out / "pre-review-20261101T000000Z")
    from docgen.store.outdir import check_outdir

    check_outdir(out, built_case.parent)


def test_index_folder_lists_its_outputs_and_is_replaced(fund_hold_case):
    out = fund_hold_case.parent / "idx"
    small = IndexOptions(outdir=out, formats=("pdf",))  # PDFs and the JSON to list; no DOCX needed
    first = build_index(fund_hold_case, small)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(o["path"] for o in manifest["outputs"]) == sorted(
        p.relative_to(out).as_posix() for p in first.outputs if p.name != "manifest.json")
    build_index(fund_hold_case, small)  # a docgen index folder: replaced
    (out / "mine.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DocgenError, match="mine.txt"):
        build_index(fund_hold_case, small)


def test_exchange_rename_swaps_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "new").touch()
    (b / "old").touch()
    assert exchange(a, b)  # ext4/tmpfs/xfs/btrfs of any CI machine have it
    assert (b / "new").exists() and (a / "old").exists()


def test_killed_fallback_is_recovered_and_stale_folders_removed(built_case):
    out = built_case.parent / "out"
    letter = (out / "submit" / "letter.ru.pdf").read_bytes()
    # what a kill between the fallback's two renames leaves: no OUTDIR, the old one aside,
    # and a staging folder of partial outputs (personal data) of an earlier killed run
    os.rename(out, out.parent / ".out.old-abc123")
    stale = out.parent / ".out.tmp-dead01"
    stale.mkdir()
    (stale / "letter.ru.pdf").write_bytes(b"partial")
    old = os.umask(0o027)
    try:
        again = build(built_case, BuildOptions(**FAST))
    finally:
        os.umask(old)
    assert (again.outdir / "submit" / "letter.ru.pdf").read_bytes() == letter
    assert not stale.exists()
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(".out.")]
    assert stat.S_IMODE(again.outdir.stat().st_mode) == 0o750  # the umask's, not mkdtemp's 0700


def test_second_writer_gets_a_clear_exit_2(built_case, capsys):
    out = built_case.parent / "out"
    before = (out / "manifest.json").read_bytes()
    lock = built_case.parent / ".out.lock"
    # another process holds the lock (a running build): flock by a child process
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               f"fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT)\n"
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["build", "--no-bundle", str(built_case)]) == 2
        err = capsys.readouterr().err
        assert "another docgen is writing this output folder right now (lock .out.lock)" in err
        assert "internal error" not in err
        assert (out / "manifest.json").read_bytes() == before
        assert not list(built_case.parent.glob(".out.tmp-*"))
    finally:
        holder.kill()
        holder.wait()
    with staged_folder(out) as tmp:  # the holder gone: the folder can be written again
        (tmp / "x").touch()
    assert (out / "x").exists() and not lock.exists()  # the lock file goes with its holder


def test_lock_held_in_this_process_too(tmp_path):
    """Two threads (the review page) of one process: the second writer is refused too."""
    import threading

    out = tmp_path / "out"
    errors = []
    with staged_folder(out) as tmp:
        (tmp / "x").touch()
        t = threading.Thread(target=lambda: _try_stage(out, errors))
        t.start()
        t.join()
    assert len(errors) == 1 and "another docgen is writing" in str(errors[0])
    assert (out / "x").exists()


def _try_stage(out: Path, errors: list) -> None:
    try:
        with staged_folder(out):
            pass
    except DocgenError as e:
        errors.append(e)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_folder_keeps_the_umask(tmp_path, mask):
    out = tmp_path / "out"
    old = os.umask(mask)
    try:
        for _ in range(2):  # made, then replaced
            with staged_folder(out) as tmp:
                (tmp / "x").touch()
            assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask  # was always 0700 (mkdtemp's)
    finally:
        os.umask(old)


# ---- a kill at every rename point ---------------------------------------------------------
# A child process replaces OUTDIR through staged_folder (the same code every pipeline uses);
# strace counts its renames and kills it (SIGKILL on entering the Nth one) at each point
# in turn, with the exchange rename and with the fallback (renameat2 made to fail EINVAL).

WRITER = """
import json, sys
from pathlib import Path
from docgen.store.outdir import staged_folder
out, tag = Path(sys.argv[1]), sys.argv[2]
with staged_folder(out) as tmp:
    names = [f"f{i}.txt" for i in range(3)]
    for n in names:
        (tmp / n).write_text(tag)
    (tmp / "manifest.json").write_text(json.dumps(
        {"docgen": "test", "inputs": [], "outputs": [{"path": n} for n in names], "tag": tag}))
"""
RENAMES = "rename,renameat,renameat2"


def _write(out: Path, tag: str, inject: list[str] = ()) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", WRITER, str(out), tag]
    if inject or STRACE:
        trace = ["-e", f"trace={RENAMES},unlink,unlinkat,rmdir"]
        cmd = [STRACE, "-f", "-qq", *trace, *(x for i in inject for x in ("-e", f"inject={i}")), *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _complete(out: Path) -> str:
    """The tag of the OUTDIR found, after checking it is whole."""
    manifest = json.loads((out / "manifest.json").read_text())
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(["manifest.json", *(o["path"] for o in manifest["outputs"])])
    assert {(out / o["path"]).read_text() for o in manifest["outputs"]} == {manifest["tag"]}
    return manifest["tag"]


def _calls(stderr: str, parent: Path) -> list[tuple[str, int, bool]]:
    """Every traced call in order: (syscall, its count among calls of that name, whether
    it is a rename touching `parent`, i.e. OUTDIR or its staging folders)."""
    seen: dict[str, int] = {}
    out = []
    for line in stderr.splitlines():
        m = re.match(r"(?:\[pid\s+\d+\]\s+|\d+\s+)?(\w+)\((.*)", line)
        if not m or "resumed>" in line:
            continue
        name = m.group(1)
        seen[name] = seen.get(name, 0) + 1
        out.append((name, seen[name], name in RENAMES.split(",") and str(parent) in m.group(2)))
    return out


@pytest.mark.skipif(STRACE is None, reason="strace not installed (scripts/setup installs it)")
@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_kill_at_every_rename_point_leaves_old_or_new(tmp_path, mode):
    out = tmp_path / "out"
    force = ["renameat2:error=EINVAL"] if mode == "fallback" else []
    assert _write(out, "old").returncode == 0
    traced = _write(out, "new", force)
    assert traced.returncode == 0, traced.stderr
    calls = _calls(traced.stderr, tmp_path)
    points = [(name, n) for name, n, ours in calls if ours]
    if mode == "exchange":
        assert [name for name, _ in points] == ["renameat2"]
    else:
        assert [name for name, _ in points] == ["renameat2", "rename", "rename"]  # refused, aside, in
    # a kill on entering each rename (which then never happens), and on the first unlink
    # after the last one (the old outputs being removed)
    kills = [f"{name}:signal=KILL:when={n}" for name, n in points if not (mode == "fallback" and name == "renameat2")]
    last = max(i for i, c in enumerate(calls) if c[2])
    name, n, _ = next(c for c in calls[last:] if c[0] in ("unlink", "unlinkat", "rmdir"))
    kills.append(f"{name}:signal=KILL:when={n}")
    tags = []
    for kill in kills:
        shutil.rmtree(out, ignore_errors=True)
        for p in tmp_path.glob(".out.*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        assert _write(out, "old").returncode == 0
        run = _write(out, "new", [*force, kill])
        assert run.returncode == -9 or "killed by SIGKILL" in run.stderr, (kill, run.stderr[-500:])
        if mode == "exchange":  # at once: OUTDIR is there and whole
            tag = _complete(out)
        else:  # the next run puts the old one back before anything else
            recover(out)
            tag = _complete(out)
        tags.append(tag)
        recover(out)  # what the next run does first: no staging folder left
        assert not [p for p in tmp_path.glob(".out.*") if p.is_dir()], kill  # (a lock file may stay: unlocked)
        assert _complete(out) == tag
    assert "old" in tags and "new" in tags  # both sides of the swap were hit


def test_real_build_killed_at_the_exchange(built_case):
    """`docgen build` itself in a child process, SIGKILLed by a hook on entering the
    exchange rename (strace is too slow over a whole build): the previous outputs stay
    whole; the next build removes the staged folder (partial letters, personal data)."""
    out = built_case.parent / "out"
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    hook = ("import os, signal, sys\n"
            "import docgen.store.outdir as o\n"
            "o.exchange = lambda a, b: os.kill(os.getpid(), signal.SIGKILL)\n"
            "from docgen.cli import main\n"
            "sys.exit(main(['build', '--no-bundle', sys.argv[1]]))")
    run = subprocess.run([sys.executable, "-c", hook, str(built_case)], capture_output=True, text=True, timeout=300)
    assert run.returncode == -9, run.stderr[-2000:]
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    staged = list(built_case.parent.glob(".out.tmp-*"))
    assert len(staged) == 1 and (staged[0] / "submit" / "letter.ru.pdf").is_file()  # the leak of the issue
    with claim_outdir(out, built_case.parent):  # what the next build does first
        assert not list(built_case.parent.glob(".out.tmp-*"))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
