"""Repository links in free text (``hotpapers.enrich.repos``): recorded abstracts, the forms, and properties."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from hotpapers.arxiv.rss import parse_rss
from hotpapers.enrich.repos import _GITHUB_PAGES, find_repos, has_placeholder
from hotpapers.models import CodeHost

from helpers.paths import FIXTURES

# An owner, not one of GitHub's own pages (``github.com/trending/x`` is no repository, in any case).
OWNER = st.text(string.ascii_letters + string.digits, min_size=1, max_size=12).filter(
    lambda s: s.casefold() not in _GITHUB_PAGES
)
NAME = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=20).filter(
    lambda s: s not in {".", ".."}
)
AROUND = st.sampled_from(["", "(", "see ", "\\url{", "\\href{", "<", "code: "])
AFTER = st.sampled_from(["", ".", ")", "}", "}{here}.", ",", ";", " and more", "/tree/main", "#readme", ".git"])


def _urls(text: str) -> list[str]:
    return [ref.url for ref in find_repos(text)]


def test_recorded_listing_abstracts_give_their_repositories() -> None:
    """The four papers of the recorded RSS listing that link GitHub give exactly their repositories."""
    feed = parse_rss((FIXTURES / "arxiv" / "rss_2024-11-28_multi_archive_excerpt.xml").read_bytes())
    found = {p.arxiv_id: _urls(p.abstract) for p in feed.papers if find_repos(p.abstract)}
    assert found == {
        "2411.17702": ["https://github.com/mandiehyewon/goodviews_ecg"],
        "2411.17705": ["https://github.com/Kanyooo/EEG-DCNet"],
        "2203.12985": ["https://github.com/liqi-casia/FaceSwapper"],
        "2211.15656": ["https://github.com/haomo-ai/SuperFusion"],
    }


def test_project_pages_on_github_io_are_not_repositories() -> None:
    """``opendatalab.github.io/REST`` (in the recorded API search) is a project page, not a repository."""
    assert find_repos("Project page: https://opendatalab.github.io/REST.") == []


def test_each_host_has_its_canonical_form() -> None:
    """GitLab keeps subgroups up to ``/-/``; Codeberg drops the page path; Hugging Face keeps the repo kind."""
    text = (
        "gitlab.com/group/sub/project/-/tree/main codeberg.org/o/r/src/branch/main "
        "hf.co/datasets/o/d huggingface.co/spaces/o/s https://huggingface.co/o/model"
    )
    assert [(r.url, r.host) for r in find_repos(text)] == [
        ("https://gitlab.com/group/sub/project", CodeHost.GITLAB),
        ("https://codeberg.org/o/r", CodeHost.CODEBERG),
        ("https://huggingface.co/datasets/o/d", CodeHost.HUGGINGFACE),
        ("https://huggingface.co/spaces/o/s", CodeHost.HUGGINGFACE),
        ("https://huggingface.co/o/model", CodeHost.HUGGINGFACE),
    ]


def test_site_pages_and_owner_pages_are_not_repositories() -> None:
    """github.com/features/…, an owner's page, huggingface.co/papers/… and /docs are not code."""
    text = "github.com/features/copilot github.com/someone huggingface.co/papers/2104.08223 huggingface.co/docs/hub"
    assert find_repos(text) == []


def test_shortened_links_are_left_out() -> None:
    """A link shown shortened (``...`` or ``…``, as Bluesky and X display long URLs) may be cut: left out."""
    assert find_repos("code at github.com/haomo-ai/Supe... and github.com/a/b… too") == []


def test_repeats_in_other_cases_are_one_repository() -> None:
    """GitHub compares owner and name case-insensitively: the first spelling is kept, once."""
    assert _urls("GitHub.com/Foo/Bar/tree/main and https://github.com/foo/bar") == ["https://github.com/Foo/Bar"]


def test_placeholder_without_its_url_is_detected() -> None:
    """arXiv's HTML words "this https URL" alone are a placeholder; followed by the URL they are not."""
    assert has_placeholder("Code is available at this https URL")
    assert not has_placeholder("KLUE is available at this https URL (https://klue-benchmark.com/).")


@given(OWNER, NAME, AROUND, AFTER, st.booleans())
def test_a_written_github_link_is_found_whatever_surrounds_it(
    owner: str, name: str, before: str, after: str, scheme: bool
) -> None:
    """``github.com/OWNER/REPO`` in any of its written forms gives exactly that repository."""
    text = f"{before}{'https://' if scheme else ''}github.com/{owner}/{name}{after}"
    assert _urls(text) == [f"https://github.com/{owner}/{name}"]


@given(st.text(max_size=300))
def test_any_text_gives_canonical_links_that_find_themselves(text: str) -> None:
    """Whatever the text, each link found is canonical https and, read again, gives itself."""
    for ref in find_repos(text):
        assert ref.url.startswith("https://") and " " not in ref.url
        assert find_repos(ref.url) == [ref]
