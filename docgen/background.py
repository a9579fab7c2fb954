"""What docgen's background servers (LanguageTool, the build worker) share: the lock a
command holds while it starts one, so that a second command waits for the first one's
server instead of starting its own beside it, and a process's start time, so that a
recorded pid reused by another process is never taken for the server."""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def start_lock(path: Path, timeout: float):
    """flock on `path`, waited for up to `timeout` seconds (then TimeoutError). The
    kernel drops the lock when its holder exits, so a crash frees it."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(timeout) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def process_start_time(pid: int) -> int | None:
    """When the process started (clock ticks since boot, field 22 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None
