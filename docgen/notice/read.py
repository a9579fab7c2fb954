"""A notice as the seller has it: text pasted from the Seller Center into a file, or a
saved e-mail (.eml). Returns plain text; nothing is fetched (links stay text)."""
from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.i18n import msg

MAX_BYTES = 2 * 1024 * 1024  # a notice is a page of text; anything larger is not one
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_text(html: str) -> str:
    p = _TextOnly()
    p.feed(html)
    return "".join(p.parts)


def _decode(data: bytes, shown: str) -> str:
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    try:  # Russian mail and Windows notepad files are often Windows-1251
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise DocgenError(Problem(shown, "", msg("notice.not-text-file-save"))) from None
    if re.search(r"[А-Яа-я]{3}", text):
        return text
    raise DocgenError(Problem(shown, "", msg("notice.not-utf-text-save")))


def _email_text(data: bytes) -> str:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    parts = [f"{msg.get('subject', '')}".strip()]
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = body.get_content()
        parts.append(_html_text(content) if body.get_content_type() == "text/html" else content)
    return "\n".join(p for p in parts if p)


def clean(text: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [ln.rstrip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_notice(source: str | Path, stdin_text: str | None = None) -> str:
    """The notice's plain text. `source` is a file path, or "-" with `stdin_text`."""
    if str(source) == "-":
        text = stdin_text or ""
        shown = "<stdin>"
    else:
        path = Path(source)
        shown = str(path)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise DocgenError(Problem(shown, "", msg("notice.larger-than-mb-not", max_bytes=MAX_BYTES // (1024 * 1024))))
            data = path.read_bytes()
        except FileNotFoundError:
            raise DocgenError(Problem(shown, "", msg("notice.file-not-found"))) from None
        except IsADirectoryError:
            raise DocgenError(Problem(shown, "", msg("notice.folder-not-notice-file"))) from None
        except OSError as e:
            raise DocgenError(Problem(shown, "", msg("notice.cannot-read-2", reason=e.strerror or type(e).__name__))) from None
        if path.suffix.lower() == ".eml" or re.match(rb"(?i)(from|received|return-path|subject|mime-version):", data):
            text = _email_text(data)
        else:
            text = _decode(data, shown)
            if path.suffix.lower() in (".html", ".htm"):
                text = _html_text(text)
    text = clean(text)
    if not text:
        raise DocgenError(Problem(shown, "", msg("notice.notice-empty-paste-notice")))
    return text
