"""`scripts/i18n update|check`: English is the source language, so its catalog repeats
each msgid; a message missing from any catalog is reported (check: exit 1)."""
from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po

from docgen.i18n import LANGUAGES, po_path


def main(argv: list[str]) -> int:
    check = "--check" in argv
    missing = []
    for lang in LANGUAGES:
        path = po_path(lang)
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        changed = False
        for msg in catalog:
            if not msg.id:
                continue
            if lang == "en" and not check and not (msg.string if isinstance(msg.string, str) else any(msg.string)):
                msg.string = msg.id
                changed = True
            text = msg.string if isinstance(msg.string, str) else "".join(msg.string)
            if not text or msg.fuzzy:
                missing.append(f"{lang}: {msg.id if isinstance(msg.id, str) else msg.id[0]}")
        if changed:
            with path.open("wb") as f:
                write_po(f, catalog, omit_header=True, width=100)
    for m in missing:
        print(f"i18n: untranslated {m}", file=sys.stderr)
    return 1 if check and missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
