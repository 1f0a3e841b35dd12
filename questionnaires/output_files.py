"""Writing output files without ever clobbering what a user wrote, or leaving half a file behind.

On Linux the content is written to an anonymous file (`O_TMPFILE`) that has no name until it is
complete, so a SIGKILL at any moment leaves nothing behind; it is then linked into place. Without
`--force` the link itself is the existence check (it fails if the name exists), so two writers
racing for the same name cannot both succeed. With `--force` it gets a hidden name beside the target
for the instant before the rename that replaces the old file atomically. Where `O_TMPFILE` is not
available the same steps run on a named temporary file, removed on any exception or SIGTERM.

Only regular files are written: a device, a FIFO, a socket or a folder given as output is refused,
and a symbolic link is followed (never replaced) only with `--force`. New files get the mode the
umask allows; a replaced file keeps its mode and, where permitted, its owner.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from pathlib import Path

from mipat.questionnaires.problems import MipatError, Problem, worded


class OutputExistsError(MipatError):
    """The output file exists and --force was not given (a usage error, exit code 2)."""

    exit_code = 2


class OutputError(MipatError):
    """An output cannot be written: no such folder, not a regular file, read-only, full (exit code 4)."""

    exit_code = 4


STDOUT = "-"  # `-o -`: standard output


def is_stdout(path: Path | str | None) -> bool:
    return path is not None and str(path) == STDOUT


def check_output(path: Path, *, force: bool = False) -> Path:
    """The file that writing `path` will create or replace, checked before any work is done."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise _os_error(path, exc) from None
    if status is not None and stat.S_ISLNK(status.st_mode):
        if not force:
            raise OutputExistsError(worded("cli_file_exists", path=str(path)))
        return check_output(Path(os.path.realpath(path)), force=True)  # written through, never replaced
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise _error(path, "output_not_regular")
    if status is not None and not force:
        raise OutputExistsError(worded("cli_file_exists", path=str(path)))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise _error(path, "output_no_folder", folder=str(folder))
    return path


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write `data` to `path` completely or not at all; an existing file is replaced only with force."""
    if is_stdout(path):
        payload = data.encode("utf-8") if isinstance(data, str) else data
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    target = check_output(path, force=force)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write(target, payload, force=force)
    except FileExistsError:  # another writer created it after the check
        raise OutputExistsError(worded("cli_file_exists", path=str(path))) from None
    except OSError as exc:
        raise _os_error(path, exc) from None


def _write(target: Path, payload: bytes, *, force: bool) -> None:
    folder = str(target.parent) if str(target.parent) else "."
    try:
        fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o666)
    except (AttributeError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            raise
        _write_named(target, payload, force=force)
        return
    folder_fd = None
    try:
        _fill(fd, payload, target)
        # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N names the anonymous file; Python calls linkat
        # rather than link only when given a directory fd.
        anonymous = f"/proc/self/fd/{fd}"
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        if not force:
            os.link(anonymous, target.name, dst_dir_fd=folder_fd, follow_symlinks=True)  # fails if it exists
            return
        hidden = _hidden_name(target)
        os.link(anonymous, hidden.name, dst_dir_fd=folder_fd, follow_symlinks=True)
        try:
            os.replace(hidden, target)
        except BaseException:
            hidden.unlink(missing_ok=True)
            raise
    finally:
        os.close(fd)
        if folder_fd is not None:
            os.close(folder_fd)


def _write_named(target: Path, payload: bytes, *, force: bool) -> None:
    hidden = _hidden_name(target)
    fd = os.open(hidden, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        try:
            _fill(fd, payload, target)
        finally:
            os.close(fd)
        if force:
            os.replace(hidden, target)
        else:
            os.link(hidden, target)  # fails if the name exists: no race
    finally:
        hidden.unlink(missing_ok=True)


def _fill(fd: int, payload: bytes, target: Path) -> None:
    """Write everything, keep a replaced file's mode and owner, and reach the disk before the link."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]
    with contextlib.suppress(FileNotFoundError):
        old = target.stat()
        os.fchmod(fd, stat.S_IMODE(old.st_mode))
        with contextlib.suppress(PermissionError):
            os.fchown(fd, old.st_uid, old.st_gid)
    os.fsync(fd)


def _hidden_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def _error(path: Path, key: str, **values: str) -> OutputError:
    message = worded(key, **values)
    return OutputError(message, [Problem.from_words("output", message, file=str(path))])


def _os_error(path: Path, exc: OSError) -> MipatError:
    if exc.errno == errno.EEXIST:
        return OutputExistsError(worded("cli_file_exists", path=str(path)))
    return _error(path, "output_os_error", reason=exc.strerror or type(exc).__name__)
