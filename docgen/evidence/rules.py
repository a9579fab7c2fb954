"""Limits the evidence checks and the bundle apply (the upload rules), with the defaults
the seeds give (configurable per case under `evidence_rules:` and per run with
`docgen index` options): one uploaded file ≤ 5 MB, PDF/JPEG/PNG."""
from __future__ import annotations

from dataclasses import dataclass

ACCEPTED_TYPES = ("pdf", "jpeg", "png")


@dataclass(frozen=True)
class EvidenceRules:
    max_bytes: int = 5 * 1024 * 1024  # one uploaded file (evidence and every bundle part)
    min_image_px: int = 800  # long side below this: too small to read
    max_age_days: int = 90  # older evidence is stale
    accepted_types: tuple[str, ...] = ACCEPTED_TYPES  # by content, not by extension
    max_pages: int = 200  # a PDF with more pages is refused before any per-page work

    @classmethod
    def from_config(cls, cfg) -> "EvidenceRules":
        return cls(max_bytes=int(cfg.max_size_mb * 1024 * 1024), min_image_px=cfg.min_image_px,
                   max_age_days=cfg.max_age_days, accepted_types=tuple(cfg.accepted_types),
                   max_pages=cfg.max_pages)
