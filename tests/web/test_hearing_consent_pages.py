"""The case page's answers to a hearing's recording: the form keeps each answer and lists it
under the hearing; recording the hearing without everyone's consent is refused beside the
field, naming who."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dueprocess.cases.models import HearingRecord
from dueprocess.evidence.models import Consent
from dueprocess.lib import clock
from tests.hearings.test_recording_consents import OTHER, scheduled
from tests.signing_in import signer_in
from tests.world import World


def test_answers_are_kept_from_the_page_and_a_recording_without_them_is_refused(
    university: World,
):
    case, hearing = scheduled(university)
    base = f"/cases/{case.reference}"
    manager = signer_in(university)("case_manager")
    page = manager.get(f"{base}/").content.decode()
    assert f'action="{base}/hearings/consents/"' in page
    when = timezone.localtime(clock.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "hearing_consent-hearing": hearing.pk,
        "hearing_consent-person": OTHER,
        "hearing_consent-answer": "refused",
        "hearing_consent-scope": "Audio only",
        "hearing_consent-given_at": when,
    }
    done = manager.post(f"{base}/hearings/consents/", form)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert Consent.objects.get(hearing=hearing).answer == "refused"
    page = manager.get(f"{base}/").content.decode()
    assert "Answers to the recording" in page and f"{OTHER}: refused (Audio only)" in page
    blank = manager.post(f"{base}/hearings/consents/", form | {"hearing_consent-person": ""})
    assert blank.status_code == 422 and Consent.objects.filter(hearing=hearing).count() == 1
    with clock.frozen(hearing.starts_at + dt.timedelta(hours=2)):
        chair = signer_in(university)("panel_chair")
        refused = chair.post(
            f"{base}/hearings/record/",
            {
                "hearing_record-hearing": hearing.pk,
                "hearing_record-respondent_attended": "no",
                "hearing_record-account": "Heard.",
                "hearing_record-outcome": "Later.",
                "hearing_record-recording_made": "on",
                "hearing_record-others_present": OTHER,
            },
        )
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "needs the recorded consent of each person present" in text and OTHER in text
    assert not HearingRecord.objects.filter(hearing=hearing).exists()
