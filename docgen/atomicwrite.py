"""`write_bytes_atomically`: a file appears whole or not at all (temporary file beside
it + rename), for files docgen keeps for itself — cache entries, compiled catalogs —
where a folder it may not write to means only that nothing is kept. Imports nothing of
docgen, so the lowest modules (i18n, the disk cache) can use it."""
from __future__ import annotations

import os
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes) -> bool:
    """Writes `data` to `path` (creating its folder); False when it cannot be written."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
