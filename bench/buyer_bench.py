"""Buyer-message benchmark: the rules of glossary/buyer-rules.yaml over the test corpus,
and `docgen reply` composing every reply type (templates, rendering, checks).

    .venv/bin/python bench/buyer_bench.py [--rounds 20]

Prints the rules' load time, messages/s over the corpus (each message a fresh text:
a counter is appended, so no cache answers), and ms per composed, checked reply."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import yaml

    from docgen.reply.compose import compose, make_request
    from docgen.qa.buyer_rules import find, load_rules

    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()

    t = time.perf_counter()
    rules = load_rules()
    find("Здравствуйте! Посылка в пути.", rules)  # pymorphy3's dictionaries load on first use
    print(f"rules loaded (with pymorphy3): {time.perf_counter() - t:.2f} s")

    corpus = yaml.safe_load((ROOT / "tests" / "data" / "buyer_corpus.yaml").read_text(encoding="utf-8"))
    texts = [m["text"] for group in ("bad", "good") for m in corpus[group]]
    chars = 0
    t = time.perf_counter()
    for r in range(args.rounds):
        for i, text in enumerate(texts):
            text = f"{text} {r * 1000 + i}"
            chars += len(text)
            find(text, rules)
    dt = time.perf_counter() - t
    n = args.rounds * len(texts)
    print(f"buyer-message rules: {n} messages, {chars} characters in {dt:.2f} s: "
          f"{n / dt:.0f} messages/s ({dt / n * 1000:.2f} ms each)")

    options = {
        "shipping": {"order": "58213746-0017-1", "tracking": "RU741852963CN", "carrier": "post_russia"},
        "delay": {"order": "58213746-0017-1", "event": "customs", "event_date": "2026-11-25",
                  "new_date": "2026-12-05"},
        "returns": {"order": "58213746-0017-1"},
        "gift": {"order": "58213746-0017-1", "gift": "чехол для телефона"},
    }
    t = time.perf_counter()
    count = 0
    for r in range(args.rounds):
        for reply_type, fields in options.items():
            req = make_request(reply_type, {**fields, "asked_at": "2026-11-29T14:05",
                                            "replied_at": "2026-11-29T14:40", "shop": f"Shop {r}"})
            assert compose(req).findings == []
            count += 1
    dt = time.perf_counter() - t
    print(f"docgen reply: {count} replies composed and checked in {dt:.2f} s: {dt / count * 1000:.1f} ms each")


if __name__ == "__main__":
    main()
