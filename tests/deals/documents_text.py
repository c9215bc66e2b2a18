"""The text of a document page and of its PDF, as words, to compare them (issue 25: one
document model, the page and the PDF never differ)."""

from __future__ import annotations

import html
import re
import subprocess
from collections import Counter


def pdftotext(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (layout order)."""
    assert data.startswith(b"%PDF")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def page_document_text(markup: str) -> str:
    """The text of the document itself on its page: the <article> without the no-print links."""
    article = markup[markup.index("<article") : markup.index("</article>")]
    article = re.sub(r'<p class="no-print">.*?</p>', " ", article, flags=re.S)
    # a numbered list's numbers are drawn by the browser; the PDF prints them
    article = re.sub(r"<ol>.*?</ol>", _numbered, article, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", article)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _numbered(match) -> str:
    items = re.split(r"<li>", match.group(0))
    return items[0] + "".join(f" {n}. {item}" for n, item in enumerate(items[1:], start=1))


def words(text: str) -> Counter:
    return Counter(w.lower() for w in re.findall(r"\w+", text))


def pdf_words(data: bytes, number: str) -> Counter:
    """The PDF's words without each page's footer (the number and ``page/pages``)."""
    text = pdftotext(data)
    text = re.sub(r"(Nomor:\s*)?" + re.escape(number) + r"\s+\d+/\d+", " ", text)
    return words(text)
