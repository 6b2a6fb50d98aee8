"""The "open a case" form and the case search form."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone

from dueprocess.cases.filters import MAX_SEARCH
from dueprocess.cases.models import Case
from dueprocess.cases.services import AllegationInput, PartyInput
from dueprocess.lib.ids import new_token
from dueprocess.web.forms import Form, text_area

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

#: Service field names (left) shown on this form's fields (right).
OPEN_ALIASES = {"allegations[0].summary": "allegation", "allegations[0].source": "source_detail"}


class OpenCaseForm(Form):
    """A new complaint. The hidden ``idempotency_key`` is drawn once per blank form, so a
    double submission (or a retry after a lost response) opens one case, not two."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    unit = forms.TypedChoiceField(label="Unit", coerce=int)
    category = forms.ChoiceField(label="Category")
    source = forms.ChoiceField(
        label="Received by",
        choices=[c for c in Case.Source.choices if c[0] != Case.Source.PUBLIC],
    )
    received_on = forms.DateField(
        label="Date received",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today.",
    )
    summary = forms.CharField(label="Summary of the complaint", widget=text_area(4))
    complainant_name = forms.CharField(label="Complainant's name", required=False, max_length=200)
    complainant_email = forms.EmailField(label="Complainant's e-mail", required=False)
    complainant_member_number = forms.CharField(
        label="Complainant's membership number", required=False, max_length=40
    )
    complainant_anonymous = forms.BooleanField(
        label="The complainant wishes to remain anonymous", required=False
    )
    respondent_name = forms.CharField(label="Respondent's name", required=False, max_length=200)
    respondent_email = forms.EmailField(label="Respondent's e-mail", required=False)
    respondent_member_number = forms.CharField(
        label="Respondent's membership number", required=False, max_length=40
    )
    respondent_elected_office = forms.CharField(
        label="Elected office held by the respondent", required=False, max_length=200
    )
    allegation = forms.CharField(label="What is alleged", widget=text_area(3))
    occurred_on = forms.DateField(
        label="When it happened",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source_detail = forms.CharField(
        label="Where it happened or was seen", required=False, max_length=500
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", new_token())
        super().__init__(*args, **kwargs)
        organisation = actor.organisation
        units = list(organisation.units.order_by("name")) if organisation else []
        rules = organisation.rulebook.rules if organisation else None
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(u.pk, u.name) for u in units]
        cast(forms.ChoiceField, self.fields["category"]).choices = (
            [(k, c.label) for k, c in rules.categories.items()] if rules else []
        )

    def received_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("received_on")
        if day is None or day == timezone.localdate():
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))

    def party(self, role: str) -> PartyInput:
        data = self.cleaned_data
        return PartyInput(
            name=data[f"{role}_name"],
            email=data[f"{role}_email"],
            member_number=data[f"{role}_member_number"],
            anonymous=bool(data.get(f"{role}_anonymous")),
            elected_office=data.get(f"{role}_elected_office", ""),
        )

    def allegations(self) -> list[AllegationInput]:
        data = self.cleaned_data
        return [
            AllegationInput(
                summary=data["allegation"],
                occurred_on=data["occurred_on"],
                source=data["source_detail"],
            )
        ]


class _Offered(forms.ChoiceField):
    """A list of options whose check is left to ``cases.filters``: the API takes the same
    filters, and an unknown stage must be refused in the same words through both."""

    def valid_value(self, value: str) -> bool:
        return True


class SearchForm(Form):
    q = forms.CharField(
        label="Reference, name or member number",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": MAX_SEARCH}),
    )
    category = _Offered(label="Category", required=False)
    stage = _Offered(label="Stage", required=False)
    age = _Offered(label="Age", required=False)
    deadline = _Offered(label="Deadline", required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = [("", "Any"), *options]
