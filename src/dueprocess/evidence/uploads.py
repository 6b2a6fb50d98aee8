"""An upload handler that keeps files in memory only, and at most a bounded number of bytes.

Django's default handlers spill uploads over 2.5 MB to a clear temporary file on disk; evidence
must never be on disk unencrypted, so every upload is held in memory. Beyond
``EVIDENCE_UPLOAD_CAP`` bytes the rest is read and dropped: the file then holds ``cap + 1``
bytes, which is enough for the service to refuse it as over the limit without holding it all.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


def upload_cap() -> int:
    return int(getattr(settings, "EVIDENCE_UPLOAD_CAP", 64 * 1024 * 1024))


class BoundedMemoryUpload(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.kept = 0
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.seen += len(raw_data)
        room = upload_cap() + 1 - self.kept
        if room > 0:
            part = raw_data[:room]
            self.buffer.write(part)
            self.kept += len(part)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.kept,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
