"""Never a traceback, never a lost, leaked or clobbered file (issue 11; reliability review F5-F8, F13,
F16-F19, F25). Every case runs the real command line in a subprocess, as a user would."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mipat.questionnaires.output_files import OutputExistsError, write_atomic
from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import parse_json, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city-es.yaml"
FRENCH = ROOT / "examples" / "national-origin-fr.yaml"
DATE = "2026-01-31"
DOCUMENTED_EXIT_CODES = {0, 1, 2, 3, 4}


def mipat(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mipat.cli", *args],
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def assert_one_clean_error(run: subprocess.CompletedProcess[bytes], code: int, *words: str) -> str:
    err = run.stderr.decode("utf-8", "replace") + run.stdout.decode("utf-8", "replace")  # validate reports on stdout
    assert "Traceback" not in err, err
    assert run.returncode == code, (run.returncode, err)
    for word in words:
        assert word in err, err
    return err


# --- a corpus of hostile inputs: one located line and a documented exit code each ---------------------


def corpus(tmp: Path) -> list[tuple[str, list[str], dict[str, str], int, tuple[str, ...]]]:
    """(name, arguments, environment, exit code, words the error must contain)."""
    loop = tmp / "loop.yaml"
    loop.symlink_to(loop.name)
    fifo = tmp / "fifo.yaml"
    os.mkfifo(fifo)
    (tmp / "file").write_text("x")
    long_name = "a" * 300 + ".yaml"
    pack = (ROOT / "tests" / "data" / "custom_pack.yaml").read_text(encoding="utf-8")
    big = pack.replace("id: city-extra", "id: big").replace(
        "    when: {all: [{q: NSA.1, in: [involved, co_implementing]}, {q: NSA.2, eq: yes}]}",
        "    when: {q: STA.1, gte: 100000000000000000000}",
    )
    (tmp / "big.yaml").write_text(big, encoding="utf-8")
    (tmp / "no-packs.yaml").write_text("packs: []\n")
    return [
        ("symlink loop", ["validate", str(loop)], {}, 1, ("loop.yaml", "symbolic links")),
        ("FIFO, not blocking", ["validate", str(fifo)], {}, 1, ("fifo.yaml", "regular file")),
        ("path through a file", ["score", str(tmp / "file" / "x.yaml")], {}, 1, ("Not a directory",)),
        ("name too long", ["validate", str(tmp / long_name)], {}, 1, ("too long",)),
        ("output folder missing", ["score", str(CITY), "-o", str(tmp / "none" / "r.json")], {}, 4, ("does not exist",)),
        ("output name too long", ["score", str(CITY), "-o", str(tmp / long_name)], {}, 4, ("too long",)),
        ("output is a device", ["score", str(CITY), "-o", "/dev/null", "--force"], {}, 4, ("regular file",)),
        ("output is a folder", ["report", str(CITY), "-o", str(tmp), "--force"], {}, 2, ("is a directory",)),
        ("SOURCE_DATE_EPOCH=abc", ["score", str(CITY)], {"SOURCE_DATE_EPOCH": "abc"}, 1, ("SOURCE_DATE_EPOCH",)),
        ("SOURCE_DATE_EPOCH=1.5", ["score", str(CITY)], {"SOURCE_DATE_EPOCH": "1.5"}, 1, ("SOURCE_DATE_EPOCH",)),
        ("SOURCE_DATE_EPOCH huge", ["score", str(CITY)], {"SOURCE_DATE_EPOCH": "99999999999999"}, 1, ("9998",)),
        (
            "earliest fixed date",
            ["report", str(CITY), "-o", str(tmp / "early.pdf"), "--fixed-date", "0001-01-01T00:00:00+14:00"],
            {},
            1,
            ("--fixed-date",),
        ),
        (
            "latest fixed date",
            ["report", str(CITY), "-o", str(tmp / "late.pdf"), "--fixed-date", "9999-12-31T23:59:59-12:00"],
            {},
            1,
            ("--fixed-date",),
        ),
        ("tailoring packs: []", ["score", str(CITY), "--tailoring", str(tmp / "no-packs.yaml")], {}, 1, ("no pack",)),
        ("pack number too big", ["score", str(CITY), "--pack", str(tmp / "big.yaml")], {}, 1, ("big.yaml:", "2**53")),
    ]


def test_no_hostile_input_ends_in_a_traceback(tmp_path: Path) -> None:
    for name, args, env, code, words in corpus(tmp_path):
        run = mipat(*args, env=env, timeout=30)  # a FIFO opened for reading would block: the timeout says so
        err = assert_one_clean_error(run, code, *words)
        assert code in DOCUMENTED_EXIT_CODES, name
        assert len(err.strip().splitlines()) <= 4, (name, err)  # a located line (or click's usage), not a dump


def test_a_terminal_that_cannot_show_a_character_gets_an_escape_not_a_crash() -> None:
    run = mipat("score", str(FRENCH), "--fixed-date", DATE, env={"PYTHONIOENCODING": "latin-1"})
    assert run.returncode == 0 and b"Traceback" not in run.stderr
    assert b"\\u2013" in run.stdout or b"\\u202f" in run.stdout  # characters latin-1 lacks, escaped


def test_an_undecodable_file_name_is_recorded_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.yaml")
    Path(name).write_bytes(CITY.read_bytes())
    out = tmp_path / "r.json"
    run = mipat("score", name, "--format", "json", "-o", str(out), "--fixed-date", DATE)
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["input_file"].endswith("/\\xff\\xfe.yaml")


def test_a_file_name_cannot_forge_a_result_line(tmp_path: Path) -> None:
    """Review F25: a name holding a newline printed a fake 'valid final response' line."""
    forged = tmp_path / "ok.yaml: valid final response (118 answers, 8 partnerships)\n  z"
    forged.write_text(FRENCH.read_text(encoding="utf-8").replace("  WOG.11: partial", "  WOG.11: NO"))
    run = mipat("validate", str(forged), "--lang", "en")
    assert run.returncode == 1
    lines = run.stdout.decode().splitlines()
    assert "\\x0a" in lines[0] and "INVALID" in lines[0]
    assert not any(line.startswith("  z") for line in lines)


# --- output files ------------------------------------------------------------------------------


def test_new_files_follow_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    """Review F5: every output was made 0644, whatever the umask or the replaced file's mode."""
    private = tmp_path / "private.json"
    old = os.umask(0o077)
    try:
        write_atomic(private, "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    shared = tmp_path / "shared.json"
    shared.write_text("old")
    shared.chmod(0o640)
    write_atomic(shared, "new", force=True)
    assert shared.read_text() == "new" and stat.S_IMODE(shared.stat().st_mode) == 0o640


def test_a_symlink_is_followed_only_with_force_and_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    with pytest.raises(OutputExistsError):
        write_atomic(link, "new")
    write_atomic(link, "new", force=True)
    assert link.is_symlink() and target.read_text() == "new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to("missing.json")
    with pytest.raises(OutputExistsError):
        write_atomic(dangling, "x")
    assert not (tmp_path / "missing.json").exists()


def test_dash_writes_to_standard_output(tmp_path: Path) -> None:
    scored = mipat("score", str(CITY), "--format", "json", "-o", "-", "--fixed-date", DATE)
    assert scored.returncode == 0 and json.loads(scored.stdout)["overall_index"] is not None
    assert not (ROOT / "-").exists()
    report = mipat("report", str(CITY), "-o", "-", "--fixed-date", DATE)
    assert report.returncode == 0 and report.stdout.startswith(b"%PDF-") and report.stdout.rstrip().endswith(b"%%EOF")
    assert b"Traceback" not in report.stderr and report.stderr  # the summary line goes to stderr


def _race(path: str, text: str, barrier: Callable[[], object], results: mp.Queue) -> None:  # type: ignore[type-arg]
    barrier()
    try:
        write_atomic(Path(path), text)
        results.put(text)
    except OutputExistsError:
        results.put("refused")


def test_two_writers_without_force_never_both_succeed(tmp_path: Path) -> None:
    """Review F6: exists() then rename let both writers 'succeed', one silently replacing the other."""
    context = mp.get_context("fork")
    for round_ in range(20):
        path = tmp_path / f"race-{round_}.json"
        barrier = context.Barrier(2)
        results = context.Queue()
        workers = [context.Process(target=_race, args=(str(path), text, barrier.wait, results)) for text in ("A", "B")]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        outcomes = sorted(results.get(timeout=5) for _ in workers)
        assert outcomes in (["A", "refused"], ["B", "refused"]), outcomes
        assert path.read_text() == next(o for o in outcomes if o != "refused")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_killing_a_writer_at_any_moment_leaves_the_whole_file_or_nothing(tmp_path: Path) -> None:
    """Review F8: SIGKILL or SIGTERM left hidden temporary files behind in 19 of 40 runs."""
    rng = random.Random(20260131)
    commands = [
        (["report", str(FRENCH), "--fixed-date", DATE], ".pdf"),
        (["score", str(FRENCH), "--format", "json", "--fixed-date", DATE], ".json"),
    ]
    complete = {}
    for args, suffix in commands:
        reference = tmp_path / f"reference{suffix}"
        assert mipat(*args, "-o", str(reference)).returncode == 0
        complete[suffix] = reference.read_bytes()
    folder = tmp_path / "k"
    folder.mkdir()
    for round_ in range(50):
        args, suffix = commands[round_ % 2]
        target = folder / f"out{suffix}"
        process = subprocess.Popen(
            [sys.executable, "-m", "mipat.cli", *args, "-o", str(target), "--force"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        time.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL if round_ % 4 < 2 else signal.SIGTERM)
        process.wait(30)
        left = sorted(p.name for p in folder.iterdir())
        assert left in ([], [target.name]), (round_, left)
        if left:
            assert target.read_bytes() == complete[suffix], round_
            target.unlink()


def test_without_o_tmpfile_a_named_temporary_gives_the_same_promises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filesystems without O_TMPFILE: exclusive creation, replacement with force, nothing left over."""
    monkeypatch.delattr(os, "O_TMPFILE")
    path = tmp_path / "r.json"
    write_atomic(path, "first")
    with pytest.raises(OutputExistsError):
        write_atomic(path, "second")
    write_atomic(path, "third", force=True)
    assert path.read_text() == "third" and sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('RS.2: "\\e[2J\\e]0;owned\\a Koranga"\n', "U+001B"),
        ('RS.2: "nul \\0 here"\n', "U+0000"),
        ('RS.2: "\\x9b31m"\n', "U+009B"),
        ('RS.2: "Gov \\uD800"\n', "escape"),  # libyaml refuses it; PyYAML's own reader lets it through
        ('"RS.\\uD800": x\n', "escape"),
    ],
)
def test_control_characters_written_as_yaml_escapes_are_refused_like_raw_ones(text: str, code: str) -> None:
    """Review F4 and F12: escapes let terminal sequences and lone surrogates through validation."""
    with pytest.raises(InputError) as caught:
        parse_yaml("x: 1\n" + text, "esc.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 2 and code in problem.message


@pytest.mark.parametrize("escape", ["\\u001b[2J", "\\u0000", "\\ud800"])
def test_control_characters_written_as_json_escapes_are_refused(escape: str) -> None:
    for text in (f'{{"a": "x {escape}"}}', f'{{"a{escape}": 1}}'):
        with pytest.raises(InputError, match="U\\+"):
            parse_json(text, "esc.json")


def test_a_flood_of_problems_is_listed_up_to_a_bound_and_counted_beyond() -> None:
    """Review F24: 470,000 invalid choices took 865 MB and printed 108 MB."""
    from mipat.questionnaires.validation import MAX_PROBLEMS, validate_document

    text = "questionnaire: {id: mipat-partnerships, version: 1.0.0}\nstatus: draft\nanswers:\n"
    text += "  RS.9: [" + ", ".join(["bogus"] * 5000) + "]\n"
    report = validate_document(parse_yaml(text, "flood.yaml"))
    assert not report.ok and len(report.problems) == MAX_PROBLEMS
    assert report.error_count == 5000 and report.unlisted_errors == 5000 - len(report.errors)
