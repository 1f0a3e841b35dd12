"""Reading saved results: `mipat score --format json` output is an input to reports and comparisons.

A schema 2.0 result names each rule pack by id, version and SHA-256; the rules' texts, conditions
and references are read back from the pack with that hash (bundled, archived or given with
`--pack`), and the answers each rule read from the embedded response. A result whose pack cannot be
found with that hash is refused rather than shown with texts it was not scored with. A schema 1.0
result carries all of this itself and loads as it is, with a warning that it was upgraded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mipat.assessment.result_checks import check_result
from mipat.assessment.results import (
    COMPACT_SCHEMA_VERSIONS,
    CONTENT_HASH,
    HASHED_SCHEMA_VERSIONS,
    READABLE_SCHEMA_VERSIONS,
    RULE_DEFAULTS,
    SCHEMA_VERSION,
    Assessment,
    content_hash,
)
from mipat.questionnaires.model_loading import schema_problems
from mipat.questionnaires.problems import InputError, Problem
from mipat.questionnaires.source_files import Document, read_document
from mipat.rules.packs import LoadedPack

MAX_RESULT_BYTES = 20 * 1024 * 1024  # a result carries the whole response and every rule's trace


def is_result(data: Any) -> bool:
    """A saved result has mipat's `tool` and `schema_version` keys; a response file has neither."""
    return isinstance(data, dict) and data.get("tool") == "mipat" and "schema_version" in data


def read_result(path: Path, packs: Sequence[LoadedPack] = ()) -> Assessment | None:
    """The saved Assessment in `path`, or None when `path` is not a saved result (e.g. a response).

    `packs` are the user's own packs (`--pack`), searched before the bundled and archived ones.
    """
    if path.suffix.lower() != ".json":
        return None
    document = read_document(path, max_bytes=MAX_RESULT_BYTES)
    return result_of(document, packs) if is_result(document.data) else None


def parse_result(text: str, name: str = "<result>", packs: Sequence[LoadedPack] = ()) -> Assessment:
    """A saved result from its JSON text (e.g. `mipat score --format json` output)."""
    from mipat.questionnaires.source_files import parse_json

    return result_of(parse_json(text, name), packs)


def result_of(document: Document, packs: Sequence[LoadedPack] = ()) -> Assessment:
    data = document.data
    version = data.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        raise InputError(
            f"{document.file}: result schema {version!r} is not one this mipat reads "
            f"(expected one of {', '.join(READABLE_SCHEMA_VERSIONS)}; a newer mipat wrote it?)"
        )
    if version in HASHED_SCHEMA_VERSIONS:
        data = _verified(data, document)
    if version in COMPACT_SCHEMA_VERSIONS:
        data = _rehydrated(data, document, packs)
    if version != SCHEMA_VERSION:
        data = _upgraded(data, version, document.file)
    try:
        assessment = Assessment.model_validate(data)
    except ValidationError as exc:
        problems = schema_problems(document, exc)
        raise InputError(
            f"{document.file}: not a valid mipat result ({len(problems)} problem(s))", problems[:20]
        ) from None
    check_result(assessment, document, _overall_packs(assessment, packs))
    if version in COMPACT_SCHEMA_VERSIONS:  # not stored: the rules ordered by gain, as scoring ordered them
        from mipat.assessment.rule_traces import recommendations

        assessment = assessment.model_copy(update={"recommendations": recommendations(assessment.rules)})
    return assessment


def _overall_packs(assessment: Assessment, packs: Sequence[LoadedPack]) -> set[str] | None:
    """The ids of the packs whose groups make the overall index, read from the packs the result was
    scored with (found by their SHA-256); None when one of them is not available."""
    from mipat.rules.packs import pack_with_hash

    chosen = set()
    for stored in assessment.packs:
        loaded = pack_with_hash(stored.id, stored.sha256, packs)
        if loaded is None:
            return None
        if loaded.pack.overall:
            chosen.add(stored.id)
    return chosen


_UPGRADE_NOTES = {
    "1.0": "rule texts are those it recorded; its overall index is the mean of its pack indices, banded sdg-10-7-2",
    "2.0": "its overall index is the mean of its pack indices, banded sdg-10-7-2 (2.1 averages the scored groups "
    "of the GCM-principle, objective-23 and SDG-17 packs and bands them mipat-development)",
    "2.1": "the layout of its span metrics (counterpart rows, level columns) is taken from this mipat's catalogue",
    "2.2": "it records no content hash, so an edit shows only where its numbers contradict each other",
}


def _verified(data: dict[str, Any], document: Document) -> dict[str, Any]:
    """The result without its content hash, once the hash is found to match its content."""
    recorded = data.get(CONTENT_HASH)
    if recorded != content_hash(data):
        message = (
            f"edited after mipat wrote it (its content no longer matches its {CONTENT_HASH}); score the response again"
            if isinstance(recorded, str)
            else f"it has no {CONTENT_HASH}, which results of schema {data['schema_version']} record"
        )
        problem = document.problem("result-edited", message, (CONTENT_HASH,))
        raise InputError(message, [problem])
    return {k: v for k, v in data.items() if k != CONTENT_HASH}


def _upgraded(data: dict[str, Any], version: str, file: str) -> dict[str, Any]:
    note = Problem(
        severity="warning",
        code="result-upgraded",
        message=f"saved with result schema {version}, read as {SCHEMA_VERSION}: {_UPGRADE_NOTES[version]}",
        file=file,
    )
    from mipat.rules.metrics import span_layout

    warnings = data.get("warnings") if isinstance(data.get("warnings"), list) else []
    upgraded = {**data, "schema_version": SCHEMA_VERSION, "warnings": [*warnings, note.model_dump()]}
    upgraded.setdefault("span_layout", span_layout())
    return upgraded


def _rehydrated(data: dict[str, Any], document: Document, packs: Sequence[LoadedPack]) -> dict[str, Any]:
    """The stored result plus the fields it leaves out, from its packs and its response."""
    from mipat.assessment.rule_traces import RuleDescription, answers_read, shown_questions
    from mipat.questionnaires.definition import find_questionnaire
    from mipat.questionnaires.responses import Response
    from mipat.rules.packs import pack_with_hash

    def fail(message: str, location: tuple[str | int, ...] = ()) -> InputError:
        return InputError(message, [document.problem("result-pack", message, location)])

    try:
        response = Response.model_validate(data.get("response"))
        stored_packs = list(data["packs"])
        stored_rules = list(data["rules"])
        ref = data["questionnaire"]
        questionnaire = find_questionnaire(ref["id"], ref["version"])
    except (ValidationError, KeyError, TypeError) as exc:
        raise InputError(f"{document.file}: not a valid mipat result ({exc.__class__.__name__}: {exc})") from None
    if questionnaire is None:
        raise fail(
            f"{document.file}: scored against questionnaire {ref['id']} {ref['version']}, which mipat does not have"
        )
    by_pack: dict[str, LoadedPack] = {}
    for index, stored in enumerate(stored_packs):
        pack_id, version, digest = stored.get("id"), stored.get("version"), stored.get("sha256")
        loaded = pack_with_hash(str(pack_id), str(digest), packs)
        if loaded is None:
            raise fail(
                f"{document.file}: scored with rule pack {pack_id} {version} (SHA-256 {str(digest)[:12]}…), "
                "which is not available with that content; give that pack file with --pack, or score the response again",  # noqa: E501
                ("packs", index),
            )
        by_pack[str(pack_id)] = loaded
    shown = shown_questions(questionnaire, response)
    rules = []
    for index, stored in enumerate(stored_rules):
        loaded = by_pack.get(stored.get("pack_id"))
        rule = next((r for r in loaded.pack.rules if r.id == stored.get("rule_id")), None) if loaded else None
        if rule is None:
            raise fail(
                f"{document.file}: rule {stored.get('rule_id')} is not in pack {stored.get('pack_id')} as recorded",
                ("rules", index),
            )
        described = RuleDescription.of(rule)
        full = {
            **RULE_DEFAULTS,
            **stored,
            **described.static_fields(rule),
            "held": described.held(str(stored.get("level"))),
            "answers": answers_read(described.trace_questions, response, shown),
        }
        rules.append(full)
    return {**data, "rules": rules, "recommendations": []}
