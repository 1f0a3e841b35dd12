"""The framework catalogue: GCM guiding principles, objectives and objective-23 actions, SDG targets
and the SDG 10.7.2 domain-3 sub-categories that questions and rules refer to.

Shipped as `questionnaires/data/catalogue.yaml`; every reference anywhere in mipat resolves here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.model_loading import load_model

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.yaml"

SourceStatus = Literal["confirmed", "partial", "unconfirmed"]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Entry):
    id: str = Field(pattern=r"^S\d{2}$")
    ref: str
    url: str


class Principle(_Entry):
    id: str = Field(pattern=r"^[a-z][a-z-]+$")
    para: str
    title: Text
    summary: Text
    sources: list[str] = []


class Objective(_Entry):
    number: int = Field(ge=1, le=23)
    para: int
    title: Text
    short: Text
    # status: whether the official title was found, in every language, in a cited source ("partial":
    # some language versions only); note says which are still unchecked.
    status: SourceStatus = "confirmed"
    note: str = ""
    sources: list[str] = []


class Action(_Entry):
    id: str = Field(pattern=r"^23[a-e]$")
    summary: Text
    status: SourceStatus = "confirmed"
    sources: list[str] = []


class Target(_Entry):
    id: str = Field(pattern=r"^\d{1,2}\.[0-9a-z]{1,2}$")
    goal: int = Field(ge=1, le=17)
    title: Text  # a mipat label: SDG targets have no official titles
    summary: Text
    note: str = ""  # provenance of the summary, where it needs saying
    sources: list[str] = []


class SubCategory(_Entry):
    id: str = Field(pattern=r"^PD3\.[1-5]$")
    title: Text
    status: SourceStatus
    note: str
    sources: list[str] = []


class Catalogue(_Entry):
    version: str
    principles: list[Principle]
    objectives: list[Objective]
    actions: list[Action]
    targets: list[Target]
    sdg_1072_subcategories: list[SubCategory]
    sources: list[Source]

    @model_validator(mode="after")
    def _check(self) -> Catalogue:
        for kind, keys in (
            ("principle", [p.id for p in self.principles]),
            ("objective", [o.number for o in self.objectives]),
            ("action", [a.id for a in self.actions]),
            ("target", [t.id for t in self.targets]),
            ("sub-category", [s.id for s in self.sdg_1072_subcategories]),
            ("source", [s.id for s in self.sources]),
        ):
            dupes = sorted({str(k) for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} ids: {', '.join(dupes)}")
        if len(self.principles) != 10:
            raise ValueError(f"the GCM has 10 guiding principles, the catalogue lists {len(self.principles)}")
        if sorted(o.number for o in self.objectives) != list(range(1, 24)):
            raise ValueError("the catalogue must list GCM objectives 1 to 23 exactly once")
        if sorted(a.id for a in self.actions) != [f"23{c}" for c in "abcde"]:
            raise ValueError("the catalogue must list objective-23 actions 23a to 23e")
        known = {s.id for s in self.sources}
        for entry in (*self.principles, *self.objectives, *self.actions, *self.targets, *self.sdg_1072_subcategories):
            missing = [s for s in entry.sources if s not in known]
            if missing:
                raise ValueError(f"unknown source ids {missing} cited by {entry!r:.60}")
        return self

    def principle(self, pid: str) -> Principle:
        return next(p for p in self.principles if p.id == pid)

    def objective(self, number: int) -> Objective:
        return next(o for o in self.objectives if o.number == number)

    def target(self, tid: str) -> Target:
        return next(t for t in self.targets if t.id == tid)

    def subcategory(self, sid: str) -> SubCategory:
        return next(s for s in self.sdg_1072_subcategories if s.id == sid)

    def groups_scored_by(self, scored_by: str) -> list[tuple[str, Text]]:
        """The groups a pack scores (principles, actions, targets or 10.7.2 sub-categories), in catalogue order."""
        if scored_by == "principles":
            return [(p.id, p.title) for p in self.principles]
        if scored_by == "actions":
            return [(a.id, Text(en=f"Action {a.id}", fr=f"Action {a.id}", es=f"Acción {a.id}")) for a in self.actions]
        if scored_by == "targets":
            return [
                (t.id, Text(**{lang: f"{t.id} {t.title.get(lang)}" for lang in ("en", "fr", "es")}))
                for t in self.targets
            ]
        return [(s.id, s.title) for s in self.sdg_1072_subcategories]

    def reference_ids(self) -> dict[str, set[str]]:
        """Valid ids per reference kind, as written in questionnaire and rule-pack files."""
        return {
            "principles": {p.id for p in self.principles},
            "objectives": {str(o.number) for o in self.objectives},
            "actions": {a.id for a in self.actions},
            "targets": {t.id for t in self.targets},
            "sdg_1072": {s.id for s in self.sdg_1072_subcategories},
        }


class References(_Entry):
    """Framework references of a question or rule; each id must exist in the catalogue."""

    principles: list[str] = []
    objectives: list[int] = []
    actions: list[str] = []
    targets: list[str] = []
    sdg_1072: list[str] = []

    def dangling(self, catalogue: Catalogue) -> list[str]:
        valid = catalogue.reference_ids()
        return [f"{kind} {value!r}" for kind in valid for value in getattr(self, kind) if str(value) not in valid[kind]]


@cache
def bundled_catalogue() -> Catalogue:
    return cached_bundled("catalogue", lambda: load_catalogue(CATALOGUE_FILE))


def load_catalogue(path: Path) -> Catalogue:
    catalogue, _ = load_model(path, Catalogue)
    return catalogue
