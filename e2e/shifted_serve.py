"""``dueprocess serve`` with the services' clock moved forward by a number of days read from a
file, so that a browser test can let a notice period or a review period pass without waiting.

Only the services' clock (``dueprocess.lib.clock.now``) moves; sign-in, sessions and
authenticator codes keep real time. The file (``$DUEPROCESS_DATA_DIR/../clock-shift-days``)
holds a whole number of days and may change while the server runs; the clock only moves
forward, as real time does.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path


def shift_file(data_dir: Path) -> Path:
    """Where the shift of the server using ``data_dir`` is kept (beside the directory)."""
    return data_dir.parent / "clock-shift-days"


def main() -> int:
    from dueprocess.cli import main as cli
    from dueprocess.lib import clock

    real_now = clock.now
    shift = shift_file(Path(os.environ["DUEPROCESS_DATA_DIR"]))

    def shifted_now() -> dt.datetime:
        days = int(shift.read_text()) if shift.exists() else 0
        return real_now() + dt.timedelta(days=days)

    clock.now = shifted_now  # type: ignore[assignment]
    return cli(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
