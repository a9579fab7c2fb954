"""Evidence files: what each file really is (by content), its hash, size and pages,
the entries of the index (the printable index is composed in render/index.py), the bundle."""
from docgen.evidence.inspect import FileFacts, inspect_file, sha256_file
from docgen.evidence.index import EvidenceEntry, evidence_entries, index_json

__all__ = ["FileFacts", "inspect_file", "sha256_file", "EvidenceEntry", "evidence_entries", "index_json"]
