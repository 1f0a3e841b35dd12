"""Located problems and the error family every layer raises for bad input.

A problem always says where (file, line, question or rule) and what was expected, so a focal point
can fix a response file without reading code. The CLI maps the exception family to exit codes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning"]


class Problem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    severity: Severity = "error"
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    question: str | None = None
    path: str | None = None
    expected: str | None = None

    def describe(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where, self.severity]
        if self.question:
            parts.append(f"question {self.question}")
        elif self.path:
            parts.append(self.path)
        text = ": ".join(parts) + f": {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class MipatError(Exception):
    """Base of every error the CLI reports as one clear line; exit_code is the documented code."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class InputError(MipatError):
    """A file the user gave is unreadable or invalid (exit code 1)."""

    exit_code = 1


class DefinitionError(MipatError):
    """A bundled or custom definition (questionnaire, catalogue, pack) is invalid (exit code 1)."""

    exit_code = 1
