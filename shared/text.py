"""Text normalisation for people typing Arabic on phones: digits and search folding."""
import re
import unicodedata

# Arabic-Indic (U+0660..) and Eastern Arabic/Persian (U+06F0..) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
# Arabic decimal separator and thousands separator.
_NUMBER_PUNCTUATION = {ord("٫"): ".", ord("٬"): None, ord("،"): None}

_FOLD_LETTERS = str.maketrans({"ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
_SPACES = re.compile(r"\s+")


def ascii_digits(text: str) -> str:
    """'١٥٠٫٥' -> '150.5': the digits a phone keyboard may type, as ASCII."""
    return text.translate(_DIGITS)


def normalise_number(text: str) -> str:
    """A typed number, ready for Decimal/int: ASCII digits, '.' decimal point, no grouping."""
    return ascii_digits(text).translate(_NUMBER_PUNCTUATION).replace("\u066b", ".").strip()


def fold(text: str | None) -> str:
    """Search key: hamza/alef forms -> ا, ة -> ه, ى -> ي; no diacritics or tatweel; casefolded.

    NFKD splits أ إ آ ؤ ئ into a base letter and a combining hamza/madda, and Latin é
    into e + accent; dropping every combining mark folds all of them at once.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = ascii_digits(stripped).translate(_FOLD_LETTERS).casefold()
    return _SPACES.sub(" ", folded).strip()


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, with % and _ taken literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
