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


def _preview(client, content: bytes, encoding: str = ""):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("d.csv", content, content_type="text/csv")
    return client.post("/dossiers/import/", {"file": upload, "encoding": encoding})


def test_latin1_is_refused_unless_named_and_a_bom_is_read(world, signed_in):
    intake = signed_in("intake")
    text = "respondent_name,category,summary,unit\nZoë Example,other_conduct,Said so.,complaints\n"
    refused = _preview(intake, text.encode("latin-1"))
    assert refused.status_code == 422
    assert "looks like Latin-1" in refused.content.decode()
    named = _preview(intake, text.encode("latin-1"), "latin-1")
    assert named.status_code == 200 and "a case is opened" in named.content.decode()
    with_bom = _preview(intake, "\ufeff".encode() + text.encode())
    assert with_bom.status_code == 200 and "a case is opened" in with_bom.content.decode()
    assert not Case.objects.exists()  # previews write nothing


def test_a_missing_column_and_10000_rows_are_refused_with_a_clear_message(world, signed_in):
    intake = signed_in("intake")
    missing = _preview(intake, b"respondent_name,category\nRex Example,other_conduct\n")
    html = missing.content.decode()
    assert missing.status_code == 422
    assert "Nothing was imported" in html and "missing column(s): summary" in html
    line = b"Quentin Outsider,other_conduct,Comment under a video.,complaints\n"
    big = b"respondent_name,category,summary,unit\n" + line * 10_000
    refused = _preview(intake, big)
    assert refused.status_code == 422
    assert "Import at most 5000 rows at a time" in refused.content.decode()
    assert 'name="previewed"' not in refused.content.decode()
    assert not Case.objects.exists() and not Dossier.objects.exists()


def test_a_repeated_line_is_a_row_problem_and_the_file_cannot_be_confirmed(world, signed_in):
    intake = signed_in("intake")
    line = b"Mina Example,other_conduct,Shouted at a meeting.,complaints\n"
    html = _preview(intake, b"respondent_name,category,summary,unit\n" + line * 2).content.decode()
    assert "The same complaint as row 1." in html
    assert 'name="previewed"' not in html
    assert not Case.objects.exists()
