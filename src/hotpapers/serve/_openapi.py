"""The OpenAPI 3.1 description of the read API (``GET /openapi.json``).

Written out here rather than generated, so that it says what the API promises, in the words of docs/api.md and
docs/json-dataset.md; ``tests/serve`` validates it and checks every documented route's answers against it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["openapi"]

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _null(kind: str | list[str], **more: Any) -> dict[str, Any]:
    kinds = kind if isinstance(kind, list) else [kind]
    return {"type": [*kinds, "null"], **more}


def _obj(props: dict[str, Any], *, optional: tuple[str, ...] = (), **more: Any) -> dict[str, Any]:
    """An object schema whose every property is required but ``optional``; other keys are allowed (added later)."""
    return {"type": "object", "required": [k for k in props if k not in optional], "properties": props, **more}


_TIME = {"type": "string", "format": "date-time"}
_DATE = {"type": "string", "format": "date"}
_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}

# fmt: off
_SCHEMAS: dict[str, Any] = {
    "Problem": _obj({
        "type": _STR, "title": _STR, "status": _INT, "detail": _STR,
    }, description="An error (RFC 9457 problem details)."),
    "Links": {
        "type": "object",
        "description": "Links to related resources: relative URLs, null where there is none.",
        "additionalProperties": _null("string"),
    },
    "PageLinks": _obj({
        "self": _STR, "first": _STR, "prev": _null("string"), "next": _null("string"),
    }, description="Links to the pages of a list (relative URLs; prev and next are null at either end)."),
    "Index": _obj({
        "name": _STR, "version": _STR, "dataset_schema_version": _INT, "default_preset": _STR,
        "presets": {"type": "array", "items": _STR},
        "latest": {"type": "object", "additionalProperties": _null("string", format="date")},
        "links": _ref("Links"),
    }),
    "Day": _obj({
        "date": _DATE,
        "presets": {"type": "array", "items": _STR, "description": "the presets a digest of the day is published with"},
        "links": _ref("Links"),
    }),
    "DayList": _obj({
        "days": {"type": "array", "items": _ref("Day")},
        "total": _INT, "limit": _INT, "offset": _INT, "links": _ref("PageLinks"),
    }),
    "Breakdown": _obj({"label": _STR, "value": _NUM, "kind": _STR}, optional=("kind",)),
    "Paper": _obj({
        "arxiv_id": _STR, "version": {"type": "integer", "minimum": 1}, "title": _STR,
        "authors": {"type": "array", "items": _STR}, "abstract": _STR, "primary_category": _STR,
        "categories": {"type": "array", "items": _STR}, "submitted": _null("string", format="date-time"),
        "updated": _null("string", format="date-time"), "comment": _null("string"), "journal_ref": _null("string"),
        "doi": _null("string"), "abs_url": _null("string"), "pdf_url": _null("string"), "html_url": _null("string"),
    }),
    "Engagement": _obj({
        "observed_at": _TIME, "reposts": _INT, "likes": _INT, "replies": _INT, "quotes": _INT,
        "extras": {"type": "object", "additionalProperties": _INT},
    }),
    "Link": _obj({"arxiv_id": _STR, "method": {"type": "string", "enum": ["url", "text", "source"]}}),
    "PostCommon": _obj({
        "platform": _STR, "post_id": _STR, "url": _STR, "author_handle": _STR, "author_name": _STR,
        "author_followers": _null("integer"), "text": _STR, "language": _null("string"), "created_at": _TIME,
        "kind": {"type": "string", "enum": ["original", "quote", "reply", "repost"]}, "references": _null("string"),
        "deleted": {"type": "boolean"}, "links": {"type": "array", "items": _ref("Link")},
    }),
    "RankedPost": {"allOf": [_ref("PostCommon"), _obj({"score": _NUM, "engagement": _ref("Engagement")})]},
    "Code": _obj({
        "url": _null("string"), "host": _null("string"), "found_in": _null("string"), "stars": _null("integer"),
        "stars_per_day": _null("number"), "stars_per_day_since": _null("string", format="date-time"),
        "observed_at": _null("string", format="date-time"),
    }),
    "Artifacts": _obj({
        "models": _null("integer"), "datasets": _null("integer"), "spaces": _null("integer"),
        "observed_at": _null("string", format="date-time"),
    }),
    "Citations": _obj({
        "count": _null("integer"), "influential": _null("integer"), "venue": _null("string"),
        "observed_at": _null("string", format="date-time"),
    }),
    "Summary": {
        "type": ["object", "null"],
        "required": ["text", "generator", "model", "prompt_version", "language", "created_at", "sources"],
        "properties": {
            "text": _STR, "generator": _STR, "model": _STR, "prompt_version": _STR, "language": _null("string"),
            "created_at": _TIME, "sources": {"type": "array", "items": _STR},
            "source_posts": {"type": "array", "items": _obj({
                "platform": _STR, "post_id": _STR, "url": _STR, "author_handle": _STR})},
            "claims": {"type": "array", "items": _obj({"text": _STR, "sources": {"type": "array", "items": _STR}})},
        },
    },
    "RankedPaper": _obj({
        "rank": {"type": "integer", "minimum": 1}, "score": _NUM, "reposts": _INT, "likes": _INT,
        "counted_at": _null("string", format="date-time"),
        "breakdown": {"type": "array", "items": _ref("Breakdown")}, "paper": _ref("Paper"),
        "posts": {"type": "array", "items": _ref("RankedPost")}, "code": _ref("Code"), "artifacts": _ref("Artifacts"),
        "citations": _ref("Citations"), "tldr": _ref("Summary"), "discussion": _ref("Summary"),
    }),
    "Digest": _obj({
        "schema_version": {"type": "integer", "const": 1},
        "digest": _obj({
            "title": _STR, "date": _DATE, "window_start": _TIME, "window_end": _TIME, "generated_at": _TIME,
            "preset": _STR,
        }),
        "papers": {"type": "array", "items": _ref("RankedPaper")},
    }, description="A digest, exactly as the JSON dataset (docs/json-dataset.md, `render --format json`)."),
    "Appearance": _obj({
        "date": _DATE, "preset": _STR, "rank": _INT, "score": _NUM, "reposts": _INT, "likes": _INT,
        "counted_at": _null("string", format="date-time"), "breakdown": {"type": "array", "items": _ref("Breakdown")},
        "links": _ref("Links"),
    }),
    "Post": {"allOf": [_ref("PostCommon"), _obj({
        "engagement": {"oneOf": [_ref("Engagement"), {"type": "null"}]},
        "history": {"type": "array", "items": _ref("Engagement")},
    })]},
    "PaperDetail": _obj({
        "paper": _ref("Paper"), "code": _ref("Code"), "artifacts": _ref("Artifacts"), "citations": _ref("Citations"),
        "tldr": _ref("Summary"), "discussion": _ref("Summary"),
        "appearances": {"type": "array", "items": _ref("Appearance"),
                        "description": "the published digests that list it, newest first"},
        "posts": {"type": "array", "items": _ref("Post"),
                  "description": "every post linking it (reposts left out), oldest first, each with its snapshots"},
        "engagement": {"type": "array", "items": _obj({"observed_at": _TIME, "total": _INT}),
                       "description": "its posts' total engagement at each observation"},
        "links": _ref("Links"),
    }),
    "SearchResult": _obj({
        "arxiv_id": _STR, "title": _STR, "authors": {"type": "array", "items": _STR},
        "categories": {"type": "array", "items": _STR}, "has_code": {"type": "boolean"}, "relevance": _INT,
        "appearance": _obj({"date": _DATE, "preset": _STR, "rank": _INT, "score": _NUM}),
        "links": _ref("Links"),
    }),
    "SearchResults": _obj({
        "query": _STR, "results": {"type": "array", "items": _ref("SearchResult")},
        "total": _INT, "limit": _INT, "offset": _INT, "links": _ref("PageLinks"),
    }),
}
# fmt: on


def _param(name: str, where: str, schema: dict[str, Any], text: str, *, required: bool = False,
           example: Any = None) -> dict[str, Any]:
    found: dict[str, Any] = {"name": name, "in": where, "required": required or where == "path",
                             "description": text, "schema": schema}
    if example is not None:
        found["example"] = example
    return found


_DAY = {"type": "string", "format": "date", "pattern": "^(19[7-9][0-9]|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}$",
        "description": "YYYY-MM-DD, from 1970-01-01 to 2199-12-31"}
_WORD = {"type": "string", "minLength": 1, "pattern": "\\S"}

_PRESET = _param("preset", "query", {"type": "string", "enum": ["classic", "default"]},
                 "The ranking preset (default: the configured one, `preset` in the config, else `default`).")
_LIMIT = _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                "At most this many items (papers of a digest, days, results).")
_OFFSET = _param("offset", "query", {"type": "integer", "minimum": 0, "maximum": 1_000_000_000, "default": 0},
                 "Skip this many items first.")
_FILTERS = [
    _param("category", "query", {"type": "array", "items": _WORD},
           "Only papers in one of these categories or archives (`cs` covers `cs.CL`); repeatable.", example=["cs.CL"]),
    _param("keyword", "query", {"type": "array", "items": _WORD},
           "Only papers whose title or abstract has one of these words or phrases (whole words, any case); "
           "repeatable."),
    _param("has_code", "query", {"type": "boolean", "default": False},
           "Only papers with a known code repository (`hotpapers enrich`), as `render --has-code`."),
    _param("profile", "query", {"type": "string"},
           "A reader profile's digest (\"hot for me\"): on /digests, the digest `render --profile NAME` (or `run`, "
           "`deliver`) published for that day, the other filters applied to it; 404 when none is published. Needs "
           "the bearer token when one is set."),
]


_VIEW_FILTERS = _FILTERS[:3]  # a view is ranked for everyone: no profile (the digests' route serves a profile's)


def _answers(schema: str, what: str, *, missing: str | None = None, bad: bool = True) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": _ref("Problem")}}
    headers = {
        "ETag": {"description": "a strong validator: a hash of the body", "schema": _STR},
        "Last-Modified": {"description": "when this server first served this body", "schema": _STR},
        "Cache-Control": {"description": "public (private with the token), max-age from the config", "schema": _STR},
    }
    found: dict[str, Any] = {
        "200": {"description": what, "headers": headers, "content": {"application/json": {"schema": _ref(schema)}}},
        "304": {"description": "Not Modified: the copy named by If-None-Match (or If-Modified-Since) is current"},
        "401": {"description": "the bearer token is needed and missing or wrong", "content": problem},
        "503": {"description": "the store cannot be read right now", "content": problem},
    }
    if bad:
        found["400"] = {"description": "a bad query parameter (named in `detail`)", "content": problem}
    if missing:
        found["404"] = {"description": missing, "content": problem}
    return found


def _get(op: str, summary: str, text: str, params: list[dict[str, Any]], answers: dict[str, Any],
         tag: str) -> dict[str, Any]:
    return {"get": {"operationId": op, "summary": summary, "description": text, "tags": [tag],
                    "parameters": params, "responses": answers}}


_VIEW_TEXT = (
    "Ranked fresh from the store (never stored), in the JSON dataset's shape, as `hotpapers render {flags} "
    "--format json` writes it. Older papers discussed in the window are listed marked resurfaced (a breakdown item "
    "of kind `resurfaced`). With `limit`/`offset` only that page of `papers` is returned, with a `Link` header to the "
    "others and `X-Total-Count`."
)


def _paths() -> dict[str, Any]:
    page = [_LIMIT, _OFFSET]
    digest_missing = "no digest of that date is published with that preset (the detail names the presets it has)"
    return {
        "/api/v1": _get("index", "What the API offers", "The presets, the newest digest of each, and links.", [],
                        _answers("Index", "the API's index", bad=True), "meta"),
        "/api/v1/days": _get(
            "listDays", "Listing days", "Every listing day in the store, newest first, with the presets a digest of "
            "the day is published with (an empty list: announced, not published yet).",
            [_param("preset", "query", {"type": "string", "enum": ["classic", "default"]},
                    "Only the days published with this preset."), *page],
            _answers("DayList", "a page of days"), "digests"),
        "/api/v1/digests/{date}": _get(
            "getDigest", "A published digest",
            "The published digest of a listing day, byte for byte the file `hotpapers render --date D --format json` "
            "writes for it (docs/json-dataset.md). `latest` names the newest published day. Filters select among "
            "its papers (ranks renumbered 1..n in the same order, the title saying so); `has_code` alone gives "
            "exactly `render --has-code`'s file. With `limit`/`offset` only that page of `papers`, with a `Link` "
            "header and `X-Total-Count`.",
            [_param("date", "path", {"type": "string", "pattern": r"^([0-9]{4}-[0-9]{2}-[0-9]{2}|latest)$"},
                    "A listing day, YYYY-MM-DD, or `latest`.", example="latest"),
             _PRESET, *_FILTERS, *page],
            _answers("Digest", "the digest", missing=digest_missing), "digests"),
        "/api/v1/views/week/{date}": _get(
            "getWeek", "A week's roll-up", _VIEW_TEXT.format(flags="--week D"),
            [_param("date", "path", {"type": "string", "format": "date"},
                    "Any day of the Monday-Friday listing week (a weekend day: the week before it).",
                    example="2021-04-19"), _PRESET, *_VIEW_FILTERS, *page],
            _answers("Digest", "the roll-up", missing="nothing announced that week is in the store"), "views"),
        "/api/v1/views/month/{month}": _get(
            "getMonth", "A month's roll-up", _VIEW_TEXT.format(flags="--month YYYY-MM"),
            [_param("month", "path", {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"}, "YYYY-MM.",
                    example="2021-04"), _PRESET, *_VIEW_FILTERS, *page],
            _answers("Digest", "the roll-up", missing="nothing announced that month is in the store"), "views"),
        "/api/v1/views/range": _get(
            "getRange", "A range's roll-up", _VIEW_TEXT.format(flags="--from D1 --to D2"),
            [_param("from", "query", _DAY, "First listing day.", required=True,
                    example="2021-04-19"),
             _param("to", "query", _DAY, "Last listing day (inclusive).",
                    required=True, example="2021-04-19"), _PRESET, *_VIEW_FILTERS, *page],
            _answers("Digest", "the roll-up", missing="nothing announced in the range is in the store"), "views"),
        "/api/v1/views/rising": _get(
            "getRising", "Rising: engagement growth", _VIEW_TEXT.format(flags="--window rising") + " Ranked at the "
            "minute of the request: growth over the last `hours` of the papers of `date`, `from`/`to` or `week`, "
            "by default of the last 7 announced days.",
            [_param("hours", "query", {"type": "number", "exclusiveMinimum": 0, "maximum": 8784, "default": 24},
                    "Growth over this many hours before now."),
             _param("date", "query", _DAY, "The papers of this listing day."),
             _param("from", "query", _DAY, "With `to`: the papers of a range."),
             _param("to", "query", _DAY, "The range's last day."),
             _param("week", "query", _DAY, "The papers of this day's week."),
             _PRESET, *_VIEW_FILTERS, *page],
            _answers("Digest", "the view", missing="no announced papers in scope"), "views"),
        "/api/v1/papers/{id}": _get(
            "getPaper", "A paper",
            "A paper with its metadata, its latest enrichment, the summaries of its newest ranking, every published "
            "digest that lists it (rank, score, breakdown), every post linking it with its engagement history, and "
            "their total engagement over time. A versioned id (`2104.08223v2`) names the paper.",
            [_param("id", "path", {"type": "string"}, "An arXiv id: `2104.08223`, `hep-th/9901001`.",
                    example="2104.08223")],
            _answers("PaperDetail", "the paper", missing="no such paper in the store", bad=False), "papers"),
        "/api/v1/search": _get(
            "search", "Search papers",
            "The papers listed in published digests whose title, authors, abstract, categories or id hold every word "
            "of `q` (whole words; case and accents ignored), best match first (title 3 points a word, authors 2, "
            "elsewhere 1), then newest. An arXiv id or abs URL finds that paper.",
            [_param("q", "query", _WORD, "The words to look for.", required=True,
                    example="speech"),
             _FILTERS[0], _FILTERS[2],
             _param("preset", "query", {"type": "string", "enum": ["classic", "default"]},
                    "Only digests of this preset."), *page],
            _answers("SearchResults", "a page of results"), "papers"),
    }


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hotpapers read API",
            "version": "1",
            "summary": "Which new arXiv papers people are talking about, with the conversation attached.",
            "description": "Read-only: only GET and HEAD are accepted (anything else: 405 with `Allow`). Every answer "
            "has a strong `ETag` (a hash of its body), `Last-Modified` and `Cache-Control`; send `If-None-Match` "
            "to get 304. Errors are problem documents (RFC 9457). See docs/api.md.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": _paths(),
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "HOTPAPERS_SERVE_TOKEN: asked for with `profile`, or everywhere when "
                           "`[serve] private = true`."},
            },
        },
        "security": [{}, {"bearer": []}],
        "tags": [{"name": n} for n in ("meta", "digests", "views", "papers")],
    }
