"""The texts a seller pastes or sends: `ticket.txt` for a Seller Center form and, where
the channel is e-mail, `email.eml` (an RFC 5322 draft built with Python's `email`
package). Both are written from the letter's plain text and the channels table; nothing
internal (QA, check ids, the sign-off page, the seller's language) goes into them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from docgen.case.model import Case
from docgen.i18n import size_text
from docgen.submit.channels import Channel, Channels

_ID_LABELS = (("order", "Order / posting"), ("sku", "SKU"), ("offer_id", "Offer ID (article)"),
              ("tracking", "Tracking"))


def id_lines(case: Case) -> list[str]:
    """Every order / posting / SKU / article / tracking number, one per line, each once
    (seed 001: never "all products")."""
    lines: list[str] = []
    for field, label in _ID_LABELS:
        for item in case.items:
            value = getattr(item, field)
            if value and f"{label}: {value}" not in lines:
                lines.append(f"{label}: {value}")
    if case.notice.code:
        lines.append(f"Notice: {case.notice.code}")
    return lines


@dataclass(frozen=True)
class Submission:
    channel: Channel
    language: str  # of the text sent
    subject: str  # what goes into the subject field
    body: str  # the description / e-mail body


def submission(case: Case, channels: Channels, letter_subject: str, letter_text: str) -> Submission:
    channel = channels.for_case(case.case_type, case.topic)
    lang = channel.lang(case.target)
    body = letter_text.strip() + "\n"
    if channel.channel == "email":
        subject = channels.subject(case.seller.shop_id, channel)
    else:
        subject = letter_subject
    if channel.urgent:
        subject = f"{channels.urgent_marker} — {subject}"
        body = f"{channels.urgent_marker}\n\n{body}"
    return Submission(channel, lang, subject, body)


def ticket_text(case: Case, channels: Channels, sub: Submission, attachments: list[str], limit_mb: float) -> str:
    ch = sub.channel
    out: list[str] = []
    if ch.urgent:
        out += [channels.urgent_marker, ""]
    out += [f"Channel: {ch.path}", f"Category: {ch.category}"]
    if ch.urgent:
        out.append("Priority: Urgent (where the menu offers it; the subject's first words say it anyway)")
    out.append(f"Language of the text: {sub.language}")
    if ch.channel == "email":
        out += [f"Send: email.eml from {case.seller.email or '(the registered e-mail)'} to {channels.support_email}",
                "(open it in the mail program, check it, send it)"]
    out += ["", "Subject:", sub.subject, "", "Description (paste as it is):", sub.body.rstrip(), "",
            'IDs (one per line; never "all products"):', *id_lines(case), "",
            f"Attachments to upload (each at most {size_text(limit_mb * 1048576)}, in this order):", *attachments]
    return "\n".join(out) + "\n"


def email_message(case: Case, channels: Channels, sub: Submission, attachments: list[Path],
                  when: dt.date) -> EmailMessage:
    """The e-mail draft: From the seller's registered address, To support, the subject
    SELLER-CHN-<shopID>-<Type>, the letter and IDs as the body, the evidence attached."""
    if not case.seller.email:
        raise ValueError("seller.email is needed for the e-mail channel")
    msg = EmailMessage(policy=SMTP)
    local, _, domain = case.seller.email.partition("@")
    name = case.seller.name_latin or (case.seller.name if case.seller.name.isascii() else "")
    msg["From"] = Address(display_name=name, username=local, domain=domain)
    to_local, _, to_domain = channels.support_email.partition("@")
    msg["To"] = Address(username=to_local, domain=to_domain)
    msg["Subject"] = sub.subject
    msg["Date"] = format_datetime(dt.datetime.combine(when, dt.time(9, 0), tzinfo=dt.timezone.utc))
    msg["Message-ID"] = make_msgid(idstring=f"{case.seller.shop_id}.{sub.channel.type}", domain=domain)
    msg["X-Unsent"] = "1"  # mail programs open it as a draft to send
    body = sub.body.rstrip() + "\n\n" + "\n".join(id_lines(case)) + "\n"
    msg.set_content(body, subtype="plain", charset="utf-8")
    for path in attachments:
        msg.add_attachment(path.read_bytes(), maintype="application", subtype="pdf", filename=path.name)
    return msg


def letter_for_language(case: Case, letter, lang: str, translator=None):
    """The letter in the channel's language: `letter` itself when it is already in it,
    else the same case rendered for `lang` (a person's text_<lang> first, then MT from
    the seller's language when a model is installed; otherwise marked untranslated)."""
    if lang == letter.target_lang:
        return letter
    from docgen.render import render_letter
    from docgen.translate import translate_letter

    other = render_letter(case.model_copy(update={"target": lang}))
    translate_letter(other, translator if case.language != lang else None)
    return other
