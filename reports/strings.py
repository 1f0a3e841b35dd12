"""Fixed words of the renderings of an Assessment, from `data/strings.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import RootModel

from questionnaires.i18n import Language, Text
from questionnaires.model_loading import load_model

STRINGS_FILE = Path(__file__).parent / "data" / "strings.yaml"


class ReportStrings(RootModel[dict[str, Text]]):
    pass


@cache
def report_strings() -> ReportStrings:
    strings, _ = load_model(STRINGS_FILE, ReportStrings)
    return strings


def word(key: str, lang: Language, **values: object) -> str:
    text = report_strings().root[key].get(lang)
    return text.format(**values) if values else text
