"""A per-user cache of the bundled questionnaire, catalogue, packs and strings, as loaded models.

Parsing and validating the bundled YAML costs several hundred milliseconds on every command;
unpickling the result costs a few. The cache is an optimisation only, so every doubt means
"build from the YAML": the key is a SHA-256 of the source files *and* of mipat's own code (a
model changed without a data change must not revive stale objects), and a cache file is used only
from a directory and a file owned by the current user that nobody else can write, opened without
following symlinks, because unpickling runs code and must never read what another user wrote.
Set MIPAT_NO_CACHE=1 to bypass it, MIPAT_CACHE_DIR to move it (default: $XDG_CACHE_HOME/mipat).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
_CODE_FOLDERS = (
    "",
    "questionnaires",
    "questionnaires/forms",
    "rules",
    "assessment",
    "reports",
    "reports/sections",
    "portfolio",
)


@cache
def _code_digest() -> bytes:
    digest = hashlib.sha256(f"{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    for folder in _CODE_FOLDERS:
        for path in sorted((PACKAGE_ROOT / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def cache_dir() -> Path | None:
    """The cache folder, created private if missing; None when caching is off or the folder is not safe."""
    if os.environ.get("MIPAT_NO_CACHE"):
        return None
    configured = os.environ.get("MIPAT_CACHE_DIR")
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(base) / "mipat"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    return folder if _private(info, stat.S_ISDIR) else None


def _private(info: os.stat_result, kind: Callable[[int], bool]) -> bool:
    return kind(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022


def cached(name: str, sources: Sequence[Path], build: Callable[[], T], extra: Sequence[str] = ()) -> T:
    """`build()`, or the object it returned last time for the same sources, the same `extra` key
    parts (e.g. the SHA-256 of the user's own packs) and the same mipat code."""
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(_code_digest())
    for path in sorted(sources):
        digest.update(str(path.relative_to(PACKAGE_ROOT)).encode() + b"\0" + path.read_bytes())
    for part in extra:
        digest.update(b"\1" + part.encode())
    target = folder / f"{name}-{digest.hexdigest()[:32]}.pickle"
    found = _read(target)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    _write(folder, target, value)
    return value


def _read(target: Path) -> object | None:
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not _private(os.fstat(handle.fileno()), stat.S_ISREG):
                return None
            return pickle.loads(handle.read())
    except Exception:  # a truncated or stale pickle is rebuilt, never fatal
        return None


def _write(folder: Path, target: Path, value: object) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise
    except (OSError, pickle.PicklingError):
        pass  # a cache that cannot be written only costs speed


@cache
def bundled_sources() -> tuple[Path, ...]:
    """Every bundled data file: any change to one rebuilds every cached object (they cross-check each other)."""
    return tuple(
        sorted(
            path
            for folder in ("questionnaires/data", "rules/data", "rules/packs", "reports/data")
            for path in (PACKAGE_ROOT / folder).rglob("*.yaml")
        )
    )


def cached_bundled(name: str, build: Callable[[], T], extra: Sequence[str] = ()) -> T:
    return cached(name, bundled_sources(), build, extra)
