"""Each evidence file is opened once.

Every component of its path below the case folder is opened with O_NOFOLLOW (so no
symlink anywhere, and the path cannot leave the folder), the file must be a regular one
(a FIFO, device or folder is refused, and a FIFO is opened non-blocking so it cannot hang
the build), and its bytes are copied through that one descriptor into a private folder
(0700, removed when no entry refers to it any more). The hash, the inspection, the
personal-data scan, the OCR and the bundle all read that copy: a file swapped for a
symlink or rewritten during a build changes nothing that is indexed or bundled."""
from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import weakref
from pathlib import Path, PurePosixPath

from docgen.i18n import msg

_FLAGS = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW


class EvidenceOpenError(Exception):
    """Why an evidence path cannot be opened safely: a message code and its values."""

    def __init__(self, code: str, **params: str):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return msg(self.code, **self.params)

    def __str__(self) -> str:
        return self.message


def open_inside(folder: Path, rel: str) -> int:
    """A read-only descriptor of the regular file `rel` below `folder`, opened without
    following any symlink on the way. Raises EvidenceOpenError."""
    parts = PurePosixPath(rel.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or any(p in ("..", "") for p in parts):
        raise EvidenceOpenError("case.path-leaves-case-folder")
    parts = tuple(p for p in parts if p != ".")
    try:
        dirfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as e:
        raise EvidenceOpenError("evidence.cannot-open", file_name=rel, error=e.strerror or type(e).__name__) from None
    try:
        for part in parts[:-1]:
            try:
                nfd = os.open(part, _FLAGS | os.O_DIRECTORY, dir_fd=dirfd)
            except OSError as e:
                raise _explain(e, rel, _is_link(part, dirfd)) from None
            os.close(dirfd)
            dirfd = nfd
        try:
            fd = os.open(parts[-1], _FLAGS | os.O_NONBLOCK, dir_fd=dirfd)  # a FIFO must not block
        except OSError as e:
            raise _explain(e, rel, _is_link(parts[-1], dirfd)) from None
    finally:
        os.close(dirfd)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise EvidenceOpenError("case.not-regular-file", file_name=rel)
    os.set_blocking(fd, True)
    return fd


def _is_link(name: str, dirfd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _explain(e: OSError, rel: str, link: bool) -> EvidenceOpenError:
    # O_NOFOLLOW on a symlink: ELOOP (EMLINK on FreeBSD); with O_DIRECTORY: ENOTDIR
    if link or e.errno in (errno.ELOOP, errno.EMLINK):
        return EvidenceOpenError("evidence.symlink-refused", file_name=rel)
    if e.errno == errno.ENOENT:
        return EvidenceOpenError("case.file-not-found", file_name=rel)
    if e.errno == errno.ENOTDIR:
        return EvidenceOpenError("case.not-regular-file", file_name=rel)
    return EvidenceOpenError("evidence.cannot-open", file_name=rel, error=e.strerror or type(e).__name__)


def check_openable(folder: Path, rel: str) -> None:
    """The load-time check: the path can be opened as `Snapshot.take` will (no read)."""
    os.close(open_inside(folder, rel))


PREFIX = "docgen-evidence-"


def remove_stale(tmp: Path | None = None) -> list[Path]:
    """Private folders left by builds that were killed (`docgen-evidence-<pid>-*` whose
    process is gone, ours only): they hold copies of evidence, buyer data included."""
    tmp = Path(tmp or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(tmp))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        pid = entry.name[len(PREFIX):].split("-", 1)[0]
        try:
            st = entry.stat(follow_symlinks=False)
            if not (pid.isdigit() and stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid()):
                continue
            os.kill(int(pid), 0)
            continue  # that process still runs (or the pid was reused): left alone
        except ProcessLookupError:
            pass
        except (OSError, ValueError, OverflowError):  # PermissionError: someone else's live process
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


class Snapshot:
    """A private folder of evidence copies, removed when no entry refers to it any more
    (and at exit); ones left by killed builds are removed when the next one starts."""

    def __init__(self) -> None:
        remove_stale()
        self.dir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))  # 0700
        self._n = 0
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.dir), True)

    def take(self, folder: Path, rel: str) -> Path:
        """Copies the file once, through one descriptor; returns the private copy (it keeps
        the extension, which some readers look at)."""
        fd = open_inside(folder, rel)
        self._n += 1
        dest = self.dir / f"{self._n:04d}{PurePosixPath(rel).suffix[:16]}"
        try:
            with os.fdopen(fd, "rb") as src, open(dest, "xb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
        except OSError as e:
            raise EvidenceOpenError("evidence.cannot-open", file_name=rel,
                                    error=e.strerror or type(e).__name__) from None
        os.chmod(dest, 0o400)
        return dest

    def release(self) -> None:
        self._finalizer()
