"""The subject access export as one ZIP file: machine-readable JSON, the proof bundles, and a
self-contained HTML summary for people.

The same request over the same records gives the same bytes: members are written in a fixed
order with a fixed time stamp, JSON with sorted keys. The summary is rendered by the project's
templates, so every value in it is escaped.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string

#: The format named in ``data.json`` (documented in ``docs/privacy.md``).
FORMAT = "dueprocess.subject-access/v1"
#: Every member's time stamp: the export's own time is in ``data.json``.
STAMP = (1980, 1, 1, 0, 0, 0)


def as_json(value: Any) -> bytes:
    return (json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def summary_html(context: dict[str, Any]) -> bytes:
    return render_to_string("privacy/subject_access_summary.html", context).encode()


def write_zip(members: dict[str, bytes]) -> bytes:
    """The members, by name, in name order, deflated, each stamped ``STAMP``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()
