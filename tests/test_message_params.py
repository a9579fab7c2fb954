"""Parameters that are messages or lists of them are rendered in the reader's language
at the edge, never as Python reprs («['phone']»)."""
from docgen.evidence.pii import scan_text
from docgen.i18n import msg, render


def test_list_of_kinds_renders_per_language():
    hits = scan_text("звоните +7 912 345-67-89 или buyer@example.com")
    kinds = list(dict.fromkeys(h.label for h in hits))
    m = msg("qa.letter-text-contains", kinds=kinds)
    assert str(m) == "the letter text contains a phone number, an e-mail address; remove buyers' personal data"
    zh = render(m, "zh")
    assert "电话号码、电子邮箱地址" in zh and "[" not in zh and "phone" not in zh


def test_a_set_param_is_sorted_text():
    m = msg("submit.active-content", kinds={"Launch", "JavaScript"})
    assert str(m) == "active content (JavaScript, Launch)"
