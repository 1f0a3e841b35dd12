"""The score, explain, rules and schema commands, run through click against real files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mipat.assessment.results import Assessment
from mipat.assessment.results_files import parse_result
from mipat.cli import main
from mipat.rules.packs import load_pack

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
NATIONAL = str(ROOT / "examples" / "national-origin-fr.yaml")
CITY = str(ROOT / "examples" / "city-es.yaml")
FIXED = ["--fixed-date", "2026-01-31T09:00:00Z"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _json(runner: CliRunner, *args: str) -> Assessment:
    result = runner.invoke(main, ["score", *args, "--format", "json", *FIXED])
    assert result.exit_code == 0, result.output
    custom = [load_pack(Path(args[i + 1])) for i, arg in enumerate(args) if arg == "--pack"]
    return parse_result(result.output, packs=custom)


def test_score_prints_a_table_in_the_response_language(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", NATIONAL, *FIXED])
    assert result.exit_code == 0, result.output
    assessment = _json(runner, NATIONAL)
    assert "Indice global" in result.output
    assert f"{assessment.overall_index:.1f}".replace(".", ",") in result.output  # a French decimal comma
    assert "Actions au gain de score le plus élevé" in result.output
    english = runner.invoke(main, ["score", NATIONAL, "--lang", "en", *FIXED])
    assert "Overall index" in english.output and f"{assessment.overall_index:.1f}" in english.output


def test_score_json_is_reproducible_with_a_fixed_date(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    first = runner.invoke(main, ["score", NATIONAL, "--format", "json", *FIXED]).output
    second = runner.invoke(main, ["score", NATIONAL, "--format", "json", *FIXED]).output
    assert first == second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    epoch = parse_result(runner.invoke(main, ["score", NATIONAL, "--format", "json"]).output)
    assert epoch.generated_at == "2026-01-01T00:00:00Z"


def test_score_csv_has_one_row_per_group_and_neutralises_formulas(runner: CliRunner, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    text = Path(CITY).read_text(encoding="utf-8")
    start = text.index("  RS.2:")
    end = text.index("\n", start)
    hostile.write_text(text[:start] + '  RS.2: "=HYPERLINK(\\"http://x\\",\\"click\\")"' + text[end:], encoding="utf-8")
    result = runner.invoke(main, ["score", str(hostile), "--format", "csv", *FIXED])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assessment = _json(runner, str(hostile))
    assert len(rows) == 1 + sum(1 + len(p.groups) for p in assessment.packs)
    assert all(row["authority"].startswith("'=") for row in rows)
    overall = next(row for row in rows if row["group"] == "overall")
    assert float(overall["score"]) == assessment.overall_index


def test_fail_under_exits_3_below_the_threshold(runner: CliRunner) -> None:
    index = _json(runner, NATIONAL).overall_index
    assert index is not None
    below = runner.invoke(main, ["score", NATIONAL, "--fail-under", str(index + 0.1), "--lang", "en", *FIXED])
    assert below.exit_code == 3
    assert "below --fail-under" in below.output
    french = runner.invoke(main, ["score", NATIONAL, "--fail-under", str(index + 0.1), *FIXED])
    assert french.exit_code == 3 and "inférieur au seuil --fail-under" in french.output
    assert runner.invoke(main, ["score", NATIONAL, "--fail-under", str(index), *FIXED]).exit_code == 0


def test_score_output_file_is_never_overwritten_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("keep me")
    result = runner.invoke(main, ["score", NATIONAL, "--format", "json", "-o", str(out), *FIXED])
    assert result.exit_code == 2 and out.read_text() == "keep me"
    assert (
        runner.invoke(main, ["score", NATIONAL, "--format", "json", "-o", str(out), "--force", *FIXED]).exit_code == 0
    )
    assert parse_result(out.read_text()).input_file == NATIONAL


def test_invalid_response_exits_1_with_located_errors(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", str(DATA / "errors_each_kind.yaml"), "--lang", "en"])
    assert result.exit_code == 1
    assert "errors_each_kind.yaml:14: error: question RS.99" in result.output
    french = runner.invoke(main, ["score", str(DATA / "errors_each_kind.yaml")])  # the response says language: fr
    assert french.exit_code == 1
    assert "errors_each_kind.yaml:14\u202f: erreur\u202f: question RS.99\u202f:" in french.output


def test_explain_shows_why_a_rule_got_its_outcome(runner: CliRunner) -> None:
    assessment = _json(runner, NATIONAL)
    rule = assessment.rule("SDG1072-PD3.5")
    assert rule is not None
    result = runner.invoke(main, ["explain", NATIONAL, "SDG1072-PD3.5", "--lang", "en", *FIXED])
    assert result.exit_code == 0, result.output
    assert f"Outcome: {rule.outcome.replace('_', ' ')}" in result.output
    assert "NSA.6 = yes and NSA.10 = yes" in result.output
    for answer in rule.answers:
        assert answer.question in result.output
    as_json = json.loads(runner.invoke(main, ["explain", NATIONAL, "SDG1072-PD3.5", "--json", *FIXED]).output)
    assert as_json["outcome"] == rule.outcome and as_json["weight"] == rule.weight
    unknown = runner.invoke(main, ["explain", NATIONAL, "NOPE-01"])
    assert unknown.exit_code == 2


def test_rules_list_and_show(runner: CliRunner) -> None:
    listing = runner.invoke(main, ["rules", "list", "--json"])
    assert listing.exit_code == 0
    ids = {row["id"] for row in json.loads(listing.output)}
    assert {"GCM-WOG-01", "O23-C-01", "SDG-17.16-01", "SDG1072-PD3.1"} <= ids
    shown = runner.invoke(main, ["rules", "show", "SDG1072-PD3.1", "--lang", "fr"])
    assert shown.exit_code == 0
    assert "Plein crédit si\u202f: WOG.1 = yes" in shown.output and "Créer, par décret" in shown.output
    assert runner.invoke(main, ["rules", "show", "NOPE-01"]).exit_code == 2


def test_tailoring_disables_reweights_and_waives_with_expiry(runner: CliRunner) -> None:
    plain = _json(runner, CITY)
    tailored = _json(runner, CITY, "--tailoring", str(DATA / "tailoring_city.yaml"))
    assert {p.id for p in tailored.packs} == {"gcm-guiding-principles", "gcm-objective-23", "sdg-17"}
    assert tailored.rule("GCM-NS-02") is None and plain.rule("GCM-NS-02") is not None
    reweighted = tailored.rule("GCM-WOS-01")
    assert reweighted is not None and reweighted.weight == 5 and reweighted.base_weight != 5
    waived = tailored.rule("GCM-HR-02")
    assert waived is not None and waived.outcome == "waived" and waived.waiver is not None and waived.waiver.active
    expired = tailored.rule("GCM-GR-02")
    assert (
        expired is not None and expired.outcome != "waived" and expired.waiver is not None and not expired.waiver.active
    )
    assert any(w.code == "exception-expired" and "GCM-GR-02" in w.message for w in tailored.warnings)
    assert [c.kind for c in tailored.tailoring] == ["select", "disable", "weight", "exception", "exception"]
    hr = next(g for p in tailored.packs for g in p.groups if g.id == "human-rights")
    counted = [r for r in tailored.rules if r.group == "human-rights" and r.outcome not in ("waived", "not_applicable")]
    assert hr.applicable_weight == sum(r.weight for r in counted)


def test_bad_tailoring_file_lists_every_problem_with_its_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", CITY, "--tailoring", str(DATA / "tailoring_bad.yaml")])
    assert result.exit_code == 1
    assert "tailoring_bad.yaml:7: error: exceptions[0].justification" in result.output
    assert "tailoring_bad.yaml:9: error: exceptions[0].expires" in result.output


def test_bad_tailoring_ids_are_located(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "packs: [gcm-guiding-principles, no-such-pack]\ndisable:\n  - {rule: GCM-XX-99, justification: Not a rule in any pack.}\n"
    )
    result = runner.invoke(main, ["score", CITY, "--tailoring", str(path)])
    assert result.exit_code == 1
    assert "t.yaml:1: error: packs[1]: pack 'no-such-pack' is not available" in result.output
    assert "t.yaml:3: error: disable[0].rule: rule 'GCM-XX-99' is not in the selected packs" in result.output


def test_custom_pack_adds_its_rules(runner: CliRunner) -> None:
    assessment = _json(runner, CITY, "--pack", str(DATA / "custom_pack.yaml"))
    rule = assessment.rule("CITY-WOS-01")
    assert rule is not None and rule.pack_id == "city-extra"
    assert any(p.id == "city-extra" for p in assessment.packs)


def test_a_saved_result_of_a_custom_pack_reads_its_texts_from_that_pack_only(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    pack = str(DATA / "custom_pack.yaml")
    runner.invoke(main, ["score", CITY, "--pack", pack, "--format", "json", "-o", str(saved), *FIXED])
    without = runner.invoke(main, ["report", str(saved), "-o", str(tmp_path / "a.pdf")])
    assert without.exit_code == 1 and "city-extra" in without.output and "--pack" in without.output
    assert not (tmp_path / "a.pdf").exists()
    with_pack = runner.invoke(main, ["report", str(saved), "--pack", pack, "-o", str(tmp_path / "b.pdf")])
    assert with_pack.exit_code == 0, with_pack.output


def test_invalid_custom_pack_names_file_line_and_rule(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", CITY, "--pack", str(DATA / "custom_pack_bad.yaml")])
    assert result.exit_code == 1
    assert (
        "custom_pack_bad.yaml:12: error: rules[0].when: rule CITY-01: question LOC.99 does not exist" in result.output
    )


def test_a_pack_that_would_overload_the_engine_is_rejected_not_run(runner: CliRunner, tmp_path: Path) -> None:
    texts = "{met: {en: a, fr: a, es: a}, not_met: {en: b, fr: b, es: b}, recommendation: {en: c, fr: c, es: c}, rationale: {en: d, fr: d, es: d}}"
    rules = "".join(
        f"  - {{id: BIG-{i:03d}, group: whole-of-government, weight: 1, when: {{q: STA.1, gte: {i}}}, texts: {texts}}}\n"
        for i in range(70)
    )
    path = tmp_path / "big.yaml"
    path.write_text(
        "id: big-pack\nversion: 0.1.0\nquestionnaire: {id: mipat-partnerships, version: 1.1.0}\nscored_by: principles\n"
        "bands: sdg-10-7-2\ntitle: {en: Big, fr: Gros, es: Grande}\ndescription: {en: Big, fr: Gros, es: Grande}\nrules:\n"
        + rules
    )
    result = runner.invoke(main, ["score", CITY, "--pack", str(path)])
    assert result.exit_code == 1
    assert "the rules engine cannot run this pack safely" in result.output
    assert "STA.1" in result.output


def test_schema_command_prints_the_published_schema(runner: CliRunner) -> None:
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    assert result.output == (ROOT / "assessment" / "assessment.schema.json").read_text()


SCORABLE = [
    *sorted((ROOT / "examples").glob("*.yaml")),
    *(DATA / name for name in ("draft_minimal.yaml", "draft_minimal.json", "hidden_answer.yaml", "yes_no_words.yaml")),
]


@pytest.mark.parametrize("example", SCORABLE, ids=lambda p: p.name)
def test_explain_renders_every_rule_of_every_example_and_test_response(example: Path, runner: CliRunner) -> None:
    """Multiple-choice answers (lists of codes) once crashed explain: every rule, every answer type, every language."""
    from mipat.assessment.provenance import Clock
    from mipat.assessment.scoring import Scorer
    from mipat.reports.text_summary import render_explanation

    assessment = Scorer().score_file(example, Clock.fixed_or_now("2026-01-31"))
    for rule in assessment.rules:
        for lang in ("en", "fr", "es"):
            assert rule.rule_id in render_explanation(assessment, rule, lang)  # type: ignore[arg-type]
        text = render_explanation(assessment, rule, assessment.language)  # type: ignore[arg-type]
        for answer in rule.answers:
            if isinstance(answer.value, list) and answer.value and isinstance(answer.value[0], str):
                assert all(code in text for code in answer.value)
    first = assessment.rules[0].rule_id
    result = runner.invoke(main, ["explain", str(example), first, *FIXED])
    assert result.exit_code == 0 and first in result.output, result.output


def test_explain_prints_the_codes_of_a_multiple_choice_answer(runner: CliRunner) -> None:
    result = runner.invoke(main, ["explain", NATIONAL, "GCM-IC-05", *FIXED])
    assert result.exit_code == 0, result.output
    assert "GCM-IC-05" in result.output and "built-in" not in result.output
