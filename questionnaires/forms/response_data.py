"""A validated response as the plain data a response file holds, and that data as YAML.

Forms are filled from this data (`--from`) and imports produce it, so a response exported to a form
and imported back is compared, and written, in one canonical shape: answers in questionnaire order,
a bare value unless the answer has a comment or evidence, absent keys rather than nulls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.responses import Answer, Evidence, Partner, Partnership, Response


def evidence_data(item: Evidence) -> dict[str, Any]:
    return item.model_dump(exclude_none=True)


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_dump(exclude_none=True) if isinstance(v, Evidence | Partner) else v for v in value]
    return value


def _extras(comment: str | None, evidence: list[Evidence]) -> dict[str, Any]:
    """The `comment` and `evidence` keys an answer or a partnership has, absent when empty."""
    extras: dict[str, Any] = {}
    if comment is not None:
        extras["comment"] = comment
    if evidence:
        extras["evidence"] = [evidence_data(e) for e in evidence]
    return extras


def _answer(answer: Answer) -> Any:
    extras = _extras(answer.comment, answer.evidence)
    return {"value": _value(answer.value), **extras} if extras else _value(answer.value)


def _partnership(questionnaire: Questionnaire, item: Partnership) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": item.id}
    for field in questionnaire.inventory.fields:
        value = item.get(field.id)
        if value is not None and value != []:
            entry[field.id] = _value(value)
    return {**entry, **_extras(item.comment, item.evidence)}


def response_data(questionnaire: Questionnaire, response: Response) -> dict[str, Any]:
    """The response file content for `response`, in questionnaire order."""
    order = {q.id: n for n, q in enumerate(questionnaire.questions())}
    answers = sorted(response.answers.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0]))
    data: dict[str, Any] = {
        "questionnaire": response.questionnaire.model_dump(),
        "status": response.status,
        "language": response.language,
        "respondent": response.respondent.model_dump(exclude_none=True),
        "answers": {qid: _answer(answer) for qid, answer in answers},
        "inventory": [_partnership(questionnaire, item) for item in response.inventory],
    }
    return data


class _ResponseDumper(yaml.SafeDumper):
    """Lists of codes on one line (`RS.8: [origin, transit]`), as a person writes them by hand."""


def _list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    flat = all(isinstance(item, str | int) and not isinstance(item, bool) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flat)


_ResponseDumper.add_representer(list, _list)


def response_yaml(data: dict[str, Any], header: Sequence[str] = ()) -> str:
    """YAML text of response data; `header` lines become comments at the top.

    PyYAML quotes every string another YAML reader could take for a number, boolean or date
    (`'yes'`, `'17.10'`, `'2021-03'`), so the file reads back to the same values in mipat.
    """
    body = yaml.dump(data, Dumper=_ResponseDumper, allow_unicode=True, sort_keys=False, width=100)
    comments = "".join(f"# {line}\n" for line in header)
    return comments + body
