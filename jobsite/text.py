"""Text as people type it, reduced to the form two spellings of one thing share."""

import re
import unicodedata

NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """ "München, BY" → "munchen by": case, accents and punctuation set aside, single
    spaces. Casefolding turns ß into ss; letters without a decomposition (ø, ł) stay."""
    bare = text.casefold()
    # Most text is ASCII, which has nothing to decompose: searches fold every role name.
    if not bare.isascii():
        decomposed = unicodedata.normalize("NFKD", bare)
        bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(NOT_WORD.sub(" ", bare).split())
