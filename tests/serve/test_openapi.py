"""The OpenAPI description: it validates as OpenAPI 3.1, and every documented route answers what it documents."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.testclient import TestClient

from hotpapers.jobs.serve import create_app
from hotpapers.serve._openapi import openapi

from helpers.serving import WITH_CODE, Published

EXAMPLES: dict[str, list[str]] = {
    "/api/v1": ["/api/v1"],
    "/api/v1/days": ["/api/v1/days", "/api/v1/days?preset=default&limit=2&offset=1"],
    "/api/v1/digests/{date}": ["/api/v1/digests/2021-04-19", "/api/v1/digests/latest?preset=default&has_code=true",
                               "/api/v1/digests/2021-04-19?category=cs&keyword=speech&limit=2",
                               "/api/v1/digests/2021-04-20", "/api/v1/digests/2021-04-19?limit=0"],
    "/api/v1/views/week/{date}": ["/api/v1/views/week/2021-04-19", "/api/v1/views/week/2020-01-01"],
    "/api/v1/views/month/{month}": ["/api/v1/views/month/2021-04?has_code=1", "/api/v1/views/month/2019-04"],
    "/api/v1/views/range": ["/api/v1/views/range?from=2021-01-15&to=2021-04-19&limit=5", "/api/v1/views/range"],
    "/api/v1/views/rising": ["/api/v1/views/rising?hours=1000", "/api/v1/views/rising?week=2021-04-19",
                             "/api/v1/views/rising?hours=-1"],
    "/api/v1/papers/{id}": [f"/api/v1/papers/{WITH_CODE}", "/api/v1/papers/2002.00001"],
    "/api/v1/search": ["/api/v1/search?q=learning&limit=3", "/api/v1/search?q=speech&has_code=true",
                       "/api/v1/search"],
}
"""Requests of each documented route, answering each of 200, 400 and 404 where the route can."""


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The description as served."""
    return openapi()


def test_description_is_valid_openapi_31(client: TestClient) -> None:
    """/openapi.json validates as an OpenAPI 3.1 document (openapi-spec-validator)."""
    served = orjson.loads(client.get("/openapi.json").content)
    assert served["openapi"].startswith("3.1")
    validate(served)


def test_every_documented_route_has_examples(spec: dict[str, Any]) -> None:
    """Each path of the description is exercised below (and nothing undocumented is)."""
    assert set(spec["paths"]) == set(EXAMPLES)


def _validator(spec: dict[str, Any], ref: str) -> Draft202012Validator:
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:hotpapers-api", resource)
    return Draft202012Validator({"$ref": f"urn:hotpapers-api{ref}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("route", sorted(EXAMPLES))
def test_answers_match_the_description(client: TestClient, spec: dict[str, Any], route: str) -> None:
    """Every example answers a documented status, and its body validates against that status's schema."""
    documented = spec["paths"][route]["get"]["responses"]
    for url in EXAMPLES[route]:
        answer = client.get(url)
        status = str(answer.status_code)
        assert status in documented, (url, status)
        media = answer.headers["content-type"].split(";")[0]
        schema = documented[status]["content"][media]["schema"]["$ref"]
        errors = list(_validator(spec, schema).iter_errors(orjson.loads(answer.content)))
        assert not errors, (url, [e.message for e in errors[:3]])


CROSS_CHECKED = {"/api/v1/views/range", "/api/v1/views/rising"}
"""Routes whose parameters constrain each other (from <= to; one of date, from/to, week), which OpenAPI cannot say:
a schema-valid request there may be a 400, so schemathesis's "valid data is accepted" check is left out for them."""


def test_schemathesis_finds_no_failure(published: Published) -> None:
    """Schemathesis's generated requests against every route: no server error, every answer conforms."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(published.db))
    failures = []
    for operation in schema.get_all_operations():
        op = operation.ok()
        excluded = [positive_data_acceptance] if op.path in CROSS_CHECKED else []

        def make(excluded: list[Any], op: Any = op) -> Any:
            @settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
            @given(op.as_strategy())
            def check(case: Any) -> None:
                case.call_and_validate(excluded_checks=excluded)

            return check

        try:
            make(excluded)()
        except Exception as e:  # every operation's failure, reported together
            failures.append(f"{op.method} {op.path}: {str(e)[:600]}")
    assert not failures, "\n".join(failures)
