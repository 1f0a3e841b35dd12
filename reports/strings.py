"""Fixed words of the renderings of an Assessment, from `data/strings.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ConfigDict, RootModel

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.i18n import Language, Text
from mipat.questionnaires.model_loading import load_model

STRINGS_FILE = Path(__file__).parent / "data" / "strings.yaml"


class ReportStrings(RootModel[dict[str, Text]]):
    model_config = ConfigDict(defer_build=True)

    pass


@cache
def report_strings() -> ReportStrings:
    return cached_bundled("report-strings", lambda: load_model(STRINGS_FILE, ReportStrings)[0])


def word(key: str, lang: Language, **values: object) -> str:
    text = report_strings().root[key].get(lang)
    return text.format(**values) if values else text
