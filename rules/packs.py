"""Rule packs: YAML files of scoring rules, validated against the questionnaire and the catalogue.

A pack scores one family of framework entries (`scored_by`): GCM guiding principles, objective-23
actions, SDG targets, or SDG 10.7.2 domain-3 sub-categories. Each rule belongs to one of them
(`group`), carries a weight, a priority, a condition for full credit and optionally one for
partial credit, an applicability condition, an evidence requirement, and its texts in en/fr/es.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.catalogue import Catalogue, References, bundled_catalogue
from mipat.questionnaires.definition import SEMVER, Questionnaire, default_questionnaire, find_questionnaire
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.model_loading import schema_problems
from mipat.questionnaires.problems import DefinitionError, Problem
from mipat.questionnaires.responses import QuestionnaireRef
from mipat.questionnaires.safe_text import display_name
from mipat.questionnaires.source_files import Document, read_document
from mipat.rules.conditions import (
    FILTER_FIELDS,
    AnswerTest,
    Condition,
    CountTest,
    DistinctTest,
    MetricTest,
    atoms,
    questions_read,
)
from mipat.rules.metrics import metric_catalogue

PACKS_DIR = Path(__file__).parent / "packs"
BANDS_FILE = Path(__file__).parent / "data" / "bands.yaml"
RULE_ID = r"^[A-Z0-9][A-Z0-9.-]{2,30}[A-Z0-9]$"

ScoredBy = Literal["principles", "actions", "targets", "sdg_1072"]
Priority = Literal["high", "medium", "low"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class RuleTexts(_Model):
    """What the report says for each outcome: `met`, `partial` (required when the rule has a
    `partial_when`) and `not_met`; the action to take; and the normative basis (`rationale`)."""

    met: Text
    partial: Text | None = None
    not_met: Text
    recommendation: Text
    rationale: Text


class EvidenceRequirement(_Model):
    """Credit is capped at `cap` unless evidence is attached to one of `questions`."""

    questions: list[str] = Field(min_length=1)
    cap: float = Field(default=0.5, ge=0, lt=1)


class Rule(_Model):
    id: str = Field(pattern=RULE_ID)
    group: str
    refs: References = References()
    weight: float = Field(gt=0, le=10)
    priority: Priority = "medium"
    applies_if: Condition | None = None
    when: Condition
    partial_when: Condition | None = None
    partial_credit: float = Field(default=0.5, gt=0, lt=1)
    evidence: EvidenceRequirement | None = None
    texts: RuleTexts

    @model_validator(mode="after")
    def _texts_for_outcomes(self, info: ValidationInfo) -> Rule:
        # Packs written for questionnaire 1.0.0 (archived releases, users' own packs) predate the
        # partial finding: they still load, and a partly met rule gets a generic finding instead.
        legacy = bool(info.context and info.context.get("legacy"))
        if self.partial_when is not None and self.texts.partial is None and not legacy:
            raise ValueError("a rule with partial_when needs a texts.partial finding for its partial outcome")
        return self

    def conditions(self) -> dict[str, Condition]:
        found: dict[str, Condition] = {"full": self.when}
        if self.partial_when is not None:
            found["partial"] = self.partial_when
        if self.applies_if is not None:
            found["applies"] = self.applies_if
        return found

    def questions(self) -> list[str]:
        """Questions the rule reads, in order of first mention."""
        read: list[str] = []
        for condition in self.conditions().values():
            read += questions_read(condition)
        return list(dict.fromkeys(read))

    def reads_inventory(self) -> bool:
        return any(
            isinstance(a, MetricTest | CountTest | DistinctTest) for c in self.conditions().values() for a in atoms(c)
        )


class Pack(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,60}$")
    version: str = Field(pattern=SEMVER)
    questionnaire: QuestionnaireRef
    scored_by: ScoredBy
    bands: str
    # False for a crosswalk reported on its own (SDG 10.7.2): its groups stay out of the overall index.
    overall: bool = True
    title: Text
    description: Text
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"rule ids repeat: {', '.join(dupes)}")
        return self


class LoadedPack(_Model):
    """A validated pack plus where it came from (file and SHA-256 of its bytes)."""

    pack: Pack
    file: str
    sha256: str
    # Lines of the pack's `id` and of each rule's `id`, for problems found across packs.
    id_line: int | None = None
    rule_lines: dict[str, int] = {}


class Band(_Model):
    code: int
    min: float = Field(ge=0, le=100)
    label: Text


class BandScheme(_Model):
    id: str
    source: str
    # confirmed/partial/unconfirmed: an official scheme and how far its cut-offs were verified;
    # judgement: mipat's own scheme, documented as such
    status: Literal["confirmed", "partial", "unconfirmed", "judgement"]
    note: str
    bands: list[Band] = Field(min_length=2)

    @model_validator(mode="after")
    def _ordered(self) -> BandScheme:
        mins = [b.min for b in self.bands]
        if mins != sorted(mins) or mins[0] != 0 or len(set(mins)) != len(mins):
            raise ValueError("bands must start at 0 and have strictly increasing minimums")
        return self

    def band_for(self, score: float) -> Band:
        return [b for b in self.bands if score >= b.min][-1]


class BandFile(_Model):
    schemes: list[BandScheme]


@cache
def band_schemes() -> dict[str, BandScheme]:
    return cached_bundled("bands", _load_band_schemes)


def _load_band_schemes() -> dict[str, BandScheme]:
    document = read_document(BANDS_FILE)
    try:
        parsed = BandFile.model_validate(document.data)
    except ValidationError as exc:
        raise DefinitionError(f"{document.file}: invalid band file", schema_problems(document, exc)) from None
    return {s.id: s for s in parsed.schemes}


def load_pack(path: Path, *, display: str | None = None, catalogue: Catalogue | None = None) -> LoadedPack:
    """Load and cross-check one pack; DefinitionError lists every problem with file, line and rule id."""
    name = display or display_name(path)
    document = read_document(path, display=name)
    try:
        pack = Pack.model_validate(document.data, context={"legacy": _written_for_1_0(document.data)})
    except ValidationError as exc:
        problems = schema_problems(document, exc)
        raise DefinitionError(f"{name}: invalid rule pack", _with_rule_ids(problems, document)) from None
    problems = _cross_check(pack, document, catalogue or bundled_catalogue())
    if problems:
        raise DefinitionError(f"{name}: {len(problems)} problem(s) in rule pack {pack.id}", problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    rule_lines = {
        rule.id: line
        for index, rule in enumerate(pack.rules)
        if (line := document.lines.get(("rules", index, "id"))) is not None
    }
    return LoadedPack(pack=pack, file=name, sha256=digest, id_line=document.lines.get(("id",)), rule_lines=rule_lines)


def _written_for_1_0(data: object) -> bool:
    ref = data.get("questionnaire") if isinstance(data, dict) else None
    return isinstance(ref, dict) and str(ref.get("version")) == "1.0.0"


def _with_rule_ids(problems: list[Problem], document: Document) -> list[Problem]:
    rules = document.data.get("rules") if isinstance(document.data, dict) else None
    out = []
    for p in problems:
        match = re.match(r"^rules\[(\d+)\]", p.path or "")
        if match and isinstance(rules, list) and int(match.group(1)) < len(rules):
            rule = rules[int(match.group(1))]
            rid = rule.get("id") if isinstance(rule, dict) else None
            if isinstance(rid, str):
                p = p.model_copy(update={"message": f"rule {rid}: {p.message}"})
        out.append(p)
    return out


def _cross_check(pack: Pack, document: Document, catalogue: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    questionnaire = find_questionnaire(pack.questionnaire.id, pack.questionnaire.version)
    if questionnaire is None:
        return [
            document.problem(
                "unknown-questionnaire",
                f"pack {pack.id} is written for {pack.questionnaire.id} {pack.questionnaire.version}, "
                "which mipat does not have",
                ("questionnaire",),
                expected=f"{default_questionnaire().id} {default_questionnaire().version}",
            )
        ]
    if pack.bands not in band_schemes():
        problems.append(
            document.problem(
                "unknown-bands",
                f"band scheme {pack.bands!r} is not defined",
                ("bands",),
                expected=", ".join(band_schemes()),
            )
        )
    groups = catalogue.reference_ids()[pack.scored_by]
    metrics = {m.id for m in metric_catalogue().metrics}
    for index, rule in enumerate(pack.rules):
        loc = ("rules", index)

        def bad(code: str, message: str, where: tuple[str | int, ...] = (), expected: str | None = None) -> None:
            problems.append(document.problem(code, f"rule {rule.id}: {message}", (*loc, *where), expected=expected))  # noqa: B023

        if rule.group not in groups:
            bad(
                "unknown-group",
                f"group {rule.group!r} is not one of the catalogue's {pack.scored_by}",
                ("group",),
                ", ".join(sorted(groups)),
            )
        for ref in rule.refs.dangling(catalogue):
            bad("dangling-reference", f"{ref} is not in the framework catalogue", ("refs",))
        for key, condition in rule.conditions().items():
            field = {"full": "when", "partial": "partial_when", "applies": "applies_if"}[key]
            for message, expected in _atom_problems(condition, questionnaire, metrics):
                bad("bad-condition", message, (field,), expected)
        if rule.evidence is not None:
            for qid in rule.evidence.questions:
                if questionnaire.question(qid) is None:
                    bad("unknown-question", f"evidence question {qid} does not exist", ("evidence",))
    return problems


_NUMERIC_TYPES = ("integer", "year", "multiple_choice", "evidence")
_CODE_TYPES = ("yes_no", "single_choice")


def _atom_problems(
    condition: Condition, questionnaire: Questionnaire, metrics: set[str]
) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    fields = {f.id: f for f in questionnaire.inventory.fields}
    for atom in atoms(condition):
        if isinstance(atom, AnswerTest):
            question = questionnaire.question(atom.q)
            if question is None:
                close = questionnaire.closest_ids(atom.q)
                found.append(
                    (
                        f"question {atom.q} does not exist in {questionnaire.id} {questionnaire.version}",
                        " or ".join(close) or None,
                    )
                )
                continue
            op, qtype = atom.operator, question.type
            if op in ("eq", "ne", "in") and qtype not in _CODE_TYPES:
                found.append(
                    (
                        f"{op} compares codes, but {atom.q} is a {qtype} question",
                        "gte/lte for numbers, includes for multiple choice",
                    )
                )
            elif op in ("gte", "gt", "lte", "lt") and qtype not in _NUMERIC_TYPES:
                found.append((f"{op} compares numbers, but {atom.q} is a {qtype} question", "eq, ne or in"))
            elif op == "includes" and qtype != "multiple_choice":
                found.append(
                    (f"includes applies to multiple choice, but {atom.q} is a {qtype} question", "eq, ne or in")
                )
            valid = questionnaire.codes(question)
            for code in atom.codes():
                if code not in valid:
                    found.append((f"{atom.q} has no code {code!r}", ", ".join(valid)))
        elif isinstance(atom, MetricTest):
            if atom.metric not in metrics:
                found.append((f"unknown metric {atom.metric!r}", ", ".join(sorted(metrics))))
        else:
            spec = atom.partnerships if isinstance(atom, CountTest) else atom.distinct
            for key, codes in spec.where.items():
                if key not in FILTER_FIELDS:
                    found.append((f"partnerships cannot be filtered by {key!r}", ", ".join(FILTER_FIELDS)))
                    continue
                field = fields["partners" if key == "partner_kind" else key]
                valid = questionnaire.codes(field)
                found += [(f"{key} has no code {c!r}", ", ".join(valid)) for c in codes if str(c) not in valid]
            if isinstance(atom, DistinctTest) and atom.distinct.among:
                of = atom.distinct.of
                valid = questionnaire.codes(fields["partners" if of == "partner_kind" else of])
                found += [
                    (f"{of} has no code {c!r}", ", ".join(valid)) for c in atom.distinct.among if str(c) not in valid
                ]
    return found


def bundled_pack_files() -> list[Path]:
    return sorted(PACKS_DIR.glob("*.yaml"))


@cache
def bundled_packs() -> tuple[LoadedPack, ...]:
    return cached_bundled("packs", _load_bundled_packs)


def _load_bundled_packs() -> tuple[LoadedPack, ...]:
    loaded = tuple(load_pack(path, display=f"rules/packs/{path.name}") for path in bundled_pack_files())
    check_unique_ids(loaded)
    return loaded


ARCHIVE_DIR = PACKS_DIR / "archive"


def pack_with_hash(
    pack_id: str, sha256: str, custom: list[LoadedPack] | tuple[LoadedPack, ...] = ()
) -> LoadedPack | None:
    """The pack `pack_id` whose file has this SHA-256: current, the user's own, or an archived release.

    Archived packs are read without the cross-checks against today's questionnaire: they are used
    for their texts and rule definitions only, to read back results scored with them.
    """
    for loaded in (*custom, *bundled_packs()):
        if loaded.pack.id == pack_id and loaded.sha256 == sha256:
            return loaded
    return _archived_packs().get((pack_id, sha256))


@cache
def _archived_packs() -> dict[tuple[str, str], LoadedPack]:
    found = {}
    for path in sorted(ARCHIVE_DIR.glob("*.yaml")):
        document = read_document(path, display=f"rules/packs/archive/{path.name}")
        pack = Pack.model_validate(document.data, context={"legacy": True})
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        found[(pack.id, digest)] = LoadedPack(pack=pack, file=document.file, sha256=digest)
    return found


def available_packs(custom: list[Path] | tuple[Path, ...] = ()) -> list[LoadedPack]:
    """The bundled packs plus the user's own, validated the same way; rule ids unique across all."""
    packs = [*bundled_packs(), *(load_pack(path) for path in custom)]
    check_unique_ids(packs)
    return packs


def check_unique_ids(packs: tuple[LoadedPack, ...] | list[LoadedPack]) -> None:
    """Pack ids and rule ids are unique across every pack in use: a custom pack reusing a bundled
    pack's id would be merged into its groups and counted twice."""
    pack_seen: dict[str, str] = {}
    rule_seen: dict[str, str] = {}
    problems = []
    for loaded in packs:
        pid = loaded.pack.id
        if pid in pack_seen:
            problems.append(
                Problem(
                    code="duplicate-pack-id",
                    message=f"pack id {pid} is already used by {pack_seen[pid]}",
                    file=loaded.file,
                    line=loaded.id_line,
                    path="id",
                    expected="an id of its own for this pack",
                )
            )
        pack_seen.setdefault(pid, loaded.file)
        for rule in loaded.pack.rules:
            if rule.id in rule_seen:
                problems.append(
                    Problem(
                        code="duplicate-id",
                        message=f"rule id {rule.id} is also used in {rule_seen[rule.id]}",
                        file=loaded.file,
                        line=loaded.rule_lines.get(rule.id),
                    )
                )
            rule_seen.setdefault(rule.id, loaded.file)
    if problems:
        raise DefinitionError("pack ids and rule ids must be unique across packs", problems)
