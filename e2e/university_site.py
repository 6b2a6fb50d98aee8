"""A university organisation for the hearing-and-appeal walk, built in a scratch data directory.

Run as ``python -m e2e.university_site`` with a scratch environment after ``dueprocess init``.
It builds the test world's university organisation (the same personas, roles and training the
service tests use), gives every person the walk signs in as an authenticator (the demo's way:
a secret derived from the persona key), moves one case through the real services to its
conduct panel, and prints what the browser needs as JSON: the case reference and, per persona,
e-mail, TOTP key and account id.
"""

from __future__ import annotations

import json
import os

#: Who the walk may sign in as. The appeal panel's members, and those of the panel that decides
#: again after a veto, exist from the start, so that each draw has a pool of people who took no
#: part in the case so far. Five are qualified to chair (a key ending ``_chair``): the first
#: panel is appointed with one, and a draw may seat up to three in its chair and lay seats, so
#: the draw after the veto always has one left to chair it.
SIGNING_IN = (
    "case_manager",
    "panel_chair",
    "panel_b",
    "panel_c",
    "panel_spare",
    "appeal_chair",
    "appeal_b",
    "appeal_c",
    "redo_chair",
    "redo_b",
    "redo_c",
    "reserve_chair",
    "standby_chair",
    "reviewer",
    "oversight",
)


def build() -> dict[str, object]:
    from dueprocess.demo.personas import enrol_mfa
    from tests.world import build_world

    world = build_world("university")
    drawn = ("appeal_chair", "appeal_b", "appeal_c", "redo_chair", "redo_b", "redo_c")
    for key in (*drawn, "reserve_chair", "standby_chair"):
        world.people[key] = world.add_person(key, "panel_member")
    case = world.case_at("conduct_panel")
    people = {}
    for key in SIGNING_IN:
        user = world.people[key]
        enrol_mfa(user, f"university-{key}")
        people[key] = {"email": user.email, "totp": f"university-{key}", "id": user.pk}
    return {"reference": case.reference, "people": people, "password": "PASSWORD"}


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    django.setup()
    from tests.world import PASSWORD

    built = build()
    built["password"] = PASSWORD
    print(json.dumps(built))


if __name__ == "__main__":
    main()
