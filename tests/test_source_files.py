"""Reading untrusted YAML and JSON: hostile files end in a clear, located error, never a hang or a crash."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import MAX_BYTES, MAX_DEPTH, parse_json, parse_yaml, read_document


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_document(path)
    return info.value


def test_values_keep_the_line_they_were_written_on(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("a: 1\nanswers:\n  WOG.1: yes\n  WOG.2:\n    value: no\n")
    doc = read_document(path)
    assert doc.line_of(("answers", "WOG.1")) == 3
    assert doc.line_of(("answers", "WOG.2", "value")) == 5
    assert doc.line_of(("answers", "WOG.9")) == 2  # falls back to the nearest located parent


def test_yes_no_on_off_stay_text_and_only_true_false_are_booleans() -> None:
    doc = parse_yaml("a: yes\nb: no\nc: NO\nd: on\ne: true\nf: false\ng: 2021-03-04\n", "t.yaml")
    assert doc.data == {"a": "yes", "b": "no", "c": "NO", "d": "on", "e": True, "f": False, "g": "2021-03-04"}


def test_alias_bomb_is_refused_before_anything_expands(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"a{i}: &a{i} [*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1}]" for i in range(1, 10)
    ]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    err = _error(path)
    assert err.problems[0].code == "yaml-syntax"
    assert "aliases" in err.problems[0].message
    assert err.problems[0].line == 2


def test_python_object_tags_are_not_constructed(tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text("answers:\n  RS.2: !!python/object/apply:os.system ['echo pwned']\n")
    err = _error(path)
    assert err.problems[0].code == "yaml-tag"
    assert err.problems[0].line == 2


def test_duplicate_keys_are_an_error_instead_of_losing_an_answer(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("answers:\n  WOG.1: yes\n  WOG.1: no\n")
    err = _error(path)
    assert err.problems[0].code == "duplicate-key"
    assert err.problems[0].line == 3
    json_path = tmp_path / "dup.json"
    json_path.write_text('{"answers": {"WOG.1": "yes", "WOG.1": "no"}}')
    assert _error(json_path).problems[0].code == "json-syntax"


def test_deeply_nested_yaml_and_json_are_refused(tmp_path: Path) -> None:
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("[" * 100_000 + "]" * 100_000)
    assert _error(deep_yaml).problems[0].code in {"yaml-syntax", "too-deep"}
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 100_000 + "]" * 100_000)
    assert _error(deep_json).problems[0].code == "too-deep"
    nested = {"x": None}
    for _ in range(MAX_DEPTH + 5):
        nested = {"x": nested}
    assert _error_text(json.dumps(nested)).problems[0].code == "too-deep"


def _error_text(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_json(text, "t.json")
    return info.value


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.seek(50 * 1024 * 1024)
        handle.write(b"\n")
    err = _error(path)
    assert err.problems[0].code == "too-large"
    assert str(MAX_BYTES) in err.problems[0].message


def test_binary_and_non_utf8_files_are_named_as_such(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("answers:\n  RS.2: Minist\xe8re\n".encode("latin-1"))
    err = _error(latin1)
    assert err.problems[0].code == "not-utf8"
    assert err.problems[0].line == 2
    binary = tmp_path / "junk.yaml"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04")
    assert _error(binary).problems[0].code in {"binary", "not-utf8"}


def test_missing_file_and_directory_give_clear_errors(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.yaml").problems[0].code == "not-found"
    assert _error(tmp_path).problems[0].code == "not-a-file"


def test_syntax_errors_carry_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("answers:\n  WOG.1: [yes\n  WOG.2: no\n")
    err = _error(path)
    assert err.problems[0].code == "yaml-syntax"
    assert err.problems[0].line is not None


def test_json_values_are_located_too(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{\n  "answers": {\n    "WOG.1": "yes"\n  }\n}\n')
    assert read_document(path).line_of(("answers", "WOG.1")) == 3


HOSTILE_SCRIPT = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (768 * 1024 * 1024, 768 * 1024 * 1024))
    from pathlib import Path
    from mipat.questionnaires.problems import InputError
    from mipat.questionnaires.validation import validate_file
    report = validate_file(Path(sys.argv[1]))
    assert not report.ok, report
    print(report.errors[0].code)
    """
)


@pytest.mark.parametrize(
    "name, content",
    [
        ("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(f"b{i}: [*a, *a, *a, *a]\n" for i in range(30))),
        ("wide.yaml", "answers: [" + "1," * 2_000_000 + "1]\n"),
        ("deep.json", "[" * 500_000 + "]" * 500_000),
        ("long.yaml", "answers:\n  RS.2: " + "x" * (4 * 1024 * 1024) + "\n"),
    ],
    ids=["alias-bomb", "two-million-values", "half-million-deep-json", "four-megabyte-answer"],
)
def test_hostile_files_end_in_an_error_within_bounded_memory(tmp_path: Path, name: str, content: str) -> None:
    """Each file is validated in a child process capped at 768 MB of address space."""
    path = tmp_path / name
    path.write_text(content)
    result = subprocess.run(
        [sys.executable, "-c", HOSTILE_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against hangs, not a speed requirement
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()
