"""Located problems and the error family every layer raises for bad input.

A problem always says where (file, line, question or rule) and what was expected, so a focal point
can fix a response file without reading code. The CLI maps the exception family to exit codes.

A problem built from a `Wording` (a key of `data/messages.yaml` and its values) can be told in any
of the three languages: `message` and `expected` hold the English, which JSON outputs and saved
results keep as they were; `describe(lang)` words the whole line in the reader's language.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from mipat.questionnaires.languages import Language

Severity = Literal["error", "warning"]


class Wording(BaseModel):
    """A message of `data/messages.yaml` with its values; a value may itself be a Wording."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    key: str
    values: dict[str, Any] = Field(default_factory=dict)
    count: int | None = None  # set for a message with plural forms

    def text(self, lang: Language) -> str:
        from mipat.questionnaires.messages import render  # loads the messages only when one is told

        return render(self, lang)


def worded(key: str, /, **values: Any) -> Wording:
    return Wording(key=key, values=values)


def _in_words(value: str | Wording | None, lang: Language) -> str | None:
    return value.text(lang) if isinstance(value, Wording) else value


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
    # How to tell message and expected in another language; never saved, never in JSON.
    wording: SkipJsonSchema[Wording | None] = Field(default=None, exclude=True, repr=False)
    expected_wording: SkipJsonSchema[Wording | None] = Field(default=None, exclude=True, repr=False)

    @classmethod
    def from_words(
        cls, code: str, message: str | Wording, *, expected: str | Wording | None = None, **fields: Any
    ) -> Problem:
        """A problem whose message (and expected) may be Wordings: their English is stored as text."""
        return cls(
            code=code,
            message=_in_words(message, "en") or "",
            expected=_in_words(expected, "en"),
            wording=message if isinstance(message, Wording) else None,
            expected_wording=expected if isinstance(expected, Wording) else None,
            **fields,
        )

    def describe(self, lang: Language = "en") -> str:
        """One line: where, how serious, which question, what is wrong and what was expected."""
        if lang == "en":
            return self._describe_english()
        from mipat.questionnaires.messages import message

        where = self.file or message("input", lang)
        if self.line is not None:
            where += f":{self.line}"
        text = self.wording.text(lang) if self.wording is not None else self.message
        subject = self.path
        if self.question and not (self.path or "").startswith("inventory"):  # an inventory field is no question
            subject = message("problem_question", lang, question=self.question)
        line = message(
            "problem_line" if subject else "problem_line_unplaced",
            lang,
            where=where,
            severity=message(f"severity_{self.severity}", lang),
            subject=subject,
            message=text,
        )
        expected = self.expected_wording.text(lang) if self.expected_wording is not None else self.expected
        if expected:
            line += " " + message("problem_expected", lang, expected=expected)
        return line

    def _describe_english(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where, self.severity]
        if self.question and not (self.path or "").startswith("inventory"):  # an inventory field is no question
            parts.append(f"question {self.question}")
        elif self.path:
            parts.append(self.path)
        text = ": ".join(parts) + f": {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class MipatError(Exception):
    """Base of every error the CLI reports as one clear line; exit_code is the documented code.

    `wording` tells the message in another language; `language` is the language of the response
    the problems are about, when it is known (a respondent reads them in that language).
    """

    exit_code = 1

    def __init__(
        self,
        message: str | Wording,
        problems: list[Problem] | None = None,
        *,
        language: Language | None = None,
    ) -> None:
        english = _in_words(message, "en") or ""
        super().__init__(english)
        self.message = english
        self.wording = message if isinstance(message, Wording) else None
        self.problems = problems or []
        self.language = language

    def describe(self, lang: Language = "en") -> str:
        return self.wording.text(lang) if self.wording is not None and lang != "en" else self.message


class InputError(MipatError):
    """A file the user gave is unreadable or invalid (exit code 1)."""

    exit_code = 1


class DefinitionError(MipatError):
    """A bundled or custom definition (questionnaire, catalogue, pack) is invalid (exit code 1)."""

    exit_code = 1


class UsageError(MipatError):
    """A command was given something it cannot use, such as an unknown rule id (exit code 2)."""

    exit_code = 2
