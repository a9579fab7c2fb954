"""Errors that reach the user: each names the file, the field path and the line."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    field: str  # dotted path such as "facts[0].evidence[1]"; "" for the whole file
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


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


class NotFinalError(DocgenError):
    """`--final` refused: unreviewed machine translation or error findings (CLI exit 3)."""

    exit_code = 3
