"""Writing output files without ever clobbering what a user wrote."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mipat.questionnaires.problems import MipatError, worded


class OutputExistsError(MipatError):
    """The output file exists and --force was not given (a usage error, exit code 2)."""

    exit_code = 2


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it into place.

    A crash or a full disk leaves the old file intact; an existing file is replaced only with force.
    """
    if path.exists() and not force:
        raise OutputExistsError(worded("cli_file_exists", path=str(path)))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
