"""What a French or Spanish reader sees in the terminal is in their language, fits 80 columns and
never cuts a word: score text, explain, rules show, validation messages and CLI lines, run through
the real CLI for every example response in every language."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from mipat.assessment.results import Assessment
from mipat.assessment.results_files import parse_result
from mipat.cli import main
from mipat.questionnaires.languages import LANGUAGES
from mipat.questionnaires.locale_format import NNBSP, format_date, typography
from mipat.questionnaires.messages import Plural, count_message, messages

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FIXED = ["--fixed-date", "2026-01-31T09:00:00Z"]
EXPLAINED = ["GCM-WOG-01", "GCM-PC-02", "SDG1072-PD3.1"]  # answers and evidence; inventory counts; a crosswalk
SHOWN = ["GCM-WOG-01", "SDG1072-PD3.1", "O23-C-01", "GCM-PC-02"]

# Words of English prose that never are a code, a proper name or a word of French or Spanish.
ENGLISH = {
    "the", "and", "of", "with", "this", "that", "which", "from", "should", "must", "would", "is", "are", "be",
    "rule", "rules", "met", "wrote", "answer", "answers", "answered", "unanswered", "weight", "credit",
    "finding", "overall", "expected", "applies", "hidden", "assessed", "priority", "required", "missing",
    "file", "found", "partnership", "partnerships", "evidence", "when", "where", "because", "band", "scored",
    "not", "error", "score", "question", "input", "value", "invalid", "warning",
}  # fmt: skip
# ... except where the same word is also the reader's: "question" and "score" are French, "error" Spanish.
OWN = {"fr": {"question", "score"}, "es": {"error"}}
_CODES = re.compile(r"\w+\[\d+\][\w.\[\]]*|\[[^\]]*\]|(?<!\w)'[^']*'(?!\w)|`[^`]*`|\{[^}]*\}")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if " " in value else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for item in items for s in _strings(item)]


def english_words(text: str, lang: str, assessment: Assessment | None = None) -> list[str]:
    """English prose words in `text`, outside codes ([lists], 'quoted values', `commands`, {fields})
    and outside what the respondent wrote (names, titles, comments), which stays as written."""
    flat = " ".join(text.split())
    if assessment is not None:
        for own in sorted(_strings(assessment.response.model_dump()), key=len, reverse=True):
            flat = flat.replace(" ".join(own.split()), " ")
    found = []
    for token in _CODES.sub(" ", flat).split():
        word = token.strip(",;:()«».!?").lower()
        if word.isalpha() and word in ENGLISH - OWN.get(lang, set()):
            found.append(word)
    return found


def assert_french_spacing(text: str) -> None:
    """A narrow no-break space before : and ; in French, never a plain space or none."""
    bad = [line for line in text.splitlines() if re.search(r"(?:[^\s\u202f]|^) ?[:;](?=\s|$)", line)]
    assert not bad, bad[:3]
    assert NNBSP + ":" in text


def assert_fits(text: str, width: int = 80) -> None:
    long = [line for line in text.splitlines() if len(line) > width]
    assert not long, long[:3]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@cache
def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def run(*args: str, code: int = 0) -> str:
    exit_code, output = _run(*args)
    assert exit_code == code, output
    return output


@cache
def assessment_of(example: Path) -> Assessment:
    return parse_result(run("score", str(example), "--format", "json", *FIXED))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_score_text_is_in_the_language_fits_80_columns_and_cuts_no_label(example: Path, lang: str) -> None:
    text = run("score", str(example), "--lang", lang, *FIXED)
    assert_fits(text)
    assert format_date("2026-01-31", lang) in text  # type: ignore[arg-type]
    tokens = set(text.split())
    a = assessment_of(example)
    labels = [p.title.get(lang) for p in a.packs] + [g.title.get(lang) for p in a.packs for g in p.groups]  # type: ignore[arg-type]
    for label in labels:
        cut = [w for w in typography(label, lang).split() if w not in tokens]  # type: ignore[arg-type]
        assert not cut, (label, cut)
    band = next(b for b in a.bands if b.id == a.overall_bands)
    assert next(b["label"][lang] for b in band.bands if b["code"] == a.overall_band) in text
    assert count_message("n_partnerships", len(a.response.inventory), lang) in text  # type: ignore[arg-type]
    if lang != "en":
        assert not english_words(text, lang, a), english_words(text, lang, a)
    if lang == "fr":
        assert_french_spacing(text)


def test_score_text_writes_french_numbers_plurals_and_band_names_on_group_rows() -> None:
    text = run("score", str(ROOT / "examples" / "national-origin-fr.yaml"), *FIXED)
    assert "31 janvier 2026" in text
    assert re.search(r"^Indice global +52,1  2 · En développement$", text, re.M)
    assert re.search(r"^  Coopération internationale +75,0  3 · Développé$", text, re.M)
    assert "8 partenariats" in text and "règles remplies" in text
    assert "people-centred" not in text, "group slugs are not labels"


def test_a_count_of_one_is_singular_in_every_language() -> None:
    assert count_message("n_rules_met", 1, "fr") == "1 règle remplie"
    assert count_message("n_rules_met", 3, "fr") == "3 règles remplies"
    assert count_message("n_rules_met", 1, "es") == "1 regla cumplida"
    assert count_message("n_partnerships", 1, "fr") == "1 partenariat"
    assert count_message("n_partnerships", 0, "fr") == "0 partenariat"  # French counts 0 as singular
    assert count_message("n_partnerships", 0, "en") == "0 partnerships"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_explain_is_all_in_the_language(example: Path, lang: str) -> None:
    for rule in EXPLAINED:
        text = run("explain", str(example), rule, "--lang", lang, *FIXED)
        assert_fits(text)
        assert rule in text
        if lang != "en":
            found = english_words(text, lang, assessment_of(example))
            assert not found, (rule, found)
        if lang == "fr":
            assert_french_spacing(text)


def test_explain_shows_the_labels_the_respondent_read_beside_the_codes() -> None:
    text = run("explain", str(ROOT / "examples" / "national-origin-fr.yaml"), "GCM-WOG-01", *FIXED)
    assert "Résultat\u202f: règle remplie" in text
    assert "WOG.1    Oui [yes]" in text
    assert "Affaires étrangères [foreign_affairs]" in text
    assert "2 justificatifs" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rules_show_is_all_in_the_language(lang: str) -> None:
    for rule in SHOWN:
        text = run("rules", "show", rule, "--lang", lang)
        assert_fits(text)
        if lang != "en":
            assert not english_words(text, lang), (rule, english_words(text, lang))
            assert "GCM" not in text.replace(rule, "") and "SDG" not in text.replace(rule, "")  # PMM, ODD, ODS
        if lang == "fr":
            assert_french_spacing(text)


def test_rules_list_speaks_the_language_and_its_json_stays_english() -> None:
    listing = run("rules", "list", "--lang", "fr")
    assert "élevée" in listing and " high " not in listing
    assert '"priority": "high"' in run("rules", "list", "--json")


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_validation_problems_are_sentences_in_the_language(lang: str) -> None:
    text = run("validate", str(DATA / "errors_each_kind.yaml"), "--lang", lang, code=1)
    assert not english_words(text, lang), english_words(text, lang)
    assert ("NON VALIDE" if lang == "fr" else "NO VÁLIDO") in text
    if lang == "fr":
        assert_french_spacing(text)
        assert "question RS.5\u202f: 1850 est en dehors des valeurs admises (attendu\u202f: de 1990 à 2035)" in text
    else:
        assert "pregunta RS.5: 1850 está fuera del rango admitido (se espera: de 1990 a 2035)" in text


def test_validate_tells_each_response_in_its_own_language_and_json_stays_english() -> None:
    text = run("validate", str(DATA / "errors_each_kind.yaml"), str(DATA / "draft_minimal.yaml"), code=1)
    assert "errors_each_kind.yaml\u202f: NON VALIDE (101 erreurs, 0 avertissement)" in text
    assert "draft_minimal.yaml: valid draft response (4 answers, 1 partnership)" in text
    as_json = run("validate", "--json", str(DATA / "errors_each_kind.yaml"), code=1)
    assert "is out of range" in as_json and "en dehors" not in as_json


def test_errors_of_score_speak_the_response_language_and_keep_their_exit_codes(tmp_path: Path) -> None:
    code, text = _run("score", str(DATA / "errors_each_kind.yaml"))
    assert code == 1 and text.startswith("erreur\u202f: ") and "101 erreurs" in text
    code, text = _run("score", str(tmp_path / "nothere.yaml"), "--lang", "es")
    assert code == 1 and "error: no se encuentra el archivo" in text and text.count("nothere.yaml") == 1
    code, text = _run("explain", str(ROOT / "examples" / "city-es.yaml"), "gcm-wos-1", *FIXED)
    assert code == 2 and "no es una regla" in text and "GCM-WOS-01" in text


def test_cli_lines_are_in_the_language(tmp_path: Path) -> None:
    out = tmp_path / "modele.yaml"
    assert run("questionnaire", "template", "--lang", "fr", "-o", str(out)) == f"fichier écrit\u202f: {out}\n"
    code, text = _run("questionnaire", "template", "--lang", "es", "-o", str(out))
    assert code == 2 and "el archivo ya existe" in text and text.startswith("error: ")
    assert run("questionnaire", "template", "-o", str(tmp_path / "t.yaml")).startswith("wrote ")


def test_csv_headers_are_in_the_chosen_language_and_unchanged_without_one() -> None:
    city = str(ROOT / "examples" / "city-es.yaml")
    plain = list(csv.reader(io.StringIO(run("score", city, "--format", "csv", *FIXED))))
    assert plain[0][:3] == ["input_file", "input_sha256", "authority"]
    rows = list(csv.DictReader(io.StringIO(run("score", city, "--format", "csv", "--lang", "es", *FIXED))))
    assert {"Archivo de respuesta", "Título", "Puntuación", "Nombre de la categoría"} <= set(rows[0])
    assert rows[0]["Título"] == "Índice global" and rows[0]["Estado"] == "definitiva"
    assert any(r["Nombre de la categoría"] == "Desarrollado" for r in rows)
    assert len(rows) == len(plain) - 1


def test_every_message_has_the_three_languages() -> None:
    for key, entry in messages().root.items():
        for lang in LANGUAGES:
            text = entry.get(lang, 2) if isinstance(entry, Plural) else entry.get(lang)
            assert text.strip(), (key, lang)
