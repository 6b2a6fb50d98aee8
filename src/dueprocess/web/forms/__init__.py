"""Forms parse and render input; the services decide whether it is acceptable.

A form checks only shape (a number is a number, a choice is on the list). Whatever the rules of
procedure say — reasons required, sanction outside the guideline, panel not complete — comes
back from the service as a ``DomainError`` and is pinned to the field it names by
``show_domain_error``, so the person sees it next to what they typed, with nothing lost.
"""

from __future__ import annotations

from typing import Any

from django import forms

from dueprocess.errors import DomainError


def show_domain_error(
    form: forms.Form, error: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """Attach ``error`` to ``form``: each named field gets its message, the rest goes on top."""
    placed = False
    for name, message in error.fields.items():
        field = (aliases or {}).get(name, name)
        if field in form.fields and field not in form.errors:
            form.add_error(field, message)
            placed = True
    if not placed or error.message not in " ".join(error.fields.values()):
        form.add_error(None, error.message)


class Form(forms.Form):
    """A form whose labels read as plain text (no trailing colon)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})
