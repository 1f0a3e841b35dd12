"""Questionnaire definitions: sections, questions, vocabularies and the partnership inventory.

A questionnaire is a folder: `questionnaire.yaml` (id, version, titles, vocabularies, the list of
section files and the inventory file) plus one YAML file per section. Loading checks everything a
response will later rely on and reports each problem with its file and line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.catalogue import Catalogue, References, bundled_catalogue
from mipat.questionnaires.conditions import Condition, answer_tests
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.model_loading import schema_problems
from mipat.questionnaires.problems import DefinitionError, InputError, Problem
from mipat.questionnaires.source_files import Document, read_document

BUNDLED_DIR = Path(__file__).parent / "data"

QuestionType = Literal[
    "yes_no", "single_choice", "multiple_choice", "integer", "year", "text", "evidence", "partner_list"
]
CHOICE_TYPES = ("single_choice", "multiple_choice")
OPTION_TYPES = (*CHOICE_TYPES, "partner_list")  # partner kinds come from a vocabulary
YES_NO_CODES = ("yes", "partial", "no", "not_applicable", "dont_know")

SEMVER = r"^\d+\.\d+\.\d+$"
QUESTION_ID = r"^[A-Z]{2,5}\.\d{1,2}[a-z]?$"
FIELD_ID = r"^[a-z][a-z_]{1,30}$"
CODE = r"^[a-z0-9][a-z0-9_.-]{0,40}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Option(_Model):
    code: str = Field(pattern=CODE)
    label: Text
    help: Text | None = None
    exclusive: bool = False  # e.g. "none" in a multiple choice: cannot be combined with other codes


class Question(_Model):
    id: str
    type: QuestionType
    text: Text
    help: Text | None = None
    required: bool = False
    show_if: Condition | None = None
    options: list[Option] | str | None = None  # a list, or the id of a vocabulary
    allow_not_applicable: bool = False
    allow_dont_know: bool = False
    min: int | None = None
    max: int | None = None
    max_length: int = Field(default=4000, ge=1, le=20000)
    refs: References = References()

    @model_validator(mode="after")
    def _type_rules(self) -> Question:
        if self.type in OPTION_TYPES and self.options is None:
            raise ValueError(f"a {self.type} question needs options (a list or a vocabulary id)")
        if self.type not in OPTION_TYPES and self.options is not None:
            raise ValueError(f"a {self.type} question takes no options")
        if self.type != "yes_no" and (self.allow_not_applicable or self.allow_dont_know):
            raise ValueError("allow_not_applicable / allow_dont_know apply to yes_no questions only")
        if (self.min is not None or self.max is not None) and self.type not in ("integer", "year"):
            raise ValueError("min / max apply to integer and year questions only")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    def yes_no_codes(self) -> list[str]:
        codes = ["yes", "partial", "no"]
        if self.allow_not_applicable:
            codes.append("not_applicable")
        if self.allow_dont_know:
            codes.append("dont_know")
        return codes


class Section(_Model):
    id: str = Field(pattern=r"^[A-Z]{2,5}$")
    title: Text
    intro: Text | None = None
    questions: list[Question] = Field(min_length=1)


class Inventory(_Model):
    """The repeating group: one entry per partnership, with these fields."""

    title: Text
    intro: Text
    item_label: Text
    fields: list[Question] = Field(min_length=1)


ScopeField = Literal["authority", "level", "country", "period_start", "period_end", "lead"]


class EarlierVersion(_Model):
    """A released version this one reads unchanged: it only added questions or options, so every
    response of `version` is also a valid response of this one. `changes` is the note shown on upgrade."""

    version: str = Field(pattern=SEMVER)
    changes: Text


class Manifest(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{2,60}$")
    version: str = Field(pattern=SEMVER)
    title: Text
    description: Text
    vocabularies: dict[str, list[Option]] = {}
    sections: list[str] = Field(min_length=1)
    inventory: str
    scope: dict[ScopeField, str] = {}  # which questions say who and what period a response covers
    supersedes: list[EarlierVersion] = []


class Questionnaire(_Model):
    """A loaded, cross-checked questionnaire."""

    id: str
    version: str
    title: Text
    description: Text
    vocabularies: dict[str, list[Option]]
    sections: list[Section]
    inventory: Inventory
    scope: dict[ScopeField, str] = {}
    supersedes: list[EarlierVersion] = []

    def reads(self, version: str) -> EarlierVersion | None:
        """The earlier version `version` if this questionnaire reads its responses unchanged."""
        return next((e for e in self.supersedes if e.version == version), None)

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, qid: str) -> Question | None:
        return self._by_id.get(qid)

    def field(self, fid: str) -> Question | None:
        return next((f for f in self.inventory.fields if f.id == fid), None)

    def options(self, question: Question) -> list[Option]:
        if question.options is None:
            return []
        if isinstance(question.options, str):
            return self.vocabularies[question.options]
        return question.options

    def codes(self, question: Question) -> list[str]:
        """Every answer code a choice or yes/no question accepts."""
        if question.type == "yes_no":
            return question.yes_no_codes()
        return [o.code for o in self.options(question)]

    def visible(self, answered: dict[str, object]) -> set[str]:
        """Ids of the questions that skip logic shows, given answered values of visible questions."""
        shown: set[str] = set()
        values: dict[str, object] = {}
        for question in self.questions():
            if question.show_if is None or question.show_if.holds(values):
                shown.add(question.id)
                if question.id in answered:
                    values[question.id] = answered[question.id]
        return shown

    def open_questions(self, answered: Collection[str], shown: set[str]) -> set[str]:
        """Unanswered questions that are shown (`shown`, from `visible`), or hidden only because a
        question their `show_if` reads is itself open: answering that gate may still show them."""
        found: set[str] = set()
        for question in self.questions():
            if question.id in answered:
                continue
            if question.id in shown or (
                question.show_if is not None and any(t.question in found for t in answer_tests(question.show_if))
            ):
                found.add(question.id)
        return found

    def section_of(self, qid: str) -> Section | None:
        return next((s for s in self.sections if any(q.id == qid for q in s.questions)), None)

    def closest_ids(self, qid: str) -> list[str]:
        return difflib.get_close_matches(qid, list(self._by_id), n=3, cutoff=0.6)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}


def _validate(
    document: Document, model: type[_Model], prefix: tuple[str | int, ...] = ()
) -> tuple[object | None, list[Problem]]:
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        return None, schema_problems(document, exc, prefix=prefix)


def load_questionnaire(folder: Path, catalogue: Catalogue | None = None) -> Questionnaire:
    """Load and cross-check the questionnaire in `folder`; raise DefinitionError listing all problems."""
    catalogue = catalogue or bundled_catalogue()
    manifest_doc = read_document(folder / "questionnaire.yaml", display=_display(folder / "questionnaire.yaml"))
    manifest, problems = _validate(manifest_doc, Manifest)
    if manifest is None:
        raise DefinitionError(f"{manifest_doc.file}: invalid questionnaire manifest", problems)
    assert isinstance(manifest, Manifest)

    sections: list[tuple[Section, Document]] = []
    for name in manifest.sections:
        doc = _read_part(folder, name, manifest_doc, problems)
        if doc is None:
            continue
        section, section_problems = _validate(doc, Section)
        problems += section_problems
        if isinstance(section, Section):
            sections.append((section, doc))

    for name in set(manifest.vocabularies) & set(CATALOGUE_VOCABULARIES):
        problems.append(
            manifest_doc.problem(
                "reserved-vocabulary", f"vocabulary {name!r} comes from the catalogue", ("vocabularies", name)
            )
        )
    vocabularies = {**manifest.vocabularies, **catalogue_vocabularies(catalogue)}
    manifest = manifest.model_copy(update={"vocabularies": vocabularies})

    inventory: Inventory | None = None
    inventory_doc = _read_part(folder, manifest.inventory, manifest_doc, problems)
    if inventory_doc is not None:
        parsed, inventory_problems = _validate(inventory_doc, Inventory)
        problems += inventory_problems
        inventory = parsed if isinstance(parsed, Inventory) else None

    if not problems and inventory is not None and inventory_doc is not None:
        problems += _cross_check(manifest, manifest_doc, sections, inventory, inventory_doc, catalogue)
    if problems or inventory is None:
        raise DefinitionError(f"questionnaire {folder.name}: {len(problems)} problem(s)", problems)
    return Questionnaire(
        id=manifest.id,
        version=manifest.version,
        title=manifest.title,
        description=manifest.description,
        vocabularies=manifest.vocabularies,
        sections=[s for s, _ in sections],
        inventory=inventory,
        scope=manifest.scope,
        supersedes=manifest.supersedes,
    )


CATALOGUE_VOCABULARIES = ("gcm_principles", "gcm_objectives", "sdg_targets")


def catalogue_vocabularies(catalogue: Catalogue) -> dict[str, list[Option]]:
    """Vocabularies drawn from the catalogue, so objective and target labels are written once."""
    return {
        "gcm_principles": [Option(code=p.id, label=p.title) for p in catalogue.principles],
        "gcm_objectives": [
            Option(
                code=str(o.number),
                label=Text(**{lang: f"{o.number}. {o.short.get(lang)}" for lang in ("en", "fr", "es")}),
            )
            for o in catalogue.objectives
        ],
        "sdg_targets": [
            Option(code=t.id, label=Text(**{lang: f"{t.id} {t.title.get(lang)}" for lang in ("en", "fr", "es")}))
            for t in catalogue.targets
        ],
    }


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_part(folder: Path, name: str, manifest_doc: Document, problems: list[Problem]) -> Document | None:
    # Part names come from a file: keep them inside the questionnaire folder.
    if Path(name).name != name or not name.endswith(".yaml"):
        problems.append(manifest_doc.problem("bad-part", f"part {name!r} must be a .yaml file name in the same folder"))
        return None
    try:
        return read_document(folder / name, display=_display(folder / name))
    except InputError as exc:  # missing, unreadable or malformed part: report it with the others
        problems += exc.problems
    return None


def _cross_check(
    manifest: Manifest,
    manifest_doc: Document,
    sections: list[tuple[Section, Document]],
    inventory: Inventory,
    inventory_doc: Document,
    catalogue: Catalogue,
) -> list[Problem]:
    problems: list[Problem] = []
    seen_sections: set[str] = set()
    earlier: dict[str, Question] = {}

    def options_of(question: Question) -> list[str]:
        if question.type == "yes_no":
            return question.yes_no_codes()
        if isinstance(question.options, str):
            return [o.code for o in manifest.vocabularies.get(question.options, [])]
        return [o.code for o in question.options or []]

    def check_question(q: Question, doc: Document, loc: tuple[str | int, ...], *, in_inventory: bool) -> None:
        pattern = FIELD_ID if in_inventory else QUESTION_ID
        if not re.match(pattern, q.id):
            problems.append(doc.problem("bad-id", f"id {q.id!r} does not match {pattern}", (*loc, "id")))
        if isinstance(q.options, str) and q.options not in manifest.vocabularies:
            problems.append(
                doc.problem(
                    "unknown-vocabulary",
                    f"vocabulary {q.options!r} is not defined in questionnaire.yaml",
                    (*loc, "options"),
                )
            )
        codes = options_of(q)
        if len(set(codes)) != len(codes):
            problems.append(doc.problem("duplicate-code", "option codes repeat", (*loc, "options")))
        if q.type == "partner_list" and not in_inventory:
            problems.append(doc.problem("bad-type", "partner_list is for inventory fields only", (*loc, "type")))
        for ref in q.refs.dangling(catalogue):
            problems.append(
                doc.problem("dangling-reference", f"{ref} is not in the framework catalogue", (*loc, "refs"))
            )
        if q.show_if is not None:
            scope = {f.id: f for f in inventory.fields[: loc[-1]]} if in_inventory else earlier  # type: ignore[misc]
            for test in answer_tests(q.show_if):
                target = scope.get(test.question)
                if target is None:
                    problems.append(
                        doc.problem(
                            "bad-show-if",
                            f"show_if refers to {test.question!r}, which is not an earlier question",
                            (*loc, "show_if"),
                            question=q.id,
                            expected="the id of a question that comes before this one",
                        )
                    )
                    continue
                valid = options_of(target)
                for code in test.codes():
                    if valid and str(code) not in valid:
                        problems.append(
                            doc.problem(
                                "bad-show-if",
                                f"show_if compares {test.question} with {code!r}, which is not one of its codes",
                                (*loc, "show_if"),
                                question=q.id,
                                expected=", ".join(valid),
                            )
                        )

    for s_index, (section, doc) in enumerate(sections):
        if section.id in seen_sections:
            problems.append(
                manifest_doc.problem("duplicate-id", f"section id {section.id} repeats", ("sections", s_index))
            )
        seen_sections.add(section.id)
        for index, q in enumerate(section.questions):
            loc = ("questions", index)
            if q.id in earlier:
                problems.append(doc.problem("duplicate-id", f"question id {q.id} is used twice", (*loc, "id")))
            if not q.id.startswith(section.id + "."):
                problems.append(
                    doc.problem("bad-id", f"question {q.id} must start with its section id {section.id}.", (*loc, "id"))
                )
            check_question(q, doc, loc, in_inventory=False)
            earlier[q.id] = q

    field_ids = [f.id for f in inventory.fields]
    for index, f in enumerate(inventory.fields):
        if field_ids.count(f.id) > 1:
            problems.append(
                inventory_doc.problem("duplicate-id", f"field id {f.id} is used twice", ("fields", index, "id"))
            )
        check_question(f, inventory_doc, ("fields", index), in_inventory=True)
    for key, qid in manifest.scope.items():
        if qid not in earlier:
            problems.append(
                manifest_doc.problem(
                    "unknown-question", f"scope {key} names {qid!r}, which is not a question", ("scope", key)
                )
            )
    for reserved in ("id", "comment", "evidence"):
        if reserved in field_ids:
            problems.append(inventory_doc.problem("reserved-id", f"field id {reserved!r} is reserved", ("fields",)))
    return problems


def bundled_questionnaire_dirs() -> list[Path]:
    return sorted(p.parent for p in BUNDLED_DIR.glob("*/questionnaire.yaml"))


@cache
def bundled_questionnaires() -> tuple[Questionnaire, ...]:
    return cached_bundled(
        "questionnaires", lambda: tuple(load_questionnaire(folder) for folder in bundled_questionnaire_dirs())
    )


def default_questionnaire() -> Questionnaire:
    return next(q for q in bundled_questionnaires() if q.id == "mipat-partnerships")


def find_questionnaire(qid: str, version: str) -> Questionnaire | None:
    """The questionnaire `qid` of this version, or the newer one that reads its responses unchanged."""
    known = [q for q in bundled_questionnaires() if q.id == qid]
    exact = next((q for q in known if q.version == version), None)
    return exact or next((q for q in known if q.reads(version)), None)
