"""Did you mean …? The code, id or rule a person most likely meant when they typed something else.

A respondent writes in their own language: `oui` for `yes`, `Partiellement` for `partial`, `origine`
for `origin`. The typed word is compared with every code and with each code's label in the three
languages, ignoring case, accents and the `_` of codes; a word that is exactly a label gets "write the
code `yes` (the label 'Oui')", a near miss "did you mean `origin`?". An unquoted `10.70` is a number to
YAML: the hint then says to write the code in quotes.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from mipat.questionnaires.i18n import LANGUAGES, Text
from mipat.questionnaires.problems import Wording, worded

CLOSE_ENOUGH = 0.6  # difflib's ratio; the same cut-off as question ids


def fold(text: str) -> str:
    """Text compared the way a person reads it: no case, no accents, `_` and `-` as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[_\-]+", " ", bare).split())


def choice_hint(
    typed: str, choices: Sequence[tuple[str, Text | None]], *, unquoted_number: bool = False
) -> Wording | None:
    """A hint towards the code `typed` most likely means, or None when nothing is close.

    `choices` are the accepted codes with their labels; `unquoted_number` says `typed` is the text of
    a number YAML read (`10.70`), so the hint is to write a code in quotes.
    """
    if not typed.strip():
        return None
    if unquoted_number:
        code = _same_number(typed, [c for c, _ in choices]) or _closest(typed, [(c, c) for c, _ in choices])
        return worded("v_hint_quoted", code=f"'{code}'") if code else None
    wanted = fold(typed)
    for code, _label in choices:
        if wanted == fold(code):
            return worded("v_hint_code", code=f"`{code}`")
    for code, label in choices:
        said = next((label.get(lang) for lang in LANGUAGES if label and wanted == fold(label.get(lang))), None)
        if said is not None:
            return worded("v_hint_label", code=f"`{code}`", label=repr(said))
    candidates = [(fold(code), code) for code, _ in choices]
    candidates += [(fold(label.get(lang)), code) for code, label in choices if label is not None for lang in LANGUAGES]
    code = _closest(wanted, candidates)
    return worded("v_hint_code", code=f"`{code}`") if code else None


ID_CLOSE_ENOUGH = 0.75  # ids share their prefixes (GCM-…), so a looser cut-off suggests unrelated rules


def closest(typed: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Known ids closest to `typed`, ignoring case (`gcm-wog-01` is GCM-WOG-01)."""
    by_fold: dict[str, str] = {}
    for item in known:
        by_fold.setdefault(item.casefold(), item)
    exact = by_fold.get(typed.casefold())
    if exact is not None:
        return [exact]
    return [by_fold[f] for f in difflib.get_close_matches(typed.casefold(), list(by_fold), n=n, cutoff=ID_CLOSE_ENOUGH)]


def _same_number(typed: str, codes: Sequence[str]) -> str | None:
    """The code with the same value as the number written (`10.70` → '10.7')."""
    try:
        number = float(typed)
    except ValueError:
        return None
    for code in codes:
        try:
            if float(code) == number:
                return code
        except ValueError:
            continue
    return None


def _closest(wanted: str, candidates: Sequence[tuple[str, str]]) -> str | None:
    """The code of the candidate text closest to `wanted`; a text `wanted` starts (`quarterly`) counts too."""
    texts = [text for text, _ in candidates]
    found = difflib.get_close_matches(wanted, texts, n=1, cutoff=CLOSE_ENOUGH)
    if found:
        return next(code for text, code in candidates if text == found[0])
    if len(wanted) >= 4:
        return next((code for text, code in candidates if text.startswith(wanted)), None)
    return None
