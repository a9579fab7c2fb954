"""Channels as data, ticket.txt and email.eml, and the submit/ rules (check-submit)."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.parser import BytesParser

import pytest

from docgen.case.loader import load_case
from docgen.errors import DocgenError
from docgen.render import render_letter
from docgen.submit.channels import load_channels
from docgen.submit.ticket import email_message, id_lines, submission, ticket_text
from tests.conftest import SAMPLES


def _sub(name: str, **update):
    cf = load_case(SAMPLES / name / "case.yaml")
    case = cf.case.model_copy(update=update) if update else cf.case
    letter = render_letter(case)
    lang = load_channels().for_case(case.case_type, case.topic).lang(case.target)
    return case, letter, submission(case, load_channels(), letter.segments["subject"].text(lang) or "",
                                    letter.plain_text(lang))


def test_channels_file_is_complete_and_validated(tmp_path):
    ch = load_channels()
    assert ch.for_case("performance_review", None).category == "Performance & Ratings"
    assert ch.for_case("fund_hold", None).path.endswith("Held Funds → Request Release")
    account = ch.for_case("support_request", "account")
    assert (account.channel, account.language) == ("email", "en")
    assert ch.subject("123456789", ch.for_case("fund_hold", None)) == "SELLER-CHN-123456789-PaymentHold"
    bad = tmp_path / "channels.yaml"
    bad.write_text((SAMPLES.parent / "channels" / "channels.yaml").read_text(encoding="utf-8")
                   .replace("    channel: form\n    path: \"Seller Center → Finance", "    channel: fax\n    path: \"Seller Center → Finance"),
                   encoding="utf-8")
    with pytest.raises(DocgenError) as e:
        load_channels(bad)
    [problem] = e.value.problems
    assert problem.field == "case_types.fund_hold.channel" and problem.line == 26


def test_performance_review_ticket_starts_with_the_urgent_marker():
    case, letter, sub = _sub("performance-review")
    text = ticket_text(case, load_channels(), sub, ["letter.ru.pdf", "evidence-bundle.pdf"], 5)
    lines = text.splitlines()
    assert lines[0] == "URGENT: Performance Review Request"
    assert "Channel: Seller Center → Help Center → Contact Support" in lines
    assert "Category: Performance & Ratings" in lines
    subject = lines[lines.index("Subject:") + 1]
    assert subject.startswith("URGENT: Performance Review Request — ") and case.notice.code in subject
    # every order on its own line, never "all products"
    orders = [f"Order / posting: {it.order}" for it in case.items if it.order]
    assert len(orders) >= 2 and all(o in lines for o in orders)
    assert lines[-2:] == ["letter.ru.pdf", "evidence-bundle.pdf"]
    assert letter.segments["fact.2"].text("ru") in text


def test_account_request_goes_by_email_in_english(tmp_path):
    case, letter, sub = _sub("support-request", topic="account")
    assert sub.language == "en" and sub.subject == "SELLER-CHN-123456789-AccountIssue"
    bundle = tmp_path / "evidence-bundle.pdf"
    bundle.write_bytes(b"%PDF-1.4\n%test\n")
    msg = email_message(case, load_channels(), sub, [bundle], dt.date(2026, 11, 13))
    raw = msg.as_bytes()
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert parsed["From"].addresses[0].addr_spec == "ops@example.com"
    assert parsed["To"].addresses[0].addr_spec == "support@ozon.ru"
    assert parsed["Subject"] == "SELLER-CHN-123456789-AccountIssue"
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    assert " ".join(case.facts[0].text.split()[:6]) in " ".join(body.split())
    assert all(f"SKU: {it.sku}" in body for it in case.items if it.sku)
    [att] = list(parsed.iter_attachments())
    assert att.get_filename() == "evidence-bundle.pdf" and att.get_payload(decode=True) == b"%PDF-1.4\n%test\n"
    # the compat parser (what older mail tools use) reads it too
    legacy = email.message_from_bytes(raw)
    assert legacy.is_multipart() and legacy["Subject"] == "SELLER-CHN-123456789-AccountIssue"


def test_ids_one_per_line_each_once():
    case = load_case(SAMPLES / "fund-hold" / "case.yaml").case
    lines = id_lines(case)
    assert "Order / posting: 58213746-0017-1" in lines and "SKU: 1184520937" in lines
    assert len(lines) == len(set(lines))


def test_check_submit_reads_every_file(tmp_path, capsys):
    from docgen.cli import main
    from tests.test_redact import _active_pdf

    out = tmp_path / "out"
    (out / "submit").mkdir(parents=True)
    (out / "manifest.json").write_text('{"submit": {"target": "ru", "own_emails": ["ops@example.com"]}}',
                                       encoding="utf-8")
    (out / "submit" / "ticket.txt").write_text("Channel: Seller Center\nE-mail: ops@example.com\n", encoding="utf-8")
    assert main(["check-submit", str(out)]) == 0
    (out / "submit" / "notes.txt").write_text("买家电话 +7 912 345-67-89; personal-data\n", encoding="utf-8")
    _active_pdf(out / "submit" / "tracking.pdf")
    capsys.readouterr()
    assert main(["check-submit", str(out)]) == 3
    printed = capsys.readouterr().out
    assert "submit/notes.txt: cjk" in printed and "submit/notes.txt: personal-data: a phone number" in printed
    assert "submit/notes.txt: check-id: internal check id «personal-data»" in printed
    assert "submit/tracking.pdf: active-content: active content (AA, JavaScript, Launch, OpenAction, " in printed
    assert "345-67" not in printed and "ticket.txt" not in printed


def test_ticket_body_is_typeset_like_the_letter(built_samples):
    """The text pasted into the Seller Center form reads as the PDF does."""
    ticket = (built_samples["fund-hold"].outdir / "submit" / "ticket.txt").read_text(encoding="utf-8")
    assert "3\u00a0480,00\u00a0руб." in ticket and "3480.00 RUB" not in ticket
    assert "(см.\u00a0приложение\u00a01)." in ticket and ". (см." not in ticket
