"""When and by which mipat a result was made: the clock (fixed for reproducible runs) and the tool version."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from mipat.questionnaires.problems import InputError, worded


@dataclass(frozen=True)
class Clock:
    """When the assessment is made: fixed for reproducible runs, else now (UTC)."""

    moment: dt.datetime

    @classmethod
    def fixed_or_now(cls, fixed: str | None = None) -> Clock:
        if fixed:
            return cls(_parse_moment(fixed))
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return cls(_epoch_moment(epoch))
        return cls(dt.datetime.now(tz=dt.UTC).replace(microsecond=0))

    @property
    def iso(self) -> str:
        return self.moment.isoformat().replace("+00:00", "Z")


# Moments a report can stamp: PDF dates and every later conversion stay within years 1000-9998 in UTC.
_EARLIEST = dt.datetime(1000, 1, 2, tzinfo=dt.UTC)
_LATEST = dt.datetime(9998, 12, 30, tzinfo=dt.UTC)


def _epoch_moment(epoch: str) -> dt.datetime:
    """SOURCE_DATE_EPOCH as the reproducible-builds convention defines it: whole seconds since 1970, UTC."""
    start = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    if re.fullmatch(r"[0-9]{1,12}", epoch.strip()) and int(epoch) <= (_LATEST - start).total_seconds():
        return start + dt.timedelta(seconds=int(epoch))
    raise InputError(worded("cli_bad_epoch", value=repr(epoch)))


def _parse_moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(worded("cli_bad_date", value=repr(text))) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if not _EARLIEST <= moment <= _LATEST:
        raise InputError(worded("cli_date_range", value=repr(text)))
    return moment


def tool_version() -> str:
    # The package's own constant, not its installed metadata: importlib.metadata costs 35 ms per command.
    from mipat import __version__

    return __version__
