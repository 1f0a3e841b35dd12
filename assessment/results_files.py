"""Reading saved results: `mipat score --format json` output is an input to reports and comparisons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mipat.assessment.results import Assessment
from mipat.questionnaires.model_loading import schema_problems
from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import Document, read_document

MAX_RESULT_BYTES = 20 * 1024 * 1024  # a result carries the whole response and every rule's trace


def is_result(data: Any) -> bool:
    """A saved result has mipat's `tool` and `schema_version` keys; a response file has neither."""
    return isinstance(data, dict) and data.get("tool") == "mipat" and "schema_version" in data


def read_result(path: Path) -> Assessment | None:
    """The saved Assessment in `path`, or None when `path` is not a saved result (e.g. a response)."""
    if path.suffix.lower() != ".json":
        return None
    document = read_document(path, max_bytes=MAX_RESULT_BYTES)
    return result_of(document) if is_result(document.data) else None


def result_of(document: Document) -> Assessment:
    try:
        return Assessment.model_validate(document.data)
    except ValidationError as exc:
        problems = schema_problems(document, exc)
        raise InputError(
            f"{document.file}: not a valid mipat result ({len(problems)} problem(s))", problems[:20]
        ) from None
