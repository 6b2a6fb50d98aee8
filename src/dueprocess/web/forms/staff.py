"""The staff pages' forms: accounts, dated roles and training for the account administrator;
a declaration of interest by each member of staff, and its review by the head of complaints.

They check shape only (a date is a date, a role is on the list). Whether the change may be made
— who may make it, a role ending before it starts, separation of duties, one's own declaration —
is the accounts services' to say, and comes back pinned to the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms

from dueprocess.accounts.models import ROLE_CHOICES, InterestDeclaration, ReviewOutcome, User
from dueprocess.web.forms import Form, text_area


def _date(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
    )


class AddStaffForm(Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="They set their password through the password-reset e-mail, then their own"
        " two-factor sign-in.",
    )


class GrantRoleForm(Form):
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)
    unit = forms.ChoiceField(label="Unit", required=False)
    starts_on = _date("From", help_text="Leave empty for today.")
    ends_on = _date("Until", help_text="Leave empty for no end date.")

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = person.organisation.units.order_by("name") if person.organisation else []
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [("", "Whole organisation")] + [(u.slug, u.name) for u in units]


class EndRoleForm(Form):
    ends_on = _date("Last day", required=True)


class TrainingForm(Form):
    course = forms.CharField(label="Course", max_length=120)
    completed_on = _date("Completed on", required=True)
    expires_on = _date("Expires on", help_text="Leave empty if it does not expire.")


class DeactivateForm(Form):
    confirm = forms.BooleanField(
        label="Switch this account off now: every session and API token of theirs ends at once",
    )


class DeclareInterestForm(Form):
    kind = forms.ChoiceField(label="Kind of interest", choices=InterestDeclaration.Kind.choices)
    description = forms.CharField(
        label="Describe the interest", max_length=4000, widget=text_area()
    )
    member_number = forms.CharField(
        label="Membership number of the member concerned",
        required=False,
        max_length=40,
        help_text="If the interest concerns one member: their number in the register.",
    )
    starts_on = _date("Since", help_text="Leave empty if you do not know.")
    ends_on = _date("Until", help_text="Leave empty if it continues.")


class ReviewInterestForm(Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Reason",
        required=False,
        max_length=4000,
        widget=text_area(2),
        help_text="Required for a restriction: say what it is.",
    )
