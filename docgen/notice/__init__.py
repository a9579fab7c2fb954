"""Reading a platform notice for the seller (`docgen explain`): what kind of case it is,
what it means, what evidence Ozon expects, the pitfalls, and the Ozon terms in it.

The classification is data (glossary/notices.yaml): phrases matched by lemma, codes by
pattern. Nothing here is sent anywhere; the notice is read from a local file."""
from docgen.notice.classify import NoticeReading, classify_notice, load_notice_rules
from docgen.notice.read import read_notice

__all__ = ["NoticeReading", "classify_notice", "load_notice_rules", "read_notice"]
