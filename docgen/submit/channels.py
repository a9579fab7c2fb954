"""The channels table (`channels/channels.yaml`, editable data like the templates): for
each case type (and, for support requests, each topic) the Seller Center channel, the
category to choose, the channel's language, the e-mail subject's <Type>, and whether
the URGENT marker goes first. Bad entries stop the build with file:line: field: message."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from docgen.case.model import CASE_TYPES, TOPICS
from docgen.errors import DocgenError, Problem
from docgen.resources import channels_file
from docgen.i18n import msg


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Channel(_Strict):
    channel: Literal["form", "email"]
    path: str = Field(min_length=1)  # where to click in Seller Center
    category: str = Field(min_length=1)
    language: Literal["target", "ru", "en"] = "target"
    type: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]*$")  # <Type> of SELLER-CHN-<shopID>-<Type>
    urgent: bool = False

    def lang(self, target: str) -> str:
        return target if self.language == "target" else self.language


class Channels(_Strict):
    support_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    subject_format: str = Field(min_length=1)
    urgent_marker: str = Field(min_length=1)
    default: Channel  # a case type the file does not name yet
    case_types: dict[str, Channel]  # per case type (support_request goes by topic)
    support_request_topics: dict[str, Channel]

    @model_validator(mode="after")
    def _complete(self) -> "Channels":
        unknown = [t for t in self.case_types if t not in CASE_TYPES or t == "support_request"]
        if unknown:
            raise ValueError(f"case_types: unknown {', '.join(unknown)} (support_request goes by topic under "
                             "support_request_topics)")
        if set(self.support_request_topics) != set(TOPICS):
            raise ValueError(f"support_request_topics needs one entry per topic: {', '.join(TOPICS)}")
        try:
            self.subject_format.format(shop_id="1", type="T")
        except (KeyError, IndexError, ValueError):
            raise ValueError("subject_format may use only {shop_id} and {type}") from None
        return self

    def for_case(self, case_type: str, topic: str | None) -> Channel:
        if case_type == "support_request":
            return self.support_request_topics[topic or "other"]
        return self.case_types.get(case_type, self.default)

    def subject(self, shop_id: str, channel: Channel) -> str:
        return self.subject_format.format(shop_id=shop_id, type=channel.type)


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> Channels:
    from docgen.case.loader import _pydantic_problems
    from docgen.case.yaml_source import YamlDoc

    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise DocgenError(Problem(shown, "", msg("submit.channels-file-not-found"))) from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        mark = getattr(e, "problem_mark", None)
        raise DocgenError(Problem(shown, "", msg("submit.invalid-yaml", detail=getattr(e, 'problem', None) or e),
                                  mark.line + 1 if mark else None)) from None
    try:
        return Channels.model_validate(data)
    except ValidationError as e:
        raise DocgenError(_pydantic_problems(e, shown, YamlDoc(data, root))) from None


def load_channels(path: Path | None = None) -> Channels:
    path = Path(path or channels_file())
    return _load(path, path.stat().st_mtime if path.exists() else 0.0)
