"""Turning a parsed document into a pydantic model, with every schema error located."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mipat.questionnaires.problems import DefinitionError, MipatError, Problem
from mipat.questionnaires.source_files import Document, read_document

M = TypeVar("M", bound=BaseModel)


def schema_problems(document: Document, exc: ValidationError, *, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *(part for part in err["loc"] if not _is_union_tag(part)))
        if err["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
            expected = "only the keys documented for this format"
        elif err["type"] == "missing":
            message = f"missing key {loc[-1]!r}"
            expected = None
        else:
            message = err["msg"]
            expected = None
        problems.append(document.problem("schema", message, loc, expected=expected))
    return problems


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the matched union member's tag into locations; it is not a key of the file.
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def load_model(
    path: Path,
    model: type[M],
    *,
    display: str | None = None,
    context: dict[str, Any] | None = None,
    error: type[MipatError] = DefinitionError,
) -> tuple[M, Document]:
    """Read `path` and validate it as `model`; raise `error` listing every located problem."""
    document = read_document(path, display=display)
    try:
        return model.model_validate(document.data, context=context), document
    except ValidationError as exc:
        problems = schema_problems(document, exc)
        raise error(f"{document.file}: {len(problems)} problem(s)", problems) from None
