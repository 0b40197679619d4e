"""What a digest shows of enrichment (``hotpapers.enrich.view``): the link chosen, stars per day, the filter."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hotpapers.enrich.view import (
    MIN_SPAN,
    RATE_WINDOW,
    choose_link,
    only_with_code,
    paper_enrichment,
    stars_rate,
)
from hotpapers.models import (
    ArtifactSnapshot,
    ArxivId,
    CitationInfo,
    CitationSnapshot,
    CodeHost,
    CodeInfo,
    CodeLink,
    Digest,
    FoundIn,
    PaperEnrichment,
    RankedPaper,
    RepoSnapshot,
)
from hotpapers.writers._enrichment import artifacts_text, citations_text, enrichment_line, velocity_text

from helpers.factories import paper

T = dt.datetime(2024, 11, 29, tzinfo=dt.UTC)
ID = ArxivId("2411.17702")
URL = "https://github.com/o/r"


def _link(url: str, place: FoundIn, host: CodeHost = CodeHost.GITHUB, position: int = 0) -> CodeLink:
    return CodeLink(ID, url, host, place, T, position)


def _snap(hours: float, stars: int | None, created: dt.datetime | None = None) -> RepoSnapshot:
    return RepoSnapshot(URL, T + dt.timedelta(hours=hours), stars, created)


def test_a_repository_found_in_two_places_wins() -> None:
    """The abstract's first link loses to a later one that Hugging Face's record confirms."""
    links = [_link("https://github.com/base/line", FoundIn.ABSTRACT), _link(URL, FoundIn.ABSTRACT, position=1),
             _link(URL, FoundIn.HUGGINGFACE)]  # fmt: skip
    chosen = choose_link(links)
    assert chosen is not None and chosen.url == URL


def test_a_code_host_wins_over_a_hugging_face_repository() -> None:
    """An abstract linking a model on Hugging Face and code on GitHub shows the GitHub repository."""
    links = [_link("https://huggingface.co/o/model", FoundIn.ABSTRACT, CodeHost.HUGGINGFACE),
             _link(URL, FoundIn.ABSTRACT, position=1)]  # fmt: skip
    chosen = choose_link(links)
    assert chosen is not None and chosen.url == URL


def test_the_papers_own_words_win_over_an_authors_post() -> None:
    """With nothing confirmed, the abstract's link comes before an author's post's."""
    chosen = choose_link([_link("https://github.com/p/post", FoundIn.AUTHOR_POST), _link(URL, FoundIn.COMMENT)])
    assert chosen is not None and chosen.url == URL


def test_rate_is_the_slope_over_the_last_week() -> None:
    """70 stars gained over the week before the latest snapshot is 10 a day; older snapshots are not used."""
    series = [_snap(-24 * 30, 0), _snap(0, 100), _snap(24 * 3, 140), _snap(24 * 7, 170)]
    assert stars_rate(series) == (10.0, T)


def test_a_new_repository_counts_from_its_creation() -> None:
    """One snapshot of a repository created 2 days before: 50 stars is 25 a day since its creation."""
    created = T - dt.timedelta(days=2)
    assert stars_rate([_snap(0, 50, created)]) == (25.0, created)


def test_one_snapshot_of_an_old_repository_has_no_rate() -> None:
    """A single snapshot of a repository created long ago: no span, no rate."""
    assert stars_rate([_snap(0, 50, T - dt.timedelta(days=400))]) == (None, None)


def test_the_latest_snapshot_before_the_window_starts_the_span_when_nothing_is_inside() -> None:
    """Snapshots 10 days apart (a refresh every 10 days): the rate spans them."""
    assert stars_rate([_snap(0, 100), _snap(240, 200)]) == (10.0, T)


def test_a_gone_repository_shows_no_stars_and_no_rate() -> None:
    """The latest snapshot says gone (no stars): the shown code has no count and no rate."""
    shown = paper_enrichment([_link(URL, FoundIn.ABSTRACT)], {URL: [_snap(0, 10), _snap(30, None)]}, None, None)
    assert shown is not None and shown.code == CodeInfo(URL, CodeHost.GITHUB, FoundIn.ABSTRACT, None, None,
                                                        T + dt.timedelta(hours=30), None)  # fmt: skip


def test_a_link_without_snapshots_shows_the_url_alone() -> None:
    """A link found in the abstract while GitHub was unreachable: the URL, stars unknown."""
    shown = paper_enrichment([_link(URL, FoundIn.ABSTRACT)], {}, None, None)
    assert shown is not None and shown.code is not None
    assert (shown.code.url, shown.code.stars, shown.code.stars_per_day) == (URL, None, None)


def test_nothing_known_is_none_and_a_paper_unknown_to_semantic_scholar_has_no_citations() -> None:
    """No link, no artifacts and a not-found citation snapshot: nothing to show."""
    assert paper_enrichment([], {}, None, CitationSnapshot(ID, T, found=False)) is None
    counts = ArtifactSnapshot(ID, T, 2, 0, 1)
    shown = paper_enrichment([], {}, counts, None)
    assert shown is not None and shown.artifacts is not None and shown.artifacts.total == 3


def _ranked(rank: int, arxiv_id: str, code: bool) -> RankedPaper:
    info = CodeInfo(URL, CodeHost.GITHUB, FoundIn.ABSTRACT) if code else None
    return RankedPaper(rank, 10.0 - rank, paper(arxiv_id), (), (), enrichment=PaperEnrichment(code=info))


def test_has_code_keeps_the_papers_with_code_ranked_anew() -> None:
    """The filter keeps papers with a code link, in order, ranked 1..n, and says so in the title."""
    digest = Digest("Hot Papers 2024-11-28", dt.date(2024, 11, 28), T, T, T, "default",
                    (_ranked(1, "2411.00001", False), _ranked(2, "2411.00002", True), _ranked(3, "2411.00003", True)))
    filtered = only_with_code(digest)
    assert [(p.rank, p.paper.arxiv_id) for p in filtered.papers] == [(1, "2411.00002"), (2, "2411.00003")]
    assert filtered.title == "Hot Papers 2024-11-28 (papers with code)"


def test_display_texts() -> None:
    """The badge texts: signed stars per day, non-zero artifact counts, citations with the influential ones."""
    code = CodeInfo(URL, CodeHost.GITHUB, FoundIn.ABSTRACT, 1234, 12.4)
    assert velocity_text(code) == "+12★/day"
    assert velocity_text(CodeInfo(URL, CodeHost.GITHUB, FoundIn.ABSTRACT, 5, -0.25)) == "\u22120.2★/day"
    assert artifacts_text(ArtifactSnapshot(ID, T, 2, 0, 1)) == "2 models · 1 Space"  # type: ignore[arg-type]
    enrichment = PaperEnrichment(code=code)
    assert enrichment_line(RankedPaper(1, 1.0, paper(), (), (), enrichment=enrichment)) == (
        "code: github.com/o/r (1,234★ +12★/day)"
    )
    assert citations_text(CitationInfo(340, 56, None, T)) == "340 citations (56 influential)"


@given(
    st.lists(st.tuples(st.integers(0, 24 * 30), st.integers(0, 10**6)), min_size=1, max_size=12, unique_by=lambda p: p[0])
)
def test_rate_is_bounded_by_the_changes_in_its_window(points: list[tuple[int, int]]) -> None:
    """Any series: no rate when the span is short; else |rate| is at most the largest change over the span."""
    series = sorted((_snap(h, stars) for h, stars in points), key=lambda s: s.observed_at)
    rate, since = stars_rate(series)
    if rate is None:
        assert since is None
        return
    assert since is not None
    latest = series[-1]
    span = latest.observed_at - since
    assert span >= MIN_SPAN
    assert since >= latest.observed_at - RATE_WINDOW or not [s for s in series[:-1] if s.observed_at >= since + span]
    counts = [s.stars or 0 for s in series]
    assert abs(rate) <= (max(counts) - min(counts)) / (span.total_seconds() / 86400) + 0.01
