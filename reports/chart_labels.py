"""Short titles for chart axes and bar rows, from `data/chart_labels.yaml`.

A group's full title ("Prise en compte de la problématique femmes-hommes", "Action 23a") is too long
or too bare for a spoke of the spider chart or the row of a bar chart. The bundled packs carry a
short title per group in every language; a custom pack's group falls back to its long title, cut at
a word boundary.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.i18n import Language, Text
from mipat.questionnaires.model_loading import load_model

CHART_LABELS_FILE = Path(__file__).parent / "data" / "chart_labels.yaml"

MAX_GROUP_TITLE = 32  # characters besides a leading group code: about one line of a chart label
MAX_PACK_TITLE = 48
# A leading group code as the long titles show it: "23a ", "17.16 " (a GCM principle has none).
_CODE = re.compile(r"^(?:\d{1,2}[a-e]|\d{1,2}\.\d{1,2}) ")


def _check_length(text: Text, limit: int) -> Text:
    for lang in ("en", "fr", "es"):
        title = _CODE.sub("", text.get(lang))
        if len(title) > limit:
            raise ValueError(f"{lang} title {title!r} has {len(title)} characters, at most {limit} fit a chart label")
    return text


class PackLabels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    title: Text
    groups: dict[str, Text]

    @field_validator("title")
    @classmethod
    def _short_pack_title(cls, value: Text) -> Text:
        return _check_length(value, MAX_PACK_TITLE)

    @field_validator("groups")
    @classmethod
    def _short_group_titles(cls, value: dict[str, Text]) -> dict[str, Text]:
        for text in value.values():
            _check_length(text, MAX_GROUP_TITLE)
        return value


class ChartLabels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    packs: dict[str, PackLabels]
    words: dict[str, Text]


@cache
def chart_labels() -> ChartLabels:
    return cached_bundled("chart-labels", lambda: load_model(CHART_LABELS_FILE, ChartLabels)[0])


def short_title(pack_id: str, group_id: str, long_title: str, lang: Language) -> str:
    """The chart label of a group: the bundled short title, else the long title cut to fit."""
    pack = chart_labels().packs.get(pack_id)
    text = pack.groups.get(group_id) if pack else None
    return text.get(lang) if text else shorten(long_title, MAX_GROUP_TITLE)


def short_pack_title(pack_id: str, long_title: str, lang: Language) -> str:
    pack = chart_labels().packs.get(pack_id)
    return pack.title.get(lang) if pack else shorten(long_title, MAX_PACK_TITLE)


def chart_word(key: str, lang: Language) -> str:
    return chart_labels().words[key].get(lang)


def shorten(text: str, limit: int) -> str:
    """`text` whole if it fits in `limit` characters, else its longest run of whole words and "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]  # never split a word
    return cut.rstrip(" ,;:–-") + "…"
