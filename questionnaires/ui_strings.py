"""Fixed user-facing words of the questionnaire views, from `data/ui.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import RootModel

from questionnaires.i18n import Language, Text
from questionnaires.model_loading import load_model

UI_FILE = Path(__file__).parent / "data" / "ui.yaml"


class UiStrings(RootModel[dict[str, Text]]):
    def get(self, key: str, lang: Language) -> str:
        return self.root[key].get(lang)


@cache
def ui_strings() -> UiStrings:
    strings, _ = load_model(UI_FILE, UiStrings)
    return strings


def ui(key: str, lang: Language) -> str:
    return ui_strings().get(key, lang)
