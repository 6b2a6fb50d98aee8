"""A party's letters on their own page: a letter's PDF, downloaded with the receipt's session.

Thin: ``parties.letters.party_letter_pdf`` decides (the party gate) and records the download;
a letter to the other party, or of another case, is the same 404 as a letter that does not
exist, and the attempt is on the record.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from dueprocess.errors import NotFound
from dueprocess.parties.letters import letter_filename, party_letter_pdf
from dueprocess.web.views.public import _party_access


@require_GET
def party_letter(request: HttpRequest, letter_id: int) -> HttpResponse:
    access = _party_access(request)
    if access is None:
        return redirect("web:receipt")
    try:
        letter = party_letter_pdf(access=access, letter_id=letter_id)
    except NotFound:
        raise Http404("No such letter.") from None
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(letter)}"'
    return response
