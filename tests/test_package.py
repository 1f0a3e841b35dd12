"""How mipat installs and starts: one import name, commands that load only what they use, a safe cache."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mipat.questionnaires import bundled_cache

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_only_the_mipat_package(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("mipat-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"mipat"}
    # Every file of the package folders ships: a folder missing from pyproject's list would install
    # a mipat that fails on import (it happened with reports/sections).
    package_folders = ("assessment", "portfolio", "questionnaires", "reports", "rules")
    sources = {
        "mipat/" + path.relative_to(ROOT).as_posix()
        for folder in package_folders
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    sources |= {"mipat/__init__.py", "mipat/cli.py", "mipat/api.py"}
    assert sorted(sources - set(names)) == []
    assert not any(name.startswith("mipat/tests/") for name in names)


@pytest.mark.parametrize(
    ("args", "never"),
    [
        (["--help"], ("reportlab", "durable_rules_engine", "pydantic", "yaml")),
        (["validate", str(ROOT / "examples" / "city-es.yaml")], ("reportlab", "durable_rules_engine", "PIL")),
        (["rules", "list"], ("reportlab",)),
    ],
)
def test_commands_import_only_the_libraries_they_use(args: list[str], never: tuple[str, ...]) -> None:
    script = (
        "import sys\nfrom mipat.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    loaded = eval(out.split("LOADED", 1)[1])  # a printed list literal
    assert not set(never) & set(loaded)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MIPAT_CACHE_DIR", str(folder))
    monkeypatch.delenv("MIPAT_NO_CACHE", raising=False)
    return folder


def test_the_cache_returns_what_was_built_until_a_source_changes(cache_home: Path, tmp_path: Path) -> None:
    source = bundled_cache.PACKAGE_ROOT / "rules" / "data" / "bands.yaml"
    calls = []

    def build() -> dict:
        calls.append(1)
        return {"built": len(calls)}

    assert bundled_cache.cached("probe", [source], build) == {"built": 1}
    assert bundled_cache.cached("probe", [source], build) == {"built": 1} and len(calls) == 1
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"
    other = bundled_cache.PACKAGE_ROOT / "rules" / "data" / "metrics.yaml"
    assert bundled_cache.cached("probe", [other], build) == {"built": 2}


def test_a_cache_another_user_could_write_is_never_read(cache_home: Path) -> None:
    source = bundled_cache.PACKAGE_ROOT / "rules" / "data" / "bands.yaml"
    bundled_cache.cached("probe", [source], lambda: "honest")
    (entry,) = cache_home.glob("probe-*.pickle")
    entry.write_bytes(pickle.dumps("planted"))
    assert bundled_cache.cached("probe", [source], lambda: "rebuilt") == "planted"  # our own file: trusted
    os.chmod(entry, 0o666)
    assert bundled_cache.cached("probe", [source], lambda: "rebuilt") == "rebuilt"
    os.chmod(cache_home, 0o777)
    assert bundled_cache.cache_dir() is None


def test_a_corrupt_cache_entry_is_rebuilt_not_fatal(cache_home: Path) -> None:
    source = bundled_cache.PACKAGE_ROOT / "rules" / "data" / "bands.yaml"
    bundled_cache.cached("probe", [source], lambda: [1, 2, 3])
    (entry,) = cache_home.glob("probe-*.pickle")
    entry.write_bytes(b"\x80\x05 truncated")
    assert bundled_cache.cached("probe", [source], lambda: [4]) == [4]
