"""A file the user names with `-o` (`new`, `explain`, `glossary export`, `review
tm-export`): one rule for every command — an existing file is never overwritten (exit 2,
nothing written), and the file appears whole or not at all (written beside it, then
hard-linked into place, which fails rather than replaces when the name is taken)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg


def refuse_existing(path: Path, option: str = "-o") -> None:
    if os.path.lexists(path):
        raise DocgenError(Problem(str(path), option, msg("cli.file-exists-choose-another")))


def write_user_file(path: Path, data: bytes | str, option: str = "-o") -> None:
    path = Path(path)
    refuse_existing(path, option)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            os.link(tmp, path)  # atomic, and never replaces: a file made meanwhile is kept
        except FileExistsError:
            raise DocgenError(Problem(str(path), option, msg("cli.file-exists-choose-another"))) from None
    finally:
        os.unlink(tmp)
