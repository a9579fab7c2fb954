"""Where docgen finds its data folders (templates, glossary). Each can be moved with an
environment variable so that an agency can keep its own edited copies."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    return Path(os.environ.get("DOCGEN_TEMPLATES", PROJECT_ROOT / "letter_templates"))


def glossary_dir() -> Path:
    return Path(os.environ.get("DOCGEN_GLOSSARY", PROJECT_ROOT / "glossary"))


def folder_version(folder: Path) -> str:
    """VERSION file plus a short hash of every file, so an edited copy is told apart."""
    if not folder.is_dir():
        return "missing"
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    version_file = folder / "VERSION"
    label = version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else "unversioned"
    return f"{label}+{h.hexdigest()[:12]}"


def channels_file() -> Path:
    """The channels table (`channels/channels.yaml`): where each case type is sent."""
    return Path(os.environ.get("DOCGEN_CHANNELS", PROJECT_ROOT / "channels" / "channels.yaml"))
