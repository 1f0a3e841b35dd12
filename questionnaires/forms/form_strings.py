"""Fixed words of the forms, from `data/*.yaml` (one file per form kind plus `common.yaml`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ConfigDict, RootModel

from mipat.questionnaires.i18n import Language, Text
from mipat.questionnaires.model_loading import load_model

DATA_DIR = Path(__file__).parent / "data"


class FormStrings(RootModel[dict[str, Text]]):
    model_config = ConfigDict(defer_build=True)

    def get(self, key: str, lang: Language) -> str:
        return self.root[key].get(lang)


@cache
def form_strings(name: str = "common") -> FormStrings:
    """The strings of `data/<name>.yaml`; `name` is one of the bundled files, never user input."""
    return load_model(DATA_DIR / f"{name}.yaml", FormStrings)[0]


def form_text(key: str, lang: Language, name: str = "common") -> str:
    return form_strings(name).get(key, lang)
