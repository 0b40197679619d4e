"""``hotpapers publish --git``: commit and push into a blog repository, never leaking the token."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.deliver.git import PublishError, publish_files
from hotpapers.errors import UsageError

from helpers.paths import SAMPLE

TOKEN = "ghp_NotARealTokenButLongEnough123"


def git(cwd: Path, *args: str) -> str:
    """Run git in cwd and return its output."""
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "HOME": str(cwd), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env).stdout


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A bare 'remote' and a clone of it with one commit."""
    remote, clone = tmp_path / "remote.git", tmp_path / "blog"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), str(clone))
    (clone / "README.md").write_text("blog\n")
    git(clone, "add", "README.md")
    git(clone, "commit", "--quiet", "-m", "init")
    git(clone, "push", "--quiet", "origin", "HEAD")
    for key, value in {"GIT_AUTHOR_NAME": "bot", "GIT_AUTHOR_EMAIL": "bot@example.org",
                       "GIT_COMMITTER_NAME": "bot", "GIT_COMMITTER_EMAIL": "bot@example.org"}.items():
        monkeypatch.setenv(key, value)
    return remote, clone


def _store(tmp_path: Path) -> str:
    db = str(tmp_path / "s.db")
    assert main(["--db", db, "import", str(SAMPLE)]) == 0
    return db


def test_publish_commits_and_pushes_the_post(blog: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The post lands in content/posts of the remote's history."""
    remote, clone = blog
    db = _store(tmp_path)
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"]) == 0
    files = git(remote, "ls-tree", "-r", "--name-only", "main")
    assert "content/posts/2021-04-19---Hot-Papers.md" in files
    assert "Hot Papers 2021-04-19" in git(remote, "log", "-1", "--format=%s", "main")


def test_publishing_twice_commits_once(blog: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same digest published again makes no new commit and says so."""
    remote, clone = blog
    db = _store(tmp_path)
    main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"])
    capsys.readouterr()
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"]) == 0
    assert "nothing new to publish" in capsys.readouterr().out
    assert git(remote, "rev-list", "--count", "main").strip() == "2"


def test_token_is_never_written(blog: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """With HOTPAPERS_GIT_TOKEN set, the token appears in no file of the repository, no output and no log."""
    _, clone = blog
    monkeypatch.setenv("HOTPAPERS_GIT_TOKEN", TOKEN)
    db = _store(tmp_path)
    caplog.set_level("DEBUG")
    assert main(["-v", "--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"]) == 0
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err + caplog.text
    for path in clone.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_failed_push_hides_the_token(blog: tuple[Path, Path], tmp_path: Path) -> None:
    """A failing push reports git's error with the token scrubbed."""
    _, clone = blog
    post = clone / "p.md"
    post.write_text("x")
    git(clone, "remote", "set-url", "origin", f"https://user:{TOKEN}@127.0.0.1:9/blog.git")
    with pytest.raises(PublishError) as info:
        publish_files(clone, [post], message="m", env={"HOTPAPERS_GIT_TOKEN": TOKEN, "PATH": "/usr/bin:/bin",
                                                       "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b",
                                                       "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b",
                                                       "GIT_TERMINAL_PROMPT": "0"})
    assert TOKEN not in str(info.value) and "git push" in str(info.value)


def test_not_a_repository_is_refused(tmp_path: Path) -> None:
    """--git on a folder that is not a clone is a usage error."""
    with pytest.raises(UsageError, match="not a git repository"):
        publish_files(tmp_path, [], message="m")


def test_no_push_only_commits(blog: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--no-push commits locally and leaves the remote alone."""
    remote, clone = blog
    db = _store(tmp_path)
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19", "--no-push"]) == 0
    assert git(remote, "rev-list", "--count", "main").strip() == "1"
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "2"


def test_rerun_after_a_failed_push_pushes(blog: tuple[Path, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A push that failed (remote unreachable) is made by the next run, although it has nothing new to commit."""
    remote, clone = blog
    db = _store(tmp_path)
    hidden = tmp_path / "elsewhere.git"
    remote.rename(hidden)  # the remote is unreachable: the push fails after the commit
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"]) == 7
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "2"
    hidden.rename(remote)
    capsys.readouterr()
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"]) == 0
    assert "nothing new to commit; pushed 1 earlier commit(s) to origin" in capsys.readouterr().out
    assert git(remote, "rev-list", "--count", "main").strip() == "2"
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"]) == 0
    assert "nothing new to publish" in capsys.readouterr().out


def test_new_commit_pushes_the_unpushed_ones_too(blog: tuple[Path, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A run that commits a new day after a failed push pushes both and says so."""
    remote, clone = blog
    db = _store(tmp_path)
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19", "--no-push"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-01-15"]) == 0
    assert "pushed to origin with 1 earlier commit(s)" in capsys.readouterr().out
    assert git(remote, "rev-list", "--count", "main").strip() == "3"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/blog.git", "HTTP://example.org/blog.git",
                                 f"http://user:{TOKEN}@example.org/blog.git"])
def test_token_is_never_sent_over_plain_http(blog: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], url: str) -> None:
    """With a token set, an http:// remote is refused in one line (exit 7) before anything is committed."""
    _, clone = blog
    git(clone, "remote", "set-url", "origin", url)
    monkeypatch.setenv("HOTPAPERS_GIT_TOKEN", TOKEN)
    db = _store(tmp_path)
    capsys.readouterr()
    assert main(["--db", db, "publish", "--git", str(clone), "--date", "2021-04-19"]) == 7
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing to send HOTPAPERS_GIT_TOKEN unencrypted over http://" in err
    assert TOKEN not in err
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "1"


def test_push_url_rewritten_to_http_is_refused_too(blog: tuple[Path, Path], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The URL git would really use counts: a pushurl (or insteadOf) to http:// is refused."""
    _, clone = blog
    git(clone, "remote", "set-url", "--push", "origin", "http://example.org/blog.git")
    post = clone / "p.md"
    post.write_text("x")
    with pytest.raises(PublishError, match="unencrypted"):
        publish_files(clone, [post], message="m", env={"HOTPAPERS_GIT_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"})


def test_helper_gives_the_token_for_https_only(tmp_path: Path) -> None:
    """The credential helper answers an https request with the token and an http one (a redirect) with nothing."""
    from hotpapers.deliver.git import _HELPER  # noqa: PLC0415 - the helper's text is what git runs

    script = _HELPER.removeprefix("!")
    env = {"HOTPAPERS_GIT_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"}
    for protocol, expected in (("https", f"username=x-access-token\npassword={TOKEN}\n"), ("http", "")):
        done = subprocess.run(["sh", "-c", script, "helper", "get"], input=f"protocol={protocol}\nhost=h\n\n",
                              capture_output=True, text=True, env=env, check=True)
        assert done.stdout == expected
