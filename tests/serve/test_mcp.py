"""The MCP server, driven by the mcp package's own client: in memory, and over stdio against `hotpapers mcp`."""

from __future__ import annotations

import os
import sys
from typing import Any

import anyio
import orjson
import pytest

pytest.importorskip("mcp", reason="the serve extra is not installed (pip install 'hotpapers[serve]')")

from mcp.client import Client
from mcp.client.stdio import StdioServerParameters

from hotpapers.jobs.serve import create_reader
from hotpapers.serve.mcp_server import create_server

from helpers.serving import WITH_CODE, Published


async def _call(client: Client, tool: str, **arguments: Any) -> Any:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


def _in_memory(published: Published, check: Any) -> None:
    """Run ``check(client)`` against the server in memory, with the protocol's initialize handshake."""

    async def main() -> None:
        reader = create_reader(published.db, preset="classic")
        try:
            async with Client(create_server(reader), mode="legacy") as client:
                await check(client)
        finally:
            reader.close()

    anyio.run(main)


def test_tools_are_listed_with_their_arguments(published: Published) -> None:
    """The server lists hot_papers, paper and search, each with a description and an input schema."""

    async def check(client: Client) -> None:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == {"hot_papers", "paper", "search"}
        assert {"window", "date", "category", "limit"} <= set(tools["hot_papers"].input_schema["properties"])
        assert all(tool.description for tool in tools.values())

    _in_memory(published, check)


def test_hot_papers_this_week_in_a_category(published: Published) -> None:
    """hot_papers(window=week, category=cs.CV) ranks the week's cs.CV papers, 1..n, at most `limit`."""

    async def check(client: Client) -> None:
        found = await _call(client, "hot_papers", window="week", date="2021-04-19", category="cs.CV", limit=3)
        assert found["title"].startswith("Hot Papers week of 2021-04-19")
        assert 0 < len(found["papers"]) <= 3 and [p["rank"] for p in found["papers"]] == list(
            range(1, len(found["papers"]) + 1))
        assert all("cs.CV" in p["categories"] for p in found["papers"])
        assert all(p["why"] and p["url"].startswith("http") for p in found["papers"])

    _in_memory(published, check)


def test_hot_papers_of_the_latest_day_is_its_digest(published: Published) -> None:
    """hot_papers() with no date lists the newest published digest's top papers in its order."""
    digest = orjson.loads(published.dataset("classic", "2021-04-19"))

    async def check(client: Client) -> None:
        found = await _call(client, "hot_papers", limit=5)
        assert [p["arxiv_id"] for p in found["papers"]] == [p["paper"]["arxiv_id"] for p in digest["papers"][:5]]
        assert found["total"] == len(digest["papers"])

    _in_memory(published, check)


def test_paper_and_search(published: Published) -> None:
    """paper(id) gives the posts and rankings; search finds it by title words."""

    async def check(client: Client) -> None:
        paper = await _call(client, "paper", id=f"https://arxiv.org/abs/{WITH_CODE}v1")
        assert paper["paper"]["arxiv_id"] == WITH_CODE and paper["posts"] and paper["appearances"]
        found = await _call(client, "search", query="face animation speech")
        assert found["results"][0]["arxiv_id"] == WITH_CODE

    _in_memory(published, check)


def test_bad_arguments_are_tool_errors(published: Published) -> None:
    """An unknown paper, an unpublished day or a bad date is an error result naming it, not a crash."""

    async def check(client: Client) -> None:
        for tool, arguments, said in (("paper", {"id": "9999.99999"}, "9999.99999"),
                                      ("hot_papers", {"date": "2021-04-20"}, "2021-04-20"),
                                      ("hot_papers", {"date": "yesterday"}, "yesterday"),
                                      ("search", {"query": "  "}, "query")):
            result = await client.call_tool(tool, arguments)
            assert result.is_error and said in result.content[0].text  # type: ignore[union-attr]

    _in_memory(published, check)


def test_stdio_transport_against_hotpapers_mcp(published: Published) -> None:
    """`hotpapers --db DB mcp` speaks MCP on stdio: the client initialises, lists tools and calls hot_papers."""
    env = {**os.environ, "HOTPAPERS_DB": published.db}
    params = StdioServerParameters(command=sys.executable, args=["-m", "hotpapers", "mcp"], env=env)

    async def main() -> None:
        with anyio.fail_after(60):
            async with Client(params) as client:
                assert {t.name for t in (await client.list_tools()).tools} == {"hot_papers", "paper", "search"}
                found = await _call(client, "hot_papers", window="month", date="2021-04", preset="default", limit=2)
                assert len(found["papers"]) == 2 and found["preset"] == "default"

    anyio.run(main)


