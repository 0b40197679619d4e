"""What ``import`` reads: pipes and devices, once and front to back, with every record under the size cap."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.cli import main
from hotpapers.config import DEFAULT_MAX_RECORD_BYTES, load_settings, parse_size
from hotpapers.errors import ConfigError, InputError
from hotpapers.jobs import transfer
from hotpapers.native import bounded_lines
from hotpapers.store import SQLiteStore

from helpers.paths import FIXTURES

LEGACY = FIXTURES / "legacy" / "2020-08-18.json"


@pytest.fixture(scope="module")
def native_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A native export of the legacy fixture."""
    folder = tmp_path_factory.mktemp("native")
    with SQLiteStore(folder / "s.db") as store:
        transfer.import_files(store, [LEGACY])
        transfer.export_to_file(store, folder / "dump.jsonl")
    return folder / "dump.jsonl"


def _cli(*args: str, stdin: bytes | None = None, limit_memory: bool = False) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m hotpapers`` (a real process: real pipes, a real memory limit if asked)."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB of address space

    return subprocess.run(
        [sys.executable, "-m", "hotpapers", *args], input=stdin, capture_output=True, timeout=120, check=False,
        preexec_fn=cap_memory if limit_memory else None,
    )


def test_dev_zero_is_refused_in_one_line_with_memory_bounded(tmp_path: Path) -> None:
    """``import /dev/zero`` (an endless line) stops at the cap with exit 4, in 1 GiB, and creates no records."""
    done = _cli("--db", str(tmp_path / "s.db"), "import", "/dev/zero", limit_memory=True)
    assert done.returncode == 4, done.stderr
    err = done.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("hotpapers: error: /dev/zero: a record longer than 33,554,432")
    with SQLiteStore(tmp_path / "s.db") as store:
        assert {k: v for k, v in store.counts().items() if k != "runs"} == dict.fromkeys(store.counts().keys() - {"runs"}, 0)


def test_one_giant_line_is_refused_naming_its_line(tmp_path: Path, native_file: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A native file whose third line is longer than the cap is refused at that line; nothing is imported."""
    lines = native_file.read_bytes().splitlines(keepends=True)
    (tmp_path / "big.jsonl").write_bytes(b"".join(lines[:2]) + b"x" * 2_000_000 + b"\n" + b"".join(lines[2:]))
    code = main(["--db", str(tmp_path / "s.db"), "import", "--max-record-bytes", "1M", str(tmp_path / "big.jsonl")])
    err = capsys.readouterr().err
    assert code == 4 and err.startswith(f"hotpapers: error: {tmp_path / 'big.jsonl'}:3: a record longer than 1,048,576")
    with SQLiteStore(tmp_path / "s.db") as store:
        assert store.counts()["papers"] == 0


def test_a_legacy_file_is_one_record_under_the_cap(tmp_path: Path) -> None:
    """A legacy file larger than the cap is refused; at the cap it is read."""
    size = LEGACY.stat().st_size
    with SQLiteStore(tmp_path / "a.db") as store:
        with pytest.raises(InputError, match=f"{LEGACY.name}: a record longer than {size - 1:,} bytes"):
            transfer.import_files(store, [LEGACY], max_record_bytes=size - 1)
        assert transfer.import_files(store, [LEGACY], max_record_bytes=size).formats == {str(LEGACY): "legacy"}


@settings(max_examples=200, derandomize=True, database=None)
@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=6), st.integers(1, 45),
       st.booleans())
def test_lines_are_refused_exactly_when_longer_than_the_cap(lines: list[bytes], cap: int, last_newline: bool) -> None:
    """Each line is given whole when it has at most ``cap`` bytes (its newline not counted); the first longer one
    ends the reading with None, after at most ``cap + 1`` bytes of it were read."""
    data = b"\n".join(lines) + (b"\n" if last_newline and lines else b"")
    got = list(bounded_lines(io.BytesIO(data), cap))
    expected: list[bytes | None] = []
    for i, line in enumerate(lines):
        if len(line) > cap:
            expected.append(None)
            break
        expected.append(line + (b"\n" if i < len(lines) - 1 or last_newline else b""))
    if lines and not lines[-1] and not last_newline and expected and expected[-1] == b"":
        expected.pop()  # an empty last line without a newline is no line at all
    assert got == expected


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
@pytest.mark.parametrize("fixture", ["native", "legacy"])
def test_import_reads_a_pipe(tmp_path: Path, native_file: Path, name: str, fixture: str) -> None:
    """``import -`` and ``import /dev/stdin`` read a pipe (which cannot seek back), native or legacy."""
    data = (native_file if fixture == "native" else LEGACY).read_bytes()
    done = _cli("--db", str(tmp_path / "s.db"), "import", name, stdin=data)
    assert done.returncode == 0, done.stderr
    assert f": {fixture}\n" in done.stdout.decode()
    with SQLiteStore(tmp_path / "s.db") as store:
        assert store.counts()["papers"] == 7


def test_stdin_names_itself_in_errors(tmp_path: Path) -> None:
    """A bad record on standard input is named ``<stdin>:LINE``."""
    done = _cli("--db", str(tmp_path / "s.db"), "import", "-",
                stdin=b'{"type": "header", "format": "hotpapers-native", "version": 1}\n{"type": "nope"}\n')
    assert done.returncode == 4
    assert done.stderr.decode() == "hotpapers: error: <stdin>:2: type: unknown record type 'nope'\n"


def test_the_cap_comes_from_option_then_environment_then_config(tmp_path: Path) -> None:
    """Default 32 MiB; the config's max_record_bytes, then $HOTPAPERS_MAX_RECORD_BYTES, override it."""
    config = tmp_path / "c.toml"
    config.write_text('max_record_bytes = "2M"\n')
    assert load_settings(env={}).max_record_bytes == DEFAULT_MAX_RECORD_BYTES == 32 * 2**20
    assert load_settings(config, env={}).max_record_bytes == 2 * 2**20
    assert load_settings(config, env={"HOTPAPERS_MAX_RECORD_BYTES": "512k"}).max_record_bytes == 512 * 2**10
    with pytest.raises(ConfigError, match="HOTPAPERS_MAX_RECORD_BYTES: 'lots'"):
        load_settings(env={"HOTPAPERS_MAX_RECORD_BYTES": "lots"})
    config.write_text("max_record_bytes = -5\n")
    with pytest.raises(ConfigError, match="max_record_bytes"):
        load_settings(config, env={})


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(max_size=12) | st.from_regex(r"[0-9]{1,20}[kKmMgG]?(i?[bB])?", fullmatch=True))
def test_sizes_parse_or_fail_cleanly(text: str) -> None:
    """A size is digits with an optional k/M/G (binary) unit, at least one byte; anything else is a ValueError."""
    try:
        size = parse_size(text, "size")
    except ValueError as e:
        assert str(e).startswith("size: ") and "\n" not in str(e)
        return
    assert size >= 1


def test_no_import_runs_out_of_memory_on_stdin_zeros(tmp_path: Path) -> None:
    """Endless zeros on a pipe are refused like /dev/zero (the cap applies to standard input too)."""
    zeros = subprocess.Popen(["head", "-c", str(40 * 2**20), "/dev/zero"], stdout=subprocess.PIPE)
    assert zeros.stdout is not None
    done = subprocess.run([sys.executable, "-m", "hotpapers", "--db", str(tmp_path / "s.db"), "import", "-"],
                          stdin=zeros.stdout, capture_output=True, timeout=120, check=False,
                          env={**os.environ, "HOTPAPERS_MAX_RECORD_BYTES": "1M"})
    zeros.stdout.close()
    zeros.wait()
    assert done.returncode == 4 and b"<stdin>: a record longer than 1,048,576 bytes" in done.stderr
