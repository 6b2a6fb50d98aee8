"""Forms for a case's panel: draw it by the rules, or appoint it by name with a reason.

Shape only: who is eligible and whether the seats are filled is for ``cases.services.panels``
to say. The appointment form offers each seat's eligible pool as a convenience, but takes any
account of the case's organisation: someone outside the pool (a member of the first-instance
panel, say) reaches the service, which refuses them with its reason and records the refusal.
"""

from __future__ import annotations

from typing import Any

from django import forms

from dueprocess.accounts.models import Organisation, User
from dueprocess.rulebook.schema import StagePanel
from dueprocess.web.forms import Form, text_area


class PanelDrawForm(Form):
    """No fields: the draw takes its inputs from the rulebook and the ledger."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "draw")
        super().__init__(*args, **kwargs)


class SeatField(forms.TypedMultipleChoiceField):
    """The seat's eligible pool as ticks; any account id is taken (the service decides)."""

    def valid_value(self, value: Any) -> bool:
        return True


class PanelAppointForm(Form):
    reason = forms.CharField(
        label="Why the panel is appointed by name, not drawn",
        max_length=2000,
        widget=text_area(2),
        help_text="Kept with the panel and counted on the oversight dashboard.",
    )

    def __init__(
        self,
        *args: Any,
        panel: StagePanel,
        pool: dict[str, list[User]],
        organisation: Organisation,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "appoint")
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.seat_keys = [seat.key for seat in panel.seats]
        for seat in panel.seats:
            self.fields[f"seat_{seat.key}"] = SeatField(
                label=f"{seat.label} ({seat.count})",
                coerce=int,
                choices=[(u.pk, u.full_name) for u in pool.get(seat.key, [])],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def members(self) -> dict[str, list[User]]:
        """Seat key -> the people ticked for it, among the organisation's accounts (an id of
        another organisation's is dropped, so the seat's count says what is missing; the
        service checks each person named)."""
        chosen = {key: self.cleaned_data.get(f"seat_{key}", []) for key in self.seat_keys}
        wanted = {pk for pks in chosen.values() for pk in pks}
        people = User.objects.filter(organisation=self.organisation).in_bulk(wanted)
        return {key: [people[pk] for pk in pks if pk in people] for key, pks in chosen.items()}
