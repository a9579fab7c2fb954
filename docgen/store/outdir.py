"""The output folder, written all at once: everything goes into a temporary folder beside
the target, which then replaces the target by rename. An interrupted build leaves the
previous outputs intact, and a failed one leaves nothing behind."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg

MARKER = "manifest.json"  # a folder holding one was written by docgen and may be replaced


def check_outdir(outdir: Path, case_folder: Path) -> None:
    out = outdir.resolve()
    if out == case_folder or out in case_folder.parents:
        raise DocgenError(Problem(str(outdir), "-o", msg("output.output-folder-would-replace")))
    if out.exists():
        if not out.is_dir():
            raise DocgenError(Problem(str(outdir), "-o", msg("output.exists-not-folder")))
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise DocgenError(Problem(str(outdir), "-o", msg("output.folder-exists-not-empty")))


PREVIOUS_PREFIX = "pre-review-"


@contextmanager
def staged_folder(outdir: Path, keep_previous: bool = False) -> Iterator[Path]:
    """Yields a temporary folder; on success it becomes `outdir` (old contents replaced).
    `keep_previous` copies the old outputs into `pre-review-<time>/` inside the new
    folder (earlier such folders are kept too)."""
    import datetime as dt

    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=outdir.parent))
    try:
        if outdir.is_dir():
            for old in outdir.iterdir():
                if old.is_dir() and old.name.startswith(PREVIOUS_PREFIX):
                    shutil.copytree(old, tmp / old.name)
            if keep_previous:
                stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                keep, n = tmp / f"{PREVIOUS_PREFIX}{stamp}", 1
                while keep.exists():  # a second review within the same second
                    n += 1
                    keep = tmp / f"{PREVIOUS_PREFIX}{stamp}-{n}"
                shutil.copytree(outdir, keep,
                                ignore=shutil.ignore_patterns(f"{PREVIOUS_PREFIX}*"))
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if outdir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old-", dir=outdir.parent))
        os.rmdir(old)
        os.rename(outdir, old)
    os.rename(tmp, outdir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
