"""Bad input against every route: arbitrary unicode, control characters, invalid UTF-8 bodies,
huge strings, deep nesting, wrong types, extra fields, enormous or repeated country lists, with
the admin token and without. The only answers allowed: 2xx, or 4xx with a JSON `detail`."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from tests_support import ADMIN, FUZZ, is_json_error, leaks, make_world

from serving.app import create_app

COUNTRY_NAMES = ["Japan", "China", "the U.S.", "USA", "Peru", "Narnia", "", " ", "Côte d'Ivoire", "日本"]
LABEL_NAMES = ["supportive", "concerned", "silent", "meh", ""]
POST_ROUTES = ["/v1/stance", "/v1/stance/batch", "/v1/labels", "/v1/corrections", "/v1/review/documents", "/v1/review/skip",
               "/v1/timeline", "/v1/retrain", "/v1/model/rollback"]
GET_ROUTES = ["/", "/healthz", "/readyz", "/metrics", "/v1/model", "/v1/models", "/v1/labels/stats", "/v1/labels/export",
              "/v1/labels/1/history", "/v1/review/next", "/docs", "/openapi.json"]
FAILED = "failed"  # tally key prefix: (FAILED, kind) counts the cases of `kind` that failed
AUTH = [ADMIN, {}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}]

# Every code point, surrogates and control characters included.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)
huge_text = st.builds(lambda unit, n: unit * n, st.sampled_from(["Japan welcomed it. ", "\x00", "é", "\u202e"]), st.integers(10_000, 120_000))
texts = st.one_of(any_text, huge_text, st.sampled_from(["Japan welcomed the accord.", "", "   ", "\ud800 Japan \udfff"]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
countries = st.one_of(
    st.lists(st.sampled_from(COUNTRY_NAMES) | any_text, max_size=8),
    st.builds(lambda name, n: [name] * n, st.sampled_from(COUNTRY_NAMES), st.integers(2, 5000)),  # duplicates, enormous lists
    json_values,
)
spans = st.lists(st.lists(st.integers(-10, 10_000), max_size=3), max_size=3)
label_example = st.one_of(
    st.fixed_dictionaries({"text": texts, "labels": st.dictionaries(st.sampled_from(COUNTRY_NAMES) | any_text, st.sampled_from(LABEL_NAMES) | json_values, max_size=4)},
                          optional={"mentions": st.dictionaries(st.sampled_from(COUNTRY_NAMES), spans, max_size=2), "cases": json_values,
                                    "id": json_values, "source": json_values, "extra": json_values}),
    json_values,
)
with_extra = st.dictionaries(st.text(max_size=8), json_values, max_size=2)
BODIES = {
    "/v1/stance": st.fixed_dictionaries({"text": texts | json_values}, optional={"countries": countries, "include_mentions": json_values}),
    "/v1/stance/batch": st.fixed_dictionaries({"documents": st.lists(st.fixed_dictionaries(
        {"id": texts | json_values, "text": texts | json_values}, optional={"countries": countries}), max_size=6) | json_values},
        optional={"include_mentions": json_values}),
    "/v1/labels": st.fixed_dictionaries({"examples": st.lists(label_example, max_size=5) | json_values}),
    "/v1/corrections": st.fixed_dictionaries(
        {"text": texts | json_values, "labels": st.dictionaries(st.sampled_from(COUNTRY_NAMES) | any_text, st.sampled_from(LABEL_NAMES) | json_values, max_size=4) | json_values},
        optional={"development": texts | json_values, "model_version": texts | json_values}),
    "/v1/review/documents": st.fixed_dictionaries({"documents": st.lists(st.fixed_dictionaries(
        {"id": texts | json_values, "text": texts | json_values}, optional={"countries": countries, "development": texts | json_values}), max_size=4) | json_values}),
    "/v1/review/skip": st.fixed_dictionaries({"items": st.lists(st.integers(-2**70, 2**70) | json_values, max_size=5) | json_values}),
    "/v1/timeline": st.fixed_dictionaries({"id": texts | json_values, "text": texts | json_values},
                                          optional={"date": texts | json_values, "countries": countries}) | json_values,
    "/v1/retrain": st.fixed_dictionaries({}, optional={"force": json_values}),
    "/v1/model/rollback": json_values,
}


def deep(depth: int, kind: str) -> bytes:
    return ("[" * depth + "]" * depth if kind == "list" else '{"a":' * depth + "1" + "}" * depth).encode()


@pytest.fixture(scope="module")
def service(tiny_checkpoint, tiny_config, tiny_data, tmp_path_factory, reliability_record):
    """A service with the admin token, whose retraining jobs are stand-ins that exit at once
    (the fuzzing is of the routes, not of training). Yields the client and a tally of cases."""
    world = make_world(tmp_path_factory.mktemp("fuzz"), tiny_checkpoint, tiny_config, tiny_data)
    tally = Counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("serving.retrain_runner.job_command", lambda job: ["true"])
        with TestClient(create_app(world.settings), raise_server_exceptions=False) as client:
            yield client, world, tally
    for kind in sorted(k for k in tally if isinstance(k, str)):
        reliability_record.add("bad_input", surface="HTTP", kind=kind, cases=tally[kind], failures=tally[FAILED, kind])


def parses_as_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:  # includes invalid UTF-8
        return False
    return True


def check(service, kind: str, response, errors_only: bool = False) -> None:
    """The answer is a JSON 4xx (or, unless `errors_only`, a 2xx) and leaks no path."""
    client, world, tally = service
    status = response.status_code
    allowed = (not errors_only and 200 <= status < 300) or (400 <= status < 500 and is_json_error(response))
    tally[kind] += 1
    tally[FAILED, kind] += not allowed or bool(leaks(response, world.root))
    assert allowed, (status, response.text[:500])
    assert leaks(response, world.root) == [], response.text[:500]


@FUZZ
@given(route=st.sampled_from(POST_ROUTES), auth=st.sampled_from(AUTH), data=st.data())
def test_structured_bodies_with_wrong_types_extra_fields_and_odd_text_get_2xx_or_a_json_4xx(service, route, auth, data):
    body = data.draw(BODIES[route])
    if isinstance(body, dict) and data.draw(st.booleans()):
        body = {**body, **data.draw(with_extra)}
    # Lone surrogates cannot be UTF-8 encoded: they travel as JSON \\u escapes, as a browser sends them.
    content = json.dumps(body, ensure_ascii=True, allow_nan=True).encode()
    check(service, "structured JSON bodies (wrong types, extra fields, odd text, huge and repeated country lists)",
          service[0].post(route, content=content, headers={**auth, "content-type": "application/json"}))


@FUZZ
@given(text=st.builds(lambda before, after: f"{before} Japan welcomed it, China objected. {after}", any_text, any_text) | any_text,
       countries=st.none() | st.lists(st.sampled_from(COUNTRY_NAMES) | any_text, max_size=3))
@example(text="\ud800 Japan welcomed it \udfff.", countries=None)  # lone surrogates: were a 500
@example(text="Japan\x00 welcomed\u202e it.\r\n\x1b[31m", countries=["Japan", "Japan"])
def test_any_text_in_a_well_formed_request_gets_2xx_or_a_json_4xx(service, text, countries):
    documents = {"id": text[:200], "text": text, **({"countries": countries} if countries is not None else {})}
    for route, body in (
        ("/v1/stance", {"text": text, **({"countries": countries} if countries is not None else {})}),
        ("/v1/stance/batch", {"documents": [documents]}),
        ("/v1/labels", {"examples": [{"text": text, "labels": {"Japan": "supportive"}, "source": text[:20]}]}),
    ):
        check(service, "any text (control characters, surrogates, bidi) in well-formed requests",
              service[0].post(route, content=json.dumps(body).encode(), headers={**ADMIN, "content-type": "application/json"}))


@FUZZ
@given(route=st.sampled_from(POST_ROUTES), auth=st.sampled_from(AUTH), raw=st.binary(max_size=400))
def test_arbitrary_bytes_as_the_body_including_invalid_utf8_get_a_json_4xx(service, route, auth, raw):
    # Bytes that are not JSON at all must be refused; an empty body is valid where the body is
    # optional (retrain), and bytes that happen to parse are the structured tests' business.
    check(service, "raw bytes bodies (invalid UTF-8, truncated JSON)",
          service[0].post(route, content=raw, headers={**auth, "content-type": "application/json"}),
          errors_only=bool(raw.strip()) and not parses_as_json(raw))


@FUZZ
@given(route=st.sampled_from(POST_ROUTES), auth=st.sampled_from(AUTH), depth=st.integers(1, 200_000), kind=st.sampled_from(["list", "dict"]))
def test_deeply_nested_json_gets_a_json_4xx(service, route, auth, depth, kind):
    check(service, "deeply nested JSON (up to 200,000 levels)",
          service[0].post(route, content=deep(depth, kind), headers={**auth, "content-type": "application/json"}), errors_only=True)


@FUZZ
@given(route=st.sampled_from(GET_ROUTES + POST_ROUTES), method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
       query=st.dictionaries(st.text(max_size=10), st.text(max_size=50), max_size=3))
def test_every_route_with_any_method_and_query_gets_2xx_or_a_json_4xx(service, route, method, query):
    check(service, "every route, any method and query string", service[0].request(method, route, params=query, headers=ADMIN))


@FUZZ
@given(segment=any_text, prefix=st.sampled_from(["/v1/retrain/", "/static/", "/v1/", "/"]))
def test_arbitrary_path_segments_get_2xx_or_a_json_4xx(service, segment, prefix):
    from urllib.parse import quote

    path = prefix + quote(segment.encode("utf-8", "surrogatepass"), safe="")
    check(service, "arbitrary path segments (job ids, static files)", service[0].get(path))
