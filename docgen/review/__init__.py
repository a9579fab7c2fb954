"""The translator's review round trip: XLIFF and a bilingual DOCX out, reviewed text
in, a rebuilt letter whose sign-off page names the reviewer and the exact version."""
from docgen.review.files import REVIEW_DOCX, REVIEW_XLF, ReviewFile, read_review_docx, read_review_xliff, \
    write_review_docx, write_review_xliff
from docgen.review.state import LETTER_STATE, REVIEW_STATE, ReviewRecord, load_letter_state, load_review_record, \
    save_letter_state

__all__ = ["REVIEW_DOCX", "REVIEW_XLF", "ReviewFile", "read_review_docx", "read_review_xliff", "write_review_docx",
           "write_review_xliff", "LETTER_STATE", "REVIEW_STATE", "ReviewRecord", "load_letter_state",
           "load_review_record", "save_letter_state"]
