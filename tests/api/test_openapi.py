"""The OpenAPI document: 3.1, valid, and complete enough to build a client from."""

from __future__ import annotations

import pytest
from django.test import Client
from openapi_spec_validator import validate

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:  # type: ignore[type-arg]
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def operations(schema):  # type: ignore[no-untyped-def]
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_document_is_a_valid_openapi_3_1_document(schema):
    assert schema["openapi"].startswith("3.1")
    validate(schema)


def test_every_operation_has_a_summary_description_tags_and_a_unique_id(schema):
    ids = []
    for path, method, operation in operations(schema):
        assert operation["summary"] and operation["description"], (method, path)
        assert operation["tags"], (method, path)
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids)) >= 20


def test_every_operation_shows_an_example_of_what_comes_back(schema):
    for path, method, operation in operations(schema):
        successes = [r for code, r in operation["responses"].items() if code.startswith("2")]
        assert successes, (method, path)
        for response in successes:
            for media in response["content"].values():
                assert "example" in media, (method, path)


def test_every_body_has_an_example(schema):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            content = operation["requestBody"]["content"]
            kinds = list(content)
            assert kinds in (["application/json"], ["multipart/form-data"]), (method, path)
            assert "example" in content[kinds[0]], (method, path)


def test_every_error_response_is_a_problem(schema):
    for path, method, operation in operations(schema):
        errors = {c: r for c, r in operation["responses"].items() if c.startswith(("4", "5"))}
        assert errors, (method, path)
        for response in errors.values():
            media = response["content"]["application/problem+json"]
            assert media["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_protected_operations_name_their_scope_and_answer_401(schema):
    public = {
        ("get", "/api/v1/ledger/checkpoint"),
        ("get", "/api/v1/oversight/transparency/{quarter}"),
    }
    for path, method, operation in operations(schema):
        if (method, path) in public:
            assert "security" not in operation
            continue
        assert operation["security"][0].keys() == {"TokenAuth"}, (method, path)
        assert "401" in operation["responses"] and "403" in operation["responses"]
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]


def test_case_operations_document_the_404_that_hides_a_case(schema):
    for path, method, operation in operations(schema):
        if "{ref}" in path:
            assert "404" in operation["responses"], (method, path)


def test_the_workflow_is_linked_for_clients_that_follow_links(schema):
    created = schema["paths"]["/api/v1/cases"]["post"]["responses"]["201"]
    linked = {link["operationId"] for link in created["links"].values()}
    assert {"getCase", "takeStep", "addNote"} <= linked
    ids = {operation["operationId"] for _, _, operation in operations(schema)}
    for _, _, operation in operations(schema):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids


def test_every_example_fits_the_schema_it_illustrates(schema):
    from jsonschema import Draft202012Validator, FormatChecker

    def check(example, part, where):  # type: ignore[no-untyped-def]
        document = {**part, "components": schema["components"]}
        errors = list(
            Draft202012Validator(document, format_checker=FormatChecker()).iter_errors(example)
        )
        assert not errors, (where, [e.message for e in errors][:3])

    checked = 0
    for path, method, operation in operations(schema):
        bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
        for body in bodies:
            for media_type, media in body.get("content", {}).items():
                if "example" in media:
                    check(media["example"], media["schema"], (method, path, media_type))
                    checked += 1
    assert checked > 60


def test_every_bound_is_stated_in_json_schema_words(schema):
    """``minimum``/``maximum``, never pydantic's own ``ge``/``le``, which validators ignore —
    a bound a client cannot read is a bound the document does not state."""

    def keys(node, under_properties=False):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            for key, value in node.items():
                if not under_properties:
                    yield key
                yield from keys(value, key == "properties" and not under_properties)
        elif isinstance(node, list):
            for item in node:
                yield from keys(item)

    assert {"ge", "le", "gt", "lt"} & set(keys(schema)) == set()
