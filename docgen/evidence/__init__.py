"""Evidence files: what each file really is (by content), its hash, size and pages,
and the bilingual evidence index built from them."""
from docgen.evidence.inspect import FileFacts, inspect_file, sha256_file
from docgen.evidence.index import EvidenceEntry, evidence_entries, index_document, index_json

__all__ = ["FileFacts", "inspect_file", "sha256_file", "EvidenceEntry", "evidence_entries",
           "index_document", "index_json"]
