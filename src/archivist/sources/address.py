"""Where a page says it was published: the address a citation needs.

Read from the page itself, strongest first: a `<link rel="canonical">`, then MediaWiki's
"Retrieved from" line (the permanent link of the revision the page was saved from). The address
given beside the files (a MANIFEST.csv, a wget mirror's host folder) is the collector's business
and ranks above both (see `archivist.pipeline`).
"""

from __future__ import annotations

import html
import re

_CANONICAL = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
_RETRIEVED = re.compile(
    r"Retrieved from\s*[\"“]?\s*(?:<a\b[^>]*\bhref\s*=\s*[\"']([^\"']+)[\"'][^>]*>|(https?://[^\s\"”<]+))",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(r"^https?://[^\s/]+\.[^\s/]+", re.IGNORECASE)


def page_address(text: str) -> tuple[str, str] | None:
    """The page's own published address and where it was read (`link:canonical`,
    `mediawiki:retrieved-from`), or None. Only absolute http(s) addresses count."""
    head = text[:65536]
    for tag in _CANONICAL.finditer(head):
        href = _HREF.search(tag.group(0))
        url = _clean(next((g for g in href.groups() if g), "")) if href else ""
        if url:
            return url, "link:canonical"
    tail = text[-65536:]
    # Every match holds "Retrieved from" in some case: ASCII letters and a space, which no other
    # character lowercases to. Encoded to ASCII with every other character as "?" (a copy for ASCII
    # text), then lowercased as bytes, the tail holds "eved from" exactly when tail.lower() does, at
    # a fraction of str.lower's cost on non-ASCII text (and four times cheaper than the case-blind
    # pattern).
    if b"eved from" not in tail.encode("ascii", "replace").lower():
        return None
    for match in _RETRIEVED.finditer(tail):
        url = _clean(match.group(1) or match.group(2) or "")
        if url:
            return url, "mediawiki:retrieved-from"
    return None


def _clean(url: str) -> str:
    url = html.unescape(url.strip())
    return url if _ABSOLUTE.match(url) else ""
