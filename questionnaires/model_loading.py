"""Turning a parsed document into a pydantic model, with every schema error located."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mipat.questionnaires.problems import DefinitionError, MipatError, Problem, Wording, worded
from mipat.questionnaires.source_files import Document, read_document

M = TypeVar("M", bound=BaseModel)


def schema_problems(document: Document, exc: ValidationError, *, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    return [schema_problem(document, err, prefix) for err in exc.errors(include_url=False)]


def schema_problem(document: Document, err: Any, prefix: tuple[str | int, ...] = ()) -> Problem:
    """One of pydantic's errors as a located problem, in words every language can tell."""
    loc = error_location(err, prefix)
    message, expected = _schema_wording(err, loc)
    return document.problem("schema", message, loc, expected=expected)


def error_location(err: Any, prefix: tuple[str | int, ...] = ()) -> tuple[str | int, ...]:
    """Where in the file one of pydantic's errors is: its location without pydantic's union tags."""
    return (*prefix, *(part for part in err["loc"] if not _is_union_tag(part)))


def _schema_wording(err: Any, loc: tuple[str | int, ...]) -> tuple[str | Wording, Wording | None]:
    """The words for one pydantic error: the common kinds in every language, the others as pydantic says them."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        return worded("schema_unknown_key", key=repr(loc[-1])), worded("schema_documented_keys")
    if kind == "missing":
        return worded("schema_missing_key", key=repr(loc[-1])), None
    if kind == "literal_error":
        accepted = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return worded("schema_not_accepted", value=_shown(err["input"])), worded("x_one_of", codes=accepted)
    if kind.startswith("mipat_"):  # our own validators' errors, worded in data/messages.yaml
        return worded(f"schema_{kind}", value=_shown(err["input"])), None
    if kind in ("less_than_equal", "less_than", "greater_than", "greater_than_equal"):
        limit = next(iter(ctx.values()), "")
        limit = f"{limit:g}" if isinstance(limit, int | float) else limit
        return worded(f"schema_{kind}", value=_shown(err["input"]), limit=limit), None
    if kind in _TYPE_WORDS:
        return worded(_TYPE_WORDS[kind], value=_shown(err["input"])), None
    if kind == "string_too_long":
        return worded("schema_too_long", value=_shown(err["input"]), n=ctx.get("max_length")), None
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return worded("schema_empty"), None
    if kind == "string_too_short":
        return worded("schema_too_short", value=_shown(err["input"]), n=ctx.get("min_length")), None
    if kind == "value_error" and "YYYY-MM-DD" in str(ctx.get("error", "")):
        return worded("schema_not_date", value=_shown(err["input"])), None
    if kind == "value_error" and ctx.get("error") is not None:
        return str(ctx["error"]), None  # our own validator's words, without pydantic's "Value error, "
    return err["msg"], None


# pydantic's type errors a person can cause by writing a value of the wrong shape.
_TYPE_WORDS = {
    "string_type": "schema_not_text",
    "list_type": "schema_not_list",
    "dict_type": "schema_not_mapping",
    "model_type": "schema_not_mapping",
    "model_attributes_type": "schema_not_mapping",
    "int_type": "schema_not_whole",
    "int_parsing": "schema_not_whole",
    "float_type": "schema_not_number",
    "float_parsing": "schema_not_number",
    "bool_type": "schema_not_bool",
    "bool_parsing": "schema_not_bool",
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
