"""Errors that reach the user: each names the file, the field path and the line, and
says what is wrong as a message code with parameters (`docgen.i18n.msg`), turned into
words at the edge (`Problem.render(lang)`; `str()` gives English)."""
from __future__ import annotations

from dataclasses import dataclass


from docgen.i18n import Coded, render


@dataclass(frozen=True)
class Problem(Coded):
    file: str
    field: str  # dotted path such as "facts[0].evidence[1]"; "" for the whole file
    message: str  # a Msg (code + params); plain text only where it comes from a library
    line: int | None = None

    def render(self, lang: str | None = None) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}" if where else self.field  # an option has no file: "--format: …"
        return f"{where}: {render(self.message, lang)}" if where else render(self.message, lang)

    def __str__(self) -> str:
        return self.render("en")


class DocgenError(Exception):
    """Bad input from the user. The CLI prints every problem and exits with code 2."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(file="", field="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SetupError(DocgenError):
    """A part of the installation is missing (fonts, Java …): the message says what, and
    to run ./scripts/setup. Not bad input, and not a bug (CLI exit 1, no traceback)."""

    exit_code = 1


class NotFinalError(DocgenError):
    """`--final` refused: unreviewed machine translation or error findings (CLI exit 3)."""

    exit_code = 3
