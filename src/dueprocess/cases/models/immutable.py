"""Rows that are written once and never changed: the ORM refuses, and a trigger backs it up."""

from __future__ import annotations

from typing import Any

from django.db import models


class ImmutableError(RuntimeError):
    pass


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} rows cannot be changed once written")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError(f"{type(self).__name__} rows cannot be deleted")
