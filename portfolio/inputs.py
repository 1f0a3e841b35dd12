"""Which files a batch scores, in which order, under which output name, and which shard runs them."""

from __future__ import annotations

import glob
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from mipat.questionnaires.problems import MipatError
from mipat.questionnaires.safe_text import display_name

RESPONSE_SUFFIXES = (".yaml", ".yml", ".json")
MAX_ID_LENGTH = 80
# Output files of the batch itself live beside the per-response folders, never inside them, and
# these names are kept away from response ids anyway so a listing is never ambiguous.
_RESERVED = {"summary", "errors", "portfolio", "results", "reports"}
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


class BatchUsageError(MipatError):
    """Bad batch options or inputs that match nothing (a usage error, exit code 2)."""

    exit_code = 2


class BatchWorkerError(MipatError):
    """Worker processes cannot start at all (exit code 1): nothing could be scored."""

    exit_code = 1


@dataclass(frozen=True)
class BatchInput:
    """One response file of a batch: where it is, how it is shown, and the id its outputs are named by."""

    path: Path
    display: str
    id: str


def collect_inputs(specs: list[str]) -> list[BatchInput]:
    """Files, folders (searched recursively for .yaml, .yml and .json) and glob patterns, each file once.

    The order is sorted by path, so ids, shards and outputs do not depend on how the shell or the
    file system happened to list them.
    """
    if not specs:
        raise BatchUsageError("no inputs: give response files, folders or glob patterns")
    found: dict[str, Path] = {}
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            matches = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RESPONSE_SUFFIXES]
        elif path.exists() or path.is_symlink():
            matches = [path]
        elif glob.has_magic(spec):
            matches = [Path(p) for p in glob.glob(spec, recursive=True) if not Path(p).is_dir()]
        else:
            matches = [path]  # reported as not found, per file, like any other unreadable input
        if not matches and (path.is_dir() or glob.has_magic(spec)):
            raise BatchUsageError(f"{spec}: matches no response file (.yaml, .yml or .json)")
        for match in matches:
            found.setdefault(str(match), match)
    paths = [found[key] for key in sorted(found)]
    ids = unique_ids([p.stem for p in paths])
    return [BatchInput(path=p, display=display_name(p), id=i) for p, i in zip(paths, ids, strict=True)]


def safe_id(text: str) -> str:
    """A file-name-safe form of `text`: letters, digits, `.`, `-` and `_` only, never hidden or a device name."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._-")
    text = text[:MAX_ID_LENGTH].rstrip("._-") or "response"
    if text.lower() in _RESERVED or text.split(".")[0].lower() in _WINDOWS_DEVICES:
        text = f"response_{text}"
    return text


def unique_ids(stems: list[str]) -> list[str]:
    """Safe ids for `stems`, in order; a repeat (compared without case) gets `-2`, `-3`, …"""
    taken: set[str] = set()
    ids = []
    for stem in stems:
        base = safe_id(stem)
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate.lower())
        ids.append(candidate)
    return ids


def parse_shard(text: str) -> tuple[int, int]:
    """`i/n` with 1 ≤ i ≤ n, as given to an array job (`--shard 3/8`)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise BatchUsageError(f"--shard {text!r}: expected i/n with 1 <= i <= n, e.g. 2/8")
    return int(match.group(1)), int(match.group(2))


def shard(inputs: list[BatchInput], index: int, count: int) -> list[BatchInput]:
    """Every `count`-th input starting at `index` (1-based): shards are disjoint, cover all, and balance."""
    return inputs[index - 1 :: count]
