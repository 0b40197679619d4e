"""A Python handle on ``tests/js/lumen_check.cjs``: a Lumen blog's Markdown pipeline (remark, remark-math, KaTeX).

One Node process serves a whole test module (requests and answers are JSON lines on its standard streams), so
a property test can send hundreds of posts through the real JavaScript pipeline in a few seconds.
"""

from __future__ import annotations

import re
from typing import Any

from helpers.engines import JS, LineServer, executable, node_modules

_ANNOTATION_RE = re.compile(r'<annotation encoding="application/x-tex">.*?</annotation>', re.DOTALL)


class LumenPipeline(LineServer):
    """The running Node process; :meth:`close` it when done."""

    def __init__(self) -> None:
        node_modules()
        super().__init__([executable("node", "nodejs"), str(JS / "lumen_check.cjs")], JS)

    def post(self, markdown: str) -> dict[str, Any]:
        """Render a whole post: ``math`` (each math node's value, display flag and KaTeX error or None), the page
        ``html`` (math rendered by KaTeX, as gatsby-remark-katex does) and ``math2020`` (the values the original
        blog's remark 10 + remark-math 1 found)."""
        return self.ask({"markdown": markdown})

    def spans(self, markdown: str) -> tuple[list[str], list[str]]:
        """The values of the math nodes today's Lumen pipeline finds in a post, and those the 2020 one finds."""
        answer = self.ask({"spans": markdown})
        return answer["math"], answer["math2020"]

    def katex(self, sources: list[str]) -> list[str | None]:
        """Each inline TeX source rendered by KaTeX (its TeX annotation left out), or None if KaTeX refuses it."""
        rendered = self.ask({"tex": sources})["rendered"]
        return [None if r["error"] else _ANNOTATION_RE.sub("", r["html"]) for r in rendered]
