"""Fenced code blocks of the docs' Markdown pages, as the sample and terminology tests read them.

A fence is a line of three or more backticks (or tildes), indented by at most a list item's
indentation, followed by an info string without backticks (CommonMark): a line such as
``` `to` is ...``` is inline code, not a fence. The line just before a fence (no blank line
between) may carry a marker, ``<!-- not run: reason -->``, that keeps the block from being run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
_OPEN = re.compile(r"^(?P<indent> {0,6})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_NOT_RUN = re.compile(r"^\s*<!--\s*not run:\s*(?P<reason>.+?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, text, first line number and not-run reason (if any)."""

    page: Path
    line: int
    lang: str
    code: str
    not_run: str | None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def split(text: str, page: Path) -> tuple[list[Block], list[str]]:
    """The page's fenced blocks, and its prose lines (everything outside the blocks)."""
    lines = text.splitlines()
    blocks: list[Block] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            prose.append(lines[i])
            i += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        start, body = i + 1, []
        i += 1
        closing = re.compile(rf"^ {{0,{indent + 3}}}{fence[0]}{{{len(fence)},}}\s*$")
        while i < len(lines) and not closing.match(lines[i]):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        i += 1  # the closing fence (or the end of the page)
        marker = _NOT_RUN.match(lines[start - 2]) if start >= 2 else None
        info = match["info"].strip().split()
        blocks.append(
            Block(
                page=page,
                line=start,
                lang=info[0].lower() if info else "",
                code="\n".join(body) + "\n",
                not_run=marker["reason"] if marker else None,
            )
        )
    return blocks, prose


def blocks_of(page: Path) -> list[Block]:
    return split(page.read_text("utf-8"), page)[0]


def prose_of(page: Path) -> list[str]:
    return split(page.read_text("utf-8"), page)[1]
