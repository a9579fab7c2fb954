"""Argos Translate language packages (`.argosmodel`), installed from a file.

A package is a zip holding exactly one top-level folder with `metadata.json`
(`from_code`, `to_code`, `package_version`, optional `target_prefix`), `model/` (a
CTranslate2 model) and `sentencepiece.model`. Installing unpacks it into the models
folder (`DOCGEN_MODELS_DIR`, default `~/.local/share/docgen/models`)."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docgen.errors import DocgenError, Problem
from docgen.settings import current
from docgen.i18n import msg

PIVOT = "en"


def models_dir() -> Path:
    return current().models_dir


@dataclass(frozen=True)
class ModelPackage:
    path: Path
    from_code: str
    to_code: str
    version: str
    target_prefix: str = ""

    @property
    def name(self) -> str:
        return f"argos-{self.from_code}_{self.to_code} {self.version}"

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece(self) -> Path:
        return self.path / "sentencepiece.model"


def read_package(folder: Path) -> ModelPackage:
    meta_path = folder / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        from_code, to_code = meta["from_code"], meta["to_code"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise DocgenError(Problem(str(meta_path), "", msg("translate.not-translation-package", error=type(e).__name__))) from None
    if not (folder / "model" / "model.bin").is_file():
        raise DocgenError(Problem(str(folder), "model/", msg("translate.no-ctranslate-model-model")))
    if not (folder / "sentencepiece.model").is_file():
        raise DocgenError(Problem(str(folder), "sentencepiece.model",
                                  msg("translate.no-sentencepiece-model-bpe")))
    return ModelPackage(path=folder, from_code=from_code, to_code=to_code,
                        version=str(meta.get("package_version", "0")), target_prefix=meta.get("target_prefix", ""))


def install_package(archive: Path, target: Path | None = None) -> ModelPackage:
    """Unpacks an .argosmodel file (offline). Refuses archives whose members would land
    outside their folder, and replaces an installed package of the same pair."""
    target = target or models_dir()
    shown = str(archive)
    if not archive.is_file():
        raise DocgenError(Problem(shown, "", msg("translate.file-not-found")))
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise DocgenError(Problem(shown, "", msg("translate.not-argosmodel-zip-file"))) from None
    with zf:
        names = [n for n in zf.namelist() if n]
        tops = {PurePosixPath(n).parts[0] for n in names}
        if len(tops) != 1:
            raise DocgenError(Problem(shown, "", msg("translate.must-hold-exactly-one", tops_count=len(tops))))
        for n in names:
            p = PurePosixPath(n)
            if p.is_absolute() or ".." in p.parts or "\\" in n:
                raise DocgenError(Problem(shown, n, msg("translate.unsafe-path-archive")))
        target.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".install-", dir=target))
        try:
            zf.extractall(tmp)
            unpacked = tmp / tops.pop()
            pkg = read_package(unpacked)
            final = target / f"{pkg.from_code}_{pkg.to_code}"
            if final.exists():
                shutil.rmtree(final)
            os.rename(unpacked, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return read_package(final)


def list_packages(folder: Path | None = None) -> list[ModelPackage]:
    folder = folder or models_dir()
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        if p.is_dir() and not p.name.startswith(".") and (p / "metadata.json").is_file():
            try:
                out.append(read_package(p))
            except DocgenError:
                continue
    return out


def find_route(source: str, target: str, packages: list[ModelPackage] | None = None) -> list[ModelPackage] | None:
    """A direct package, or two through English; None when neither is installed."""
    packages = list_packages() if packages is None else packages
    by_pair = {(p.from_code, p.to_code): p for p in packages}
    if (source, target) in by_pair:
        return [by_pair[(source, target)]]
    if (source, PIVOT) in by_pair and (PIVOT, target) in by_pair:
        return [by_pair[(source, PIVOT)], by_pair[(PIVOT, target)]]
    return None


def install_from_index(name: str) -> ModelPackage:
    """`translate-zh_en`: download from the Argos index. Needs argostranslate (the
    optional `argos` extra) and a network; neither is assumed."""
    try:
        import argostranslate.package as ap  # noqa: F401
    except ImportError:
        raise DocgenError(Problem(name, "", msg("translate.installing-by-name-needs"))) from None
    code = name.removeprefix("translate-")
    try:
        ap.update_package_index()
        found = [p for p in ap.get_available_packages() if f"{p.from_code}_{p.to_code}" == code]
        archive = Path(found[0].download()) if found else None
    except Exception as e:  # argostranslate raises whatever its HTTP client raises
        raise DocgenError(Problem(name, "", msg("translate.could-not-fetch-from", error=type(e).__name__))) from None
    if archive is None:
        raise DocgenError(Problem(name, "", msg("translate.no-such-package-argos")))
    return install_package(archive)
