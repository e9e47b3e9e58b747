"""Text normalisation for people typing Arabic on phones: digits, search folding, and
the invisible characters no name or note may carry."""
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


# What people put between thousands when they type a count: "12,500", "١٢٬٥٠٠", "12 500".
_GROUPING = re.compile(r"(?<=[0-9\u0660-\u0669\u06f0-\u06f9])[,\u066c\u060c \u00a0\u202f\u2009](?=[0-9\u0660-\u0669\u06f0-\u06f9]{3}(?![0-9\u0660-\u0669\u06f0-\u06f9]))")


def without_grouping(text: str) -> str:
    """'١٢٬٥٠٠' -> '١٢٥٠٠', '12,500' -> '12500': a whole number as a person copies it from a
    page, with the marks between its thousands dropped (a mark before fewer than three
    digits is left, so "1,5" still reads as a mistake)."""
    return _GROUPING.sub("", text.strip())


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


def like_pattern(text: str, *, at_end: bool = False) -> str:
    """A LIKE pattern that finds `text` anywhere (or, `at_end`, only at the end), with % and _
    taken literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}" if at_end else f"%{escaped}%"


# Invisible characters that change how the text AROUND them is shown: the bidirectional
# embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069). One U+202E in a
# product name turns "300.00" into "00.003" in the WhatsApp message it lands in. Marks
# that only nudge neutral characters (LRM U+200E, RLM U+200F, ALM U+061C), the joiners
# emoji and Persian need (ZWJ U+200D, ZWNJ U+200C) and Arabic's own format characters
# stay: people's keyboards type them, and they reorder nothing beyond themselves.
_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_OTHER_INVISIBLE = {0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB}  # byte-order mark, interlinear annotation
_LINE_BREAKS = {"\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"}


def _dropped(char: str) -> bool:
    code = ord(char)
    if code in _BIDI_CONTROLS or code in _OTHER_INVISIBLE:
        return True
    category = unicodedata.category(char)
    return category == "Cs" or (category == "Cc" and char not in _LINE_BREAKS and char != "\t")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """`text` without control characters and bidirectional overrides, otherwise exactly as typed.

    Arabic, emoji and right-to-left text are untouched. In a one-line text (a name), tabs
    and line breaks become spaces; in a multi-line one (a note), every kind of line break
    becomes "\\n" and tabs stay. Lone surrogates (not text at all) go too.
    """
    if multiline:
        text = text.replace("\r\n", "\n")
    kept = []
    for char in text:
        if _dropped(char):
            continue
        if char in _LINE_BREAKS:
            kept.append("\n" if multiline else " ")
        elif char == "\t" and not multiline:
            kept.append(" ")
        else:
            kept.append(char)
    return "".join(kept)
