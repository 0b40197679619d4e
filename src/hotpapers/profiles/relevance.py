"""How close each new paper is to a library of papers: the relevance of hot for me (docs/profiles.md).

A paper's relevance is the mean of its ``k`` highest cosine similarities (title + abstract) to the library's
papers, calibrated to 0..1 per method: ``clip((s - low) / (high - low), 0, 1)``, where ``low`` is the median ``s``
of papers on other topics (relevance 0) and ``high`` the upper quartile of papers on the library's own topic
(relevance 1), both measured on the archive by ``benchmarks/relevance.py`` (docs/benchmarks.md): the median paper on
the library's topic gets about 0.6 to 0.8. The nearest library papers are kept, so the breakdown
can say which papers a new one is close to.

Two methods, chosen by a measured comparison (docs/benchmarks.md, "Relevance"):

* ``tfidf`` (the default, always installed): TF-IDF vectors of words and word pairs with sublinear term
  frequencies, as arxiv-sanity builds them, fitted on the library and the day's papers together (scikit-learn);
* ``wordllama`` (the ``profiles-embeddings`` extra): WordLlama's static token embeddings, whose weights ship inside
  its wheel; loaded from the package's own folder, never downloaded.

Both are offline and fast: 500 papers against a 1,000-paper library in well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

from hotpapers.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["CLOSE", "METHODS", "NEIGHBOURS", "Calibration", "Match", "Method", "get_method", "nearest", "relevance_of"]

NEIGHBOURS = 3
"""How many of a paper's nearest library papers its relevance averages (and the breakdown names)."""

CLOSE = 0.5
"""A library paper is *close* to a new one when their similarity, calibrated like relevance, reaches this."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """What a method's top-``k`` mean similarity typically is for an unrelated paper (``low``) and for a paper on
    the library's own topic (``high``): relevance is ``(s - low) / (high - low)``, clipped to 0..1."""

    low: float
    high: float

    def __call__(self, similarity: float) -> float:
        if not math.isfinite(similarity):
            return 0.0
        return min(1.0, max(0.0, (similarity - self.low) / (self.high - self.low)))


@dataclass(frozen=True, slots=True)
class Match:
    """A paper's relevance (0..1), its raw similarity, its nearest library papers as (index, similarity), nearest
    first, and which of those are close (``CLOSE``)."""

    relevance: float
    similarity: float
    neighbours: tuple[tuple[int, float], ...]
    close: tuple[int, ...] = ()


class Method(Protocol):
    """A way to compare texts: a similarity matrix of the day's papers against the library."""

    name: str
    calibration: Calibration

    def similarities(self, library: Sequence[str], papers: Sequence[str]) -> npt.NDArray[np.float32]:
        """The cosine similarity of every paper (rows) to every library text (columns).

        Raises:
            ConfigError: the method cannot be used here (its package is not installed).
        """
        ...


_WORDS = r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b"
"""Words as arxiv-sanity tokenises them: a letter or underscore, then letters, digits and underscores."""


class TfidfMethod:
    """TF-IDF over words and word pairs (scikit-learn), fitted on the library and the papers together."""

    name = "tfidf"
    calibration = Calibration(low=0.03, high=0.08)  # benchmarks/relevance.py: see the module docstring

    def similarities(self, library: Sequence[str], papers: Sequence[str]) -> npt.NDArray[np.float32]:
        """The cosine similarities of the papers' and library's l2-normalised TF-IDF vectors."""
        import numpy as np  # noqa: PLC0415  (scikit-learn and numpy load only when relevance is computed)
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

        if not library or not papers:
            return np.zeros((len(papers), len(library)), dtype=np.float32)
        vectorizer = TfidfVectorizer(
            strip_accents="unicode", lowercase=True, stop_words="english", ngram_range=(1, 2),
            token_pattern=_WORDS, sublinear_tf=True, max_df=0.5, dtype=np.float32,
        )  # fmt: skip
        try:
            matrix = vectorizer.fit_transform([*library, *papers])
        except ValueError:  # every text empty or only stop words: nothing to compare
            return np.zeros((len(papers), len(library)), dtype=np.float32)
        lib, new = matrix[: len(library)], matrix[len(library) :]
        return np.asarray((new @ lib.T).toarray(), dtype=np.float32)


class WordLlamaMethod:
    """WordLlama's static embeddings (256 dimensions), from the weights its wheel ships."""

    name = "wordllama"
    calibration = Calibration(low=0.48, high=0.70)

    def similarities(self, library: Sequence[str], papers: Sequence[str]) -> npt.NDArray[np.float32]:
        """The cosine similarities of the papers' and library's normalised WordLlama embeddings."""
        import numpy as np  # noqa: PLC0415

        if not library or not papers:
            return np.zeros((len(papers), len(library)), dtype=np.float32)
        model = _wordllama()
        lib = model.embed(list(library), norm=True)
        new = model.embed(list(papers), norm=True)
        return np.asarray(new @ lib.T, dtype=np.float32)


@cache
def _wordllama() -> _Embedder:
    """The bundled WordLlama model, loaded once from the package's own folder (its weights and tokenizer ship in
    the wheel; ``disable_download`` makes a missing file an error instead of a download).

    The package's default lookup looks for its tokenizer in ``wordllama/tokenizer/`` while the wheel ships it in
    ``wordllama/tokenizers/``, and then downloads it; giving the package folder as the cache folder finds both files
    where they are."""
    try:
        from pathlib import Path  # noqa: PLC0415

        import wordllama  # noqa: PLC0415
        from wordllama import WordLlama  # noqa: PLC0415
    except ImportError as e:
        raise ConfigError(
            "relevance method 'wordllama' needs the wordllama package: pip install 'hotpapers[profiles-embeddings]'"
        ) from e
    try:
        model: _Embedder = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except (OSError, ValueError) as e:
        raise ConfigError(f"relevance method 'wordllama': cannot load the bundled model: {e}") from e
    return model


class _Embedder(Protocol):
    def embed(self, texts: list[str], norm: bool = ...) -> npt.NDArray[np.float32]: ...


METHODS: dict[str, Method] = {"tfidf": TfidfMethod(), "wordllama": WordLlamaMethod()}
"""The relevance methods by name (``relevance_method`` of a profile)."""


def get_method(name: str) -> Method:
    """The method called ``name``.

    Raises:
        ConfigError: no such method.
    """
    try:
        return METHODS[name]
    except KeyError:
        raise ConfigError(f"relevance method {name!r}: unknown (known: {', '.join(sorted(METHODS))})") from None


def nearest(row: npt.NDArray[np.float32], k: int = NEIGHBOURS) -> tuple[tuple[int, float], ...]:
    """The ``k`` columns of ``row`` with the highest similarity (highest first, then lowest index)."""
    import numpy as np  # noqa: PLC0415

    if row.size == 0:
        return ()
    k = min(k, row.size)
    top = np.argpartition(-row, k - 1)[:k]
    ordered = sorted(top.tolist(), key=lambda i: (-float(row[i]), i))
    return tuple((int(i), float(row[i])) for i in ordered)


def relevance_of(matrix: npt.NDArray[np.float32], calibration: Calibration, k: int = NEIGHBOURS) -> list[Match]:
    """Each row's relevance: the calibrated mean of its ``k`` highest similarities (a row of an empty library: 0)."""
    matches = []
    for row in matrix:
        near = nearest(row, k)
        similarity = sum(s for _, s in near) / len(near) if near else 0.0
        close = tuple(i for i, s in near if calibration(s) >= CLOSE)
        matches.append(Match(calibration(similarity), similarity, near, close))
    return matches
