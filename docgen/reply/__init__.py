"""Replies to buyers: the four reply types Ozon allows (shipping, delay, returns, gift) from
parallel templates, and the buyer-message rules every reply and `docgen check --buyer`
text is checked against. `rules` has no dependency on QA, so the QA check can use it."""
