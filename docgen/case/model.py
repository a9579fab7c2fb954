"""Typed case file. Field names and allowed values are the contract of the case YAML
(README: "The case file"); unknown fields are errors so that a typo is never ignored."""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from docgen.case.types import CASE_TYPES  # noqa: E402  (re-exported)
from docgen.i18n import msg
LANGUAGES = ("zh", "en")
TARGETS = ("ru", "en")

TAKEDOWN_REASONS = ("certificate_missing", "wrong_category", "image_rights", "description", "price", "other")
METRICS = ("on_time_delivery", "cancellation_rate", "return_rate", "response_time", "error_index", "other")
WINDOWS = (30, 60, 90)
TOPICS = ("account", "orders", "payments", "payout", "listing", "logistics", "other")
TAKEDOWN_KINDS = ("fixed", "in_error")  # the cause was removed | the product was hidden by mistake
EVIDENCE_KINDS = ("certificate", "declaration", "tracking", "screenshot", "photo", "report", "statement", "letter",
                  "other")

# IDs must be strings in YAML: an unquoted 0123 is read as a number and loses digits.
Id = Annotated[str, Strict(), Field(min_length=1, max_length=100)]
# "" and "   " are blank: refused (fill it or delete the line); the loader words a pattern miss as "is blank"
Text = Annotated[str, Strict(), Field(min_length=1, max_length=5000, pattern=r"\S")]
OptText = Annotated[str, Strict(), Field(min_length=1, max_length=5000, pattern=r"\S")] | None

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EVIDENCE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Seller(_Strict):
    name: Text
    name_latin: OptText = None
    shop_id: Id
    email: OptText = None
    signatory: OptText = None  # the person who signs for the company
    position: OptText = None  # the signatory's position, printed under the name (e.g. Генеральный директор)

    @field_validator("shop_id")
    @classmethod
    def _digits(cls, v: str) -> str:
        if not v.isdigit():
            raise ValueError(msg("case.shop-id-digits"))
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not _EMAIL.match(v):
            raise ValueError(msg("case.not-an-email"))
        return v


class Notice(_Strict):
    date: dt.date
    code: Id | None = None
    text: OptText = None


class Item(_Strict):
    order: Id | None = None  # order / posting number
    sku: Id | None = None
    tracking: Id | None = None
    amount: Id | None = None  # "3480.00 RUB": kept as the seller wrote it
    name: OptText = None  # product name as on the product card
    offer_id: Id | None = None  # seller's article (артикул)

    @model_validator(mode="after")
    def _order_or_sku(self) -> "Item":
        if not self.order and not self.sku:
            raise ValueError(msg("case.item-order-or-sku"))
        return self


class Period(_Strict):
    """A span of days a fact or a piece of evidence covers (both ends included)."""

    from_: dt.date = Field(alias="from")
    to: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.to < self.from_:
            raise ValueError(msg("case.period-reversed"))
        return self

    def contains(self, day: dt.date) -> bool:
        return self.from_ <= day <= self.to


class Previous(_Strict):
    """The earlier appeal that was rejected (appeal_round ≥ 2)."""

    ticket: Id | None = None  # its ticket / request number
    date: dt.date | None = None
    rejection: OptText = None  # the reason Ozon gave, verbatim


class Fact(_Strict):
    date: dt.date | None = None
    period: Period | None = None
    text: Text
    text_ru: OptText = None
    text_en: OptText = None
    evidence: list[Id] = Field(default_factory=list)


class EvidenceItem(_Strict):
    id: Id
    file: Text
    description: Text
    description_ru: OptText = None
    description_en: OptText = None
    date: dt.date | None = None
    period: Period | None = None
    kind: Literal[EVIDENCE_KINDS] | None = None  # type: ignore[valid-type]

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not _EVIDENCE_ID.match(v):
            raise ValueError(msg("case.evidence-id-shape"))
        return v


class EvidenceRulesConfig(_Strict):
    """Limits for the evidence checks; every one has a documented default."""

    max_size_mb: Annotated[float, Field(gt=0, le=1024)] = 5
    min_image_px: Annotated[int, Field(ge=1, le=100000)] = 800
    max_age_days: Annotated[int, Field(ge=1, le=36500)] = 90
    accepted_types: list[Literal["pdf", "jpeg", "png"]] = Field(default_factory=lambda: ["pdf", "jpeg", "png"],
                                                               min_length=1)
    max_pages: Annotated[int, Strict(), Field(ge=1, le=5000)] = 200  # PDF pages per file


class Case(_Strict):
    case_type: Annotated[str, Strict()]  # a name in the CASE_TYPE_TABLE (docgen/case/types.py)
    language: Literal["zh", "en"]
    target: Literal["ru", "en"] = "ru"
    letter_date: dt.date | None = None  # date printed on the letter; default: today
    reference: Id | None = None  # the agency's own case reference; default: notice code
    seller: Seller
    notice: Notice
    items: list[Item] = Field(default_factory=list)  # at least one, except for support_request
    facts: list[Fact] = Field(min_length=1)
    evidence: list[EvidenceItem] = Field(default_factory=list)
    request: Text
    request_ru: OptText = None
    request_en: OptText = None
    appeal_round: Annotated[int, Strict(), Field(ge=1, le=20)] = 1
    previous_manifest: OptText = None
    previous: Previous | None = None  # the rejected appeal (appeal_round ≥ 2)
    rule: OptText = None  # the Ozon rule or clause the seller cites, printed in the letter
    evidence_rules: EvidenceRulesConfig = Field(default_factory=EvidenceRulesConfig)
    # one field per case type
    reason: Literal[TAKEDOWN_REASONS] | None = None  # type: ignore[valid-type]
    metric: Literal[METRICS] | None = None  # type: ignore[valid-type]
    window_days: Literal[WINDOWS] | None = None  # type: ignore[valid-type]
    topic: Literal[TOPICS] | None = None  # type: ignore[valid-type]
    hold_reason: Id | None = None  # fund_hold: a code of letter_templates/fund_hold/hold_reasons.yaml
    takedown_kind: Literal[TAKEDOWN_KINDS] | None = None  # type: ignore[valid-type]
    metric_name: OptText = None  # the metric's name as the notice shows it (required for metric: other)
    topic_text: OptText = None  # the topic in the seller's words (required for topic: other)
    reason_text: OptText = None  # the reason as the notice gives it (required for reason: other)
    payout_id: Id | None = None  # support_request: the payout asked about

    @field_validator("case_type")
    @classmethod
    def _known_case_type(cls, v: str) -> str:
        from docgen.case.types import CASE_TYPE_TABLE

        if v not in CASE_TYPE_TABLE:
            raise ValueError(msg("case.unknown-case-type", choices=", ".join(CASE_TYPE_TABLE)))
        return v

    # where human translations live, by target language
    def fact_translation(self, fact: Fact) -> str | None:
        return getattr(fact, f"text_{self.target}", None) if self.target != self.language else fact.text

    def evidence_translation(self, ev: EvidenceItem) -> str | None:
        return getattr(ev, f"description_{self.target}", None) if self.target != self.language else ev.description

    def request_translation(self) -> str | None:
        return getattr(self, f"request_{self.target}", None) if self.target != self.language else self.request

    @property
    def effective_letter_date(self) -> dt.date:
        return self.letter_date or dt.date.today()

    @property
    def case_reference(self) -> str:
        if self.reference:
            return self.reference
        if self.notice.code:
            return self.notice.code
        ids = [it.order or it.sku for it in self.items]
        if ids:
            return ", ".join(ids[:3]) + (" …" if len(ids) > 3 else "")
        return self.payout_id or self.seller.shop_id
