"""A person's own preferences in the admin: the language it speaks to them in."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.errors import Invalid
from shared.models import Language, User


def language_from(value: str) -> Language:
    """:raise Invalid: for anything but a language Tawasi speaks (`ar`, `en`)."""
    try:
        return Language(value)
    except ValueError:
        raise Invalid("language", _l("Choose Arabic (ar) or English (en).")) from None


def set_language(session: Session, user: User, value: str) -> User:
    """Remembers `user`'s language; the caller commits.

    :raise Invalid: for a language Tawasi does not speak.
    """
    user.language = language_from(value)
    session.flush()
    return user
