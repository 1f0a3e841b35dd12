"""One check for the fixed strings of a renderer: every key it uses exists in the three languages,
and no key of its family is left unused."""

from __future__ import annotations

from mipat.questionnaires.languages import LANGUAGES
from mipat.reports.strings import report_strings


def assert_strings_complete(used: set[str], family: str, at_least: int) -> None:
    strings = report_strings().root
    assert len(used) > at_least
    for key in sorted(used):
        assert key in strings, key
        for lang in LANGUAGES:
            assert strings[key].get(lang).strip(), (key, lang)
    unused = {key for key in strings if key.startswith(family)} - used
    assert not unused, f"{family.rstrip('_')} strings no renderer uses: {sorted(unused)}"
