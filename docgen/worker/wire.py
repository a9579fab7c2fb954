"""The worker's messages: a 4-byte length, then a JSON object; the first message of a
build also carries the caller's stdin, stdout and stderr (SCM_RIGHTS)."""
from __future__ import annotations

import json
import socket
import struct

MAX_MESSAGE = 1 << 22  # an environment and an argument list; anything longer is refused
_LENGTH = struct.Struct(">I")


class WireError(Exception):
    """The other side sent something that is not a message, or went away mid-message."""


def send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    frame = _LENGTH.pack(len(data)) + data
    if fds:
        sent = socket.send_fds(sock, [frame], fds)
        frame = frame[sent:]
    if frame:  # (an empty sendall fails once the other side has answered and closed)
        sock.sendall(frame)


def receive(sock: socket.socket, maxfds: int = 0) -> tuple[dict | None, list[int]]:
    """One message and the descriptors that came with it; (None, []) when the other side
    closed the connection before a message began."""
    fds: list[int] = []
    if maxfds:
        head, fds, _flags, _addr = socket.recv_fds(sock, _LENGTH.size, maxfds)
    else:
        head = sock.recv(_LENGTH.size)
    if not head:
        _close(fds)
        return None, []
    try:
        head += _exactly(sock, _LENGTH.size - len(head))
        (size,) = _LENGTH.unpack(head)
        if size > MAX_MESSAGE:
            raise WireError(f"message of {size} bytes")
        message = json.loads(_exactly(sock, size))
        if not isinstance(message, dict):
            raise WireError("not an object")
    except (WireError, ValueError):
        _close(fds)
        raise WireError("malformed message") from None
    return message, fds


def _exactly(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 1 << 16))
        if not chunk:
            raise WireError("connection closed mid-message")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _close(fds: list[int]) -> None:
    import os

    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
