"""The staff page for a dossier: upload, a preview that writes nothing, then the import."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from dueprocess.cases.models import Case, Dossier

CSV = (
    b"respondent_name,category,summary,unit\n"
    b'Rex Example,other_conduct,"=HYPERLINK(""http://evil.example"",""x"")",complaints\n'
    b"Mina Example,other_conduct,Shouted at a meeting.,complaints\n"
)


def test_upload_preview_then_confirm(world, signed_in):
    intake = signed_in("intake")
    assert intake.get("/dossiers/import/").status_code == 200
    upload = SimpleUploadedFile("d.csv", CSV, content_type="text/csv")
    preview = intake.post("/dossiers/import/", {"file": upload, "encoding": ""})
    html = preview.content.decode()
    assert preview.status_code == 200, html
    assert html.count("a case is opened") == 2
    assert "2 of 2 respondents are not members" in html
    assert not Case.objects.exists()
    data = re.search(r'name="previewed" value="([^"]+)"', html).group(1)
    done = intake.post(
        "/dossiers/import/", {"previewed": data, "filename": "d.csv", "encoding": ""}
    )
    assert done.status_code == 302
    assert Case.objects.filter(source="dossier").count() == 2
    assert Dossier.objects.get().filename == "d.csv"
    # sent again: refused, nothing more written
    again = intake.post(
        "/dossiers/import/", {"previewed": data, "filename": "d.csv", "encoding": ""}
    )
    assert again.status_code == 422 and "already imported as dossier" in again.content.decode()
    assert Case.objects.count() == 2


def test_a_bad_row_is_shown_and_cannot_be_confirmed(world, signed_in):
    intake = signed_in("intake")
    bad = CSV.replace(b"Mina Example,other_conduct", b"Mina Example,gossip")
    upload = SimpleUploadedFile("d.csv", bad, content_type="text/csv")
    html = intake.post("/dossiers/import/", {"file": upload}).content.decode()
    assert "problem: category: Unknown category" in html
    assert 'name="previewed"' not in html
    tampered = intake.post("/dossiers/import/", {"previewed": "not base64!", "encoding": ""})
    assert tampered.status_code == 422
    assert not Case.objects.exists()


def test_only_those_who_may_import_see_the_page(world, signed_in):
    assert signed_in("investigator").get("/dossiers/import/").status_code == 403
