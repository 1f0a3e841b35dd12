"""Fixed user-facing words of the questionnaire views, from `data/ui.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ConfigDict, RootModel

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.i18n import Language, Text
from mipat.questionnaires.model_loading import load_model

UI_FILE = Path(__file__).parent / "data" / "ui.yaml"


class UiStrings(RootModel[dict[str, Text]]):
    model_config = ConfigDict(defer_build=True)

    def get(self, key: str, lang: Language) -> str:
        return self.root[key].get(lang)


@cache
def ui_strings() -> UiStrings:
    return cached_bundled("ui-strings", lambda: load_model(UI_FILE, UiStrings)[0])


def ui(key: str, lang: Language) -> str:
    return ui_strings().get(key, lang)
