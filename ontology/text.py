"""How names are compared: the one folding rule of search, entity resolution and vocabularies."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Accents and case stripped, whitespace collapsed (``"Saïd  X"`` → ``"said x"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(bare.split())
