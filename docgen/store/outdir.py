"""The output folder, written all at once and never lost or wrongly wiped.

- Everything goes into a staging folder `.NAME.tmp-*` beside OUTDIR, which then takes
  OUTDIR's place in one exchange rename (renameat2 RENAME_EXCHANGE): a kill at any point
  leaves the old or the new OUTDIR, complete. Where the file system lacks the exchange,
  two renames (OUTDIR → `.NAME.old-*`, staging → OUTDIR), and the next run puts the old
  folder back if a kill landed between them.
- One writer per OUTDIR: `claim_outdir` holds an flock on `.NAME.lock` beside it from the
  check to the last rename; a second build of the same OUTDIR exits 2 at once.
- Under the lock, staging folders of killed runs (partial letters with personal data)
  are removed before anything is written.
- A non-empty OUTDIR is replaced only when it holds a docgen manifest.json and no file
  that manifest does not list.
- The folder gets the user's umask, like any folder the user makes."""
from __future__ import annotations

import errno
import fnmatch
import glob
import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg

MARKER = "manifest.json"  # a folder holding a docgen one was written by docgen and may be replaced
PREVIOUS_PREFIX = "pre-review-"  # earlier outputs kept by a review import, carried over whole


# ---- which folder may be replaced -------------------------------------------------------


def check_outdir(outdir: Path, case_folder: Path, keep_previous: bool = False) -> None:
    """Refuses (exit 2) an OUTDIR that may not be replaced. `keep_previous` (a review
    import): files the manifest does not list are allowed, as the whole previous folder,
    theirs too, is kept in `pre-review-<time>/` (e.g. the edited review file saved there)."""
    out = outdir.resolve()
    if out == case_folder or out in case_folder.parents:
        raise DocgenError(Problem(str(outdir), "-o", msg("output.output-folder-would-replace")))
    if out.exists():
        if not out.is_dir():
            raise DocgenError(Problem(str(outdir), "-o", msg("output.exists-not-folder")))
        if any(out.iterdir()):
            _check_docgen_folder(outdir, out, keep_previous)


def read_docgen_manifest(folder: Path) -> dict | None:
    """The folder's manifest.json when docgen wrote it (a build's or an index's), else None."""
    path = folder / MARKER
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), list):
        return None
    if not (isinstance(data.get("docgen"), str) or data.get("kind") == "evidence-index"):
        return None
    outputs = data.get("outputs")
    if outputs is not None and not (isinstance(outputs, list) and all(
            isinstance(o, dict) and isinstance(o.get("path"), str) for o in outputs)):
        return None
    return data


def _table_patterns() -> list[str]:
    """Every name the OUTPUTS table can give a file (a manifest written before manifests
    listed their outputs: an older index folder)."""
    from docgen.writers.registry import OUTPUTS, WRITERS

    out = []
    for o in OUTPUTS:
        stem = (o.name or o.kind).replace("{lang}", "*")
        name = f"{stem}*{WRITERS[o.format].suffix}" if o.format in WRITERS else f"{stem}*"
        out.append(f"{o.folder}/{name}" if o.folder else name)
    return out


def foreign_entries(folder: Path, manifest: dict) -> list[str]:
    """What in `folder` docgen did not write: paths its manifest does not list (besides
    manifest.json itself and the `pre-review-*` folders of earlier reviews), sorted."""
    listed = {MARKER} | {o["path"] for o in manifest.get("outputs") or []}
    patterns = _table_patterns() if "outputs" not in manifest else []
    parents = {p for rel in listed for p in _parents(rel)}
    foreign: list[str] = []

    def walk(d: Path, prefix: str) -> None:
        for entry in sorted(os.scandir(d), key=lambda e: e.name):
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if rel in parents:
                    walk(Path(entry.path), rel + "/")
                elif not (prefix == "" and entry.name.startswith(PREVIOUS_PREFIX)):
                    foreign.append(rel + "/")
            elif rel not in listed and not any(fnmatch.fnmatchcase(rel, p) for p in patterns):
                foreign.append(rel)

    walk(folder, "")
    return foreign


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _check_docgen_folder(outdir: Path, out: Path, keep_previous: bool = False) -> None:
    manifest = read_docgen_manifest(out)
    if manifest is None:
        raise DocgenError(Problem(str(outdir), "-o", msg("output.folder-exists-not-empty")))
    foreign = [] if keep_previous else foreign_entries(out, manifest)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise DocgenError(Problem(str(outdir), "-o", msg("output.folder-holds-foreign-files", files=shown,
                                                         count=len(foreign))))


# ---- one writer per OUTDIR -----------------------------------------------------------------


def lock_path(outdir: Path) -> Path:
    return outdir.parent / f".{outdir.name}.lock"


_held: dict[tuple[str, int], int] = {}  # (lock path, thread) → depth: a build nests its stages' claims


@contextmanager
def outdir_lock(outdir: Path) -> Iterator[None]:
    """An exclusive flock on `.NAME.lock` beside OUTDIR; another holder → exit 2 at once
    (nothing waits, nothing is replaced). The lock file is removed when released."""
    import fcntl

    path = lock_path(outdir.resolve())
    key = (str(path), threading.get_ident())
    if key in _held:  # this thread holds it already (the build's claim, then its staged folder)
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    busy = DocgenError(Problem(str(outdir), "-o", msg("output.outdir-busy", lock=path.name)))
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(50):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise busy from None
        try:  # the holder before us may have removed the file: only a lock on the current one counts
            current = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(fd)
    else:
        raise busy
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        try:
            os.unlink(path)  # removed while still held, so no later run locks a stale file
        except OSError:
            pass
        os.close(fd)


@contextmanager
def claim_outdir(outdir: Path, case_folder: Path, keep_previous: bool = False) -> Iterator[None]:
    """For a whole build: the lock, the folder put back / cleaned after a killed run, and
    the check that OUTDIR may be replaced — all under the lock, so nothing changes between
    the check and the rename."""
    made = _make_parents(outdir.resolve())
    try:
        with outdir_lock(outdir):
            recover(outdir.resolve())
            check_outdir(outdir, case_folder, keep_previous)
            yield
    except BaseException:
        _remove_if_empty(made)  # a refused or failed build leaves no empty `-o a/b/` behind
        raise


def _make_parents(path: Path) -> list[Path]:
    """Creates the folders missing above `path`; returns the ones it made, deepest first."""
    made, folder = [], path.parent
    while not os.path.lexists(folder):
        made.append(folder)
        folder = folder.parent
    path.parent.mkdir(parents=True, exist_ok=True)
    return made


def _remove_if_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first; one that holds something (another run's) stays
        try:
            folder.rmdir()
        except OSError:
            return


def recover(outdir: Path) -> None:
    """Under the lock, before writing: a run killed between the two renames of the fallback
    left no OUTDIR and the previous outputs in `.NAME.old-*`: put the newest back. Leftover
    `.NAME.tmp-*` / `.NAME.old-*` folders of killed runs are removed."""
    parent = outdir.parent
    if not parent.is_dir():
        return

    def mine(prefix: str) -> list[Path]:
        return [p for p in parent.glob(f".{glob.escape(outdir.name)}.{prefix}-*")
                if p.is_dir() and not p.is_symlink()]

    olds = sorted(mine("old"), key=lambda p: p.stat().st_mtime)
    if olds and not os.path.lexists(outdir):
        os.rename(olds[-1], outdir)
        olds = olds[:-1]
    for stale in [*olds, *mine("tmp")]:
        shutil.rmtree(stale, ignore_errors=True)


# ---- the staged folder and the swap ------------------------------------------------------


def _umask() -> int:
    """The process umask, read without changing it (other threads may be making files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swaps two paths in one step (renameat2 RENAME_EXCHANGE); False where the C library
    or the file system does not offer it (nothing was changed then)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def staged_folder(outdir: Path, keep_previous: bool = False) -> Iterator[Path]:
    """Yields a staging folder; on success it becomes `outdir` (old contents replaced).
    `keep_previous` copies the old outputs into `pre-review-<time>/` inside the new
    folder (earlier such folders are kept too). Holds OUTDIR's lock throughout."""
    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    with outdir_lock(outdir):
        recover(outdir)
        with _staged(outdir, keep_previous) as tmp:
            yield tmp


@contextmanager
def _staged(outdir: Path, keep_previous: bool) -> Iterator[Path]:
    import datetime as dt

    tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=outdir.parent))
    try:
        if outdir.is_dir():
            for old in outdir.iterdir():
                if old.is_dir() and not old.is_symlink() and old.name.startswith(PREVIOUS_PREFIX):
                    shutil.copytree(old, tmp / old.name)
            if keep_previous:
                stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                keep, n = tmp / f"{PREVIOUS_PREFIX}{stamp}", 1
                while keep.exists():  # a second review within the same second
                    n += 1
                    keep = tmp / f"{PREVIOUS_PREFIX}{stamp}-{n}"
                shutil.copytree(outdir, keep, ignore=shutil.ignore_patterns(f"{PREVIOUS_PREFIX}*"))
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700: the folder keeps the user's umask
        swap_in(tmp, outdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # unfinished, or (after the exchange) the old outputs
        raise


def swap_in(tmp: Path, outdir: Path) -> None:
    """`tmp` becomes `outdir`. Every step leaves a complete OUTDIR (old or new) or, in the
    fallback only, the old one in `.NAME.old-*` for `recover` to put back."""
    if not os.path.lexists(outdir):
        os.rename(tmp, outdir)
        return
    if exchange(tmp, outdir):
        shutil.rmtree(tmp, ignore_errors=True)  # now holds the previous outputs (a kill here: `recover`)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old-", dir=outdir.parent))
    os.rmdir(old)
    os.rename(outdir, old)
    try:
        os.rename(tmp, outdir)
    except OSError:
        os.rename(old, outdir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def list_in_manifest(outdir: Path, files: list[dict]) -> None:
    """Adds files written into a built OUTDIR afterwards (`docgen review export`) to its
    manifest's outputs, so the next build replaces the folder instead of refusing them as
    files docgen did not write. Call it under `outdir_lock`."""
    manifest = read_docgen_manifest(outdir)
    if manifest is None or manifest.get("outputs") is None:
        return
    listed = {o["path"]: o for o in manifest["outputs"]}
    listed.update((f["path"], f) for f in files)
    manifest["outputs"] = list(listed.values())
    write_json(outdir / MARKER, manifest)


def write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
