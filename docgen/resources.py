"""Where docgen finds its data folders (templates, glossary), from the settings in force
(`docgen.settings`: DOCGEN_TEMPLATES / DOCGEN_GLOSSARY move them, so that an agency can
keep its own edited copies), and the version stamp of such a folder."""
from __future__ import annotations

import hashlib
from pathlib import Path

from docgen.settings import PROJECT_ROOT, current

__all__ = ["PROJECT_ROOT", "templates_dir", "glossary_dir", "folder_version"]


def templates_dir() -> Path:
    return current().templates_dir


def glossary_dir() -> Path:
    return current().glossary_dir


def batch_data_dir() -> Path:
    """Header aliases and takedown-reason map of `docgen batch` (DOCGEN_BATCH_DATA moves it)."""
    return current().batch_data_dir


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
    return current().channels_file
