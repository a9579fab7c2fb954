"""Limits the evidence checks apply, with the defaults the seeds give (configurable per
case under `evidence_rules:` and per run with `docgen index` options)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EvidenceRules:
    max_bytes: int = 5 * 1024 * 1024  # one file
    min_image_px: int = 800  # long side below this: too small to read
    max_age_days: int = 90  # older evidence is stale

    @classmethod
    def from_config(cls, cfg) -> "EvidenceRules":
        return cls(max_bytes=int(cfg.max_size_mb * 1024 * 1024), min_image_px=cfg.min_image_px,
                   max_age_days=cfg.max_age_days)
