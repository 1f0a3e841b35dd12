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
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from mipat.questionnaires.model_loading import schema_problems
from mipat.questionnaires.problems import InputError, Problem, Wording, worded
from mipat.questionnaires.source_files import Document, read_document
from mipat.questionnaires.suggestions import closest
from mipat.rules.packs import LoadedPack


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


MAX_JUSTIFICATION = 2000  # characters: a justification is a paragraph of the report, not an annex


def _words(value: str) -> str:
    """A justification an auditor can read: at least 10 characters and three letters besides spaces."""
    if len(value.strip()) < 10 or sum(c.isalpha() for c in value) < 3:
        raise PydanticCustomError(
            "mipat_justification",
            "a justification must say why in words (at least 10 characters, not only spaces or signs)",
        )
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
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("mipat_full_date", "{value} is not a date YYYY-MM-DD", {"value": value}) from None
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
    problems: list[Problem] = []
    tailoring: Tailoring | None = None
    try:
        tailoring = Tailoring.model_validate(document.data)
    except ValidationError as exc:
        problems += schema_problems(document, exc)
    # Rule and pack ids are checked even when the schema is not met, so every problem is told at once.
    problems += _check_ids(document.data if isinstance(document.data, dict) else {}, document, packs)
    if problems or tailoring is None:
        problems.sort(key=lambda p: (p.line or 0, p.path or ""))
        count = Wording(key="n_problems", count=len(problems))
        raise InputError(worded("cli_file_errors", file=document.file, errors=count), problems)
    return LoadedTailoring(
        tailoring=tailoring, file=document.file, sha256=hashlib.sha256(path.read_bytes()).hexdigest()
    )


def _listed(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _check_ids(data: dict[str, Any], document: Document, packs: list[LoadedPack]) -> list[Problem]:
    """Unknown packs and rules, rules named twice, rules both disabled and excepted: read from the file
    as written, so they are found alongside the schema problems."""
    problems = []
    pack_ids = [p.pack.id for p in packs]
    chosen = data.get("packs")
    for index, pid in enumerate(_listed(data, "packs")):
        if isinstance(pid, str) and pid not in pack_ids:
            problems.append(
                document.problem(
                    "unknown-pack",
                    _hinted(worded("t_unknown_pack", pack=repr(pid)), closest(pid, pack_ids, n=1)),
                    ("packs", index),
                    expected=", ".join(pack_ids),
                )
            )
    if chosen == []:
        problems.append(
            document.problem("no-pack", worded("t_no_pack"), ("packs",), expected=worded("t_no_pack_expected"))
        )
    # A misspelt pack id is told once: the rules are then checked against every pack, not reported unknown.
    known = isinstance(chosen, list) and all(pid in pack_ids for pid in chosen)
    selected = [p for p in packs if not known or p.pack.id in chosen]
    rule_ids = sorted({r.id for p in selected for r in p.pack.rules})
    seen: set[tuple[str, str]] = set()
    for section in ("disable", "weights", "exceptions"):
        for index, item in enumerate(_listed(data, section)):
            rule = item.get("rule") if isinstance(item, dict) else None
            if not isinstance(rule, str):
                continue  # a schema problem, already told
            if rule not in rule_ids:
                problems.append(
                    document.problem(
                        "unknown-rule",
                        _hinted(worded("t_unknown_rule", rule=repr(rule)), closest(rule, rule_ids, n=1)),
                        (section, index, "rule"),
                    )
                )
            if (section, rule) in seen:
                problems.append(
                    document.problem(
                        "duplicate-rule", worded("t_rule_twice", rule=rule, section=section), (section, index, "rule")
                    )
                )
            seen.add((section, rule))
    excepted = {item.get("rule") for item in _listed(data, "exceptions") if isinstance(item, dict)}
    for index, item in enumerate(_listed(data, "disable")):
        rule = item.get("rule") if isinstance(item, dict) else None
        if isinstance(rule, str) and rule in excepted:
            problems.append(
                document.problem(
                    "disabled-and-excepted", worded("t_disabled_and_excepted", rule=rule), ("disable", index, "rule")
                )
            )
    return problems


def _hinted(message: Wording, close: list[str]) -> Wording:
    return worded("v_hinted", message=message, hint=worded("v_hint_code", code=f"`{close[0]}`")) if close else message
