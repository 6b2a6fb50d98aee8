"""A right-to-left override in someone's text is shown, never obeyed."""

from __future__ import annotations

from dueprocess.cases.models import Case
from dueprocess.lib.bidi import BIDI_CONTROLS, shown, shown_in_utf8
from tests.world import World

TRICK = "abc\u202egnp.exe"


def test_every_direction_control_is_made_visible():
    for char in BIDI_CONTROLS:
        assert shown(f"a{char}b") == f"a[U+{ord(char):04X}]b"
        assert shown_in_utf8(f"a{char}b".encode()) == f"a[U+{ord(char):04X}]b".encode()
    assert shown("שלום abc é") == "שלום abc é"  # right-to-left text itself is left alone


def test_a_case_page_shows_the_override_instead_of_obeying_it(world: World, signed_in):
    case = world.case_at("triage")
    Case.objects.filter(pk=case.pk).update(summary=f"Attachment {TRICK}")
    html = signed_in("intake").get(f"/cases/{case.reference}/").content.decode()
    assert "abc[U+202E]gnp.exe" in html
    assert not any(char in html for char in BIDI_CONTROLS)
    assert Case.objects.get(pk=case.pk).summary == f"Attachment {TRICK}"
