"""Retries announce themselves in one hotpapers line; timeouts come from one configured number of seconds."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stamina

from hotpapers.cli import app, main
from hotpapers.errors import NetworkError
from hotpapers.http import RetryPolicy, make_client, request, timeout_from_seconds

from helpers import e2e_world
from helpers.localserver import Reply, serve

FAST = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.02)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    """stamina's waits are zeroed; the numbers in the lines are still the policy's."""
    with stamina.set_testing(True, attempts=3):
        yield


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hotpapers.http" and r.levelno == logging.WARNING]


def _client(*responses: httpx.Response | Exception) -> httpx.Client:
    answers = list(responses)

    def answer(req: httpx.Request) -> httpx.Response:
        item = answers.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return make_client(transport=httpx.MockTransport(answer))


def test_connection_failure_is_one_line_naming_what_and_when(caplog: pytest.LogCaptureFixture) -> None:
    """A refused connection reads "<what> unreachable (ConnectError), retry 1/2 in <wait> s"."""
    caplog.set_level(logging.WARNING)
    client = _client(httpx.ConnectError("refused"), httpx.Response(200))
    request(client, "GET", "http://rss.test/rss/cs", policy=FAST, what="arXiv RSS")
    (line,) = _lines(caplog)
    assert line.startswith("arXiv RSS unreachable (ConnectError), retry 1/2 in ") and line.endswith(" s")


def test_server_error_line_names_the_status(caplog: pytest.LogCaptureFixture) -> None:
    """A 503 reads "<what> answered HTTP 503"."""
    caplog.set_level(logging.WARNING)
    request(_client(httpx.Response(503), httpx.Response(200)), "GET", "http://api.test/q", policy=FAST, what="arXiv API")
    assert _lines(caplog)[0].startswith("arXiv API answered HTTP 503, retry 1/2 in ")


def test_rate_limit_line_gives_the_retry_after_wait(caplog: pytest.LogCaptureFixture) -> None:
    """A 429 with Retry-After: 7 says it is rate-limiting and that the retry comes in 7 s."""
    caplog.set_level(logging.WARNING)
    limited = httpx.Response(429, headers={"Retry-After": "7"})
    request(_client(limited, httpx.Response(200)), "GET", "http://x.test/2/tweets", policy=FAST, what="X search")
    assert _lines(caplog) == ["X search is rate-limiting (HTTP 429), retry 1/2 in 7 s"]


def test_timeout_line_says_timed_out(caplog: pytest.LogCaptureFixture) -> None:
    """A read timeout reads "<what> timed out (ReadTimeout)"."""
    caplog.set_level(logging.WARNING)
    request(_client(httpx.ReadTimeout("slow"), httpx.Response(200)), "GET", "http://h.test/", policy=FAST)
    assert _lines(caplog)[0].startswith("h.test timed out (ReadTimeout), retry 1/2")


def test_last_failure_is_raised_not_announced(caplog: pytest.LogCaptureFixture) -> None:
    """With three attempts, two retries are announced; the third failure is the error, not a fourth line."""
    caplog.set_level(logging.WARNING)
    client = _client(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(NetworkError, match=r"ConnectError for http://h\.test/"):
        request(client, "GET", "http://h.test/", policy=FAST)
    assert [line.split(",")[1].split(" in ")[0] for line in _lines(caplog)] == [" retry 1/2", " retry 2/2"]


def test_timeout_from_seconds_bounds_every_phase() -> None:
    """One number bounds connecting, reading, writing and waiting for a pooled connection."""
    timeout = make_client(timeout=2.5).timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (2.5, 2.5, 2.5, 2.5)


@pytest.mark.parametrize("seconds", [0.0, -1.0, float("inf"), float("nan")])
def test_timeout_must_be_positive(seconds: float) -> None:
    """A timeout that is not a positive finite number is refused."""
    with pytest.raises(ValueError, match="positive number of seconds"):
        timeout_from_seconds(seconds)


@pytest.fixture
def offline_arxiv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A run whose arXiv RSS always answers 503 (the other endpoints are never reached)."""
    with serve(lambda path: Reply(b"down", 503, "text/plain")) as served:
        monkeypatch.setenv("HOTPAPERS_DB", str(tmp_path / "s.db"))
        monkeypatch.setenv("HOTPAPERS_ARXIV_RSS_URL", f"{served.url}/rss")
        monkeypatch.setenv("HOTPAPERS_CONFIG", str(tmp_path / "none.toml"))
        (tmp_path / "none.toml").write_text("[arxiv]\ndelay_seconds = 0\n")
        yield


def test_run_retries_read_as_hotpapers_lines(offline_arxiv: None, capsys: pytest.CaptureFixture[str]) -> None:
    """At the default verbosity a failing arXiv reads as hotpapers lines, without stamina's events."""
    assert main(["run"]) == 6
    err = capsys.readouterr().err
    assert "hotpapers: arXiv RSS answered HTTP 503, retry 1/4 in " in err
    assert "stamina" not in err


def test_verbose_run_adds_stamina_details(offline_arxiv: None, caplog: pytest.LogCaptureFixture) -> None:
    """With -v, each retry also has stamina's event with the attempt, the wait and the error."""
    caplog.set_level(logging.INFO)
    assert main(["-v", "run"]) == 6
    stamina_lines = [r.getMessage() for r in caplog.records if r.name == "stamina"]
    assert stamina_lines[0].startswith(
        "stamina.retry_scheduled: attempt 1 failed with RetryableStatusError('HTTP 503 from")
    assert "arXiv RSS answered HTTP 503, retry 1/4" in _lines(caplog)[0]


def test_connecting_waits_at_most_ten_seconds() -> None:
    """A long timeout still gives up connecting to a dead host after 10 s; the other waits get the full time."""
    timeout = timeout_from_seconds(120.0)
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (10.0, 120.0, 120.0, 120.0)


def test_source_warnings_are_printed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A source's warning appears once, under the run's summary, not also as it happens on standard error."""
    now = e2e_world.SEEN_AT.replace(day=29, hour=1, minute=40)
    with serve(e2e_world.route) as served:
        for key, value in e2e_world.environment(served.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("HOTPAPERS_DB", str(tmp_path / "s.db"))
        monkeypatch.setenv("HOTPAPERS_CONFIG", str(tmp_path / "c.toml"))
        (tmp_path / "c.toml").write_text(f'out_dir = "{tmp_path / "out"}"\n[arxiv]\ndelay_seconds = 0\n')
        monkeypatch.setattr(app, "now_utc", lambda: now)
        assert main(["run", "--source", "alphaxiv"]) == 0
    captured = capsys.readouterr()
    assert "warning: alphaxiv: skipped trending_papers[3]" in captured.out
    assert "skipped trending_papers[3]" not in captured.err
