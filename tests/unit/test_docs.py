"""The documentation's relative links lead somewhere: every Markdown link in README.md and
docs/*.md to a file of the repository names one that exists, and a link to a heading
(`file.md#anchor` or `#anchor`) names a heading of that file, as GitHub makes anchors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

# Written on another branch at the same time as these docs; the links to it stand ready.
# Once it is merged this changes nothing: an existing file is checked like any other.
BEING_WRITTEN = {REPO / "docs" / "telegram-setup.md"}

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~)")


def _prose(text: str) -> str:
    """The text outside fenced code blocks, where [x](y) is not a link."""
    kept, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(line)
    return "\n".join(kept)


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (letters of any
    script, digits, spaces, hyphens and underscores kept), spaces become hyphens."""
    text = re.sub(r"`|\*\*|\[|\]\([^)]*\)", "", heading).strip().lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in _prose(path.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = anchor(match.group(1))
            count = seen.get(base, 0)
            found.add(base if count == 0 else f"{base}-{count}")
            seen[base] = count + 1
    return found


def links(path: Path) -> list[str]:
    return LINK.findall(_prose(path.read_text(encoding="utf-8")))


def test_anchors_are_made_as_github_makes_them() -> None:
    assert anchor("Filing a request: the citizen's side") == "filing-a-request-the-citizens-side"
    assert anchor("Digests and `/ozet`") == "digests-and-ozet"
    assert anchor("Başka kanaldan gelen talebi kaydetmek: /kayit") == (
        "başka-kanaldan-gelen-talebi-kaydetmek-kayit"
    )
    assert anchor("`config.toml`, key by key") == "configtoml-key-by-key"


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_relative_link_points_to_a_file_and_heading_that_exist(doc: Path) -> None:
    broken = []
    for target in links(doc):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, file:
            continue
        file_part, _, fragment = target.partition("#")
        path = (doc.parent / file_part).resolve() if file_part else doc
        if path in BEING_WRITTEN and not path.exists():
            continue
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif fragment and path.suffix == ".md" and fragment not in anchors(path):
            broken.append(f"{target}: no heading #{fragment} in {path.name}")
    assert not broken, f"{doc.name} has broken links:\n" + "\n".join(broken)


def test_the_docs_are_linked_from_the_readme() -> None:
    readme = set(links(REPO / "README.md"))
    for doc in DOCS[1:]:
        assert f"docs/{doc.name}" in readme, f"README.md does not lead to docs/{doc.name}"


def test_the_readme_names_the_two_make_targets_it_promises() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M), f"the Makefile has no {target} target"
