"""When and by which mipat a result was made: the clock (fixed for reproducible runs) and the tool version."""

from __future__ import annotations

import datetime as dt
import os
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
            return cls(dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC))
        return cls(dt.datetime.now(tz=dt.UTC).replace(microsecond=0))

    @property
    def iso(self) -> str:
        return self.moment.isoformat().replace("+00:00", "Z")


def _parse_moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(worded("cli_bad_date", value=repr(text))) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def tool_version() -> str:
    # The package's own constant, not its installed metadata: importlib.metadata costs 35 ms per command.
    from mipat import __version__

    return __version__
