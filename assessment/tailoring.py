"""Tailoring files: which packs to use, rules to disable, weights to change and exceptions to grant.

    packs: [gcm-guiding-principles, sdg-17]          # optional; default all
    disable:
      - {rule: GCM-NS-03, justification: "..."}
    weights:
      - {rule: GCM-WOG-01, weight: 5, justification: "..."}
    exceptions:
      - {rule: GCM-CS-02, justification: "...", approver: "...", expires: 2026-12-31}

Every change needs a justification; an exception also an approver and an expiry date. An active
exception waives the rule (shown as waived, left out of the score); once expired the rule counts again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from mipat.questionnaires.model_loading import schema_problems
from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import Document, read_document
from mipat.rules.packs import LoadedPack


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


MAX_JUSTIFICATION = 2000  # characters: a justification is a paragraph of the report, not an annex


def _words(value: str) -> str:
    """A justification an auditor can read: at least 10 characters and three letters besides spaces."""
    if len(value.strip()) < 10 or sum(c.isalpha() for c in value) < 3:
        raise ValueError("a justification must say why in words (at least 10 characters, not only spaces or signs)")
    return value


Justification = Annotated[str, Field(max_length=MAX_JUSTIFICATION), AfterValidator(_words)]


class Disable(_Model):
    rule: str
    justification: Justification


class WeightChange(_Model):
    rule: str
    weight: float = Field(gt=0, le=10)
    justification: Justification


class Exception_(_Model):
    rule: str
    justification: Justification
    approver: str = Field(min_length=2)
    expires: str

    @field_validator("expires")
    @classmethod
    def _date(cls, value: str) -> str:
        dt.date.fromisoformat(value)
        return value

    def active_on(self, day: dt.date) -> bool:
        return day <= dt.date.fromisoformat(self.expires)


class Tailoring(_Model):
    packs: list[str] | None = None
    disable: list[Disable] = []
    weights: list[WeightChange] = []
    exceptions: list[Exception_] = []


class LoadedTailoring(_Model):
    tailoring: Tailoring
    file: str
    sha256: str


def load_tailoring(path: Path, packs: list[LoadedPack]) -> LoadedTailoring:
    """Validate a tailoring file against the packs available; every problem is located."""
    document = read_document(path)
    try:
        tailoring = Tailoring.model_validate(document.data)
    except ValidationError as exc:
        raise InputError(f"{document.file}: invalid tailoring file", schema_problems(document, exc)) from None
    problems = _check_ids(tailoring, document, packs)
    if problems:
        raise InputError(f"{document.file}: {len(problems)} problem(s)", problems)
    return LoadedTailoring(
        tailoring=tailoring, file=document.file, sha256=hashlib.sha256(path.read_bytes()).hexdigest()
    )


def _check_ids(tailoring: Tailoring, document: Document, packs: list[LoadedPack]) -> list:
    problems = []
    pack_ids = [p.pack.id for p in packs]
    for index, pid in enumerate(tailoring.packs or []):
        if pid not in pack_ids:
            problems.append(
                document.problem(
                    "unknown-pack", f"pack {pid!r} is not available", ("packs", index), expected=", ".join(pack_ids)
                )
            )
    if tailoring.packs == []:
        problems.append(
            document.problem(
                "no-pack",
                "packs: [] selects no pack, so nothing would be scored",
                ("packs",),
                expected="at least one pack id, or no packs entry to use every pack",
            )
        )
    selected = [p for p in packs if tailoring.packs is None or p.pack.id in tailoring.packs]
    rule_ids = {r.id for p in selected for r in p.pack.rules}
    seen: dict[tuple[str, str], int] = {}
    for section in ("disable", "weights", "exceptions"):
        for index, item in enumerate(getattr(tailoring, section)):
            if item.rule not in rule_ids:
                problems.append(
                    document.problem(
                        "unknown-rule", f"rule {item.rule!r} is not in the selected packs", (section, index, "rule")
                    )
                )
            key = (section, item.rule)
            if key in seen:
                problems.append(
                    document.problem(
                        "duplicate-rule", f"rule {item.rule} appears twice under {section}", (section, index, "rule")
                    )
                )
            seen[key] = index
    excepted = {item.rule for item in tailoring.exceptions}
    for index, item in enumerate(tailoring.disable):
        if item.rule in excepted:
            problems.append(
                document.problem(
                    "disabled-and-excepted",
                    f"rule {item.rule} is both disabled and granted an exception; a disabled rule is not scored, "
                    "so keep one of the two",
                    ("disable", index, "rule"),
                )
            )
    return problems
