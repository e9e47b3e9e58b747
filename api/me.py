"""Who the token belongs to: the user, their role and language, the shops they work for."""
from flask_login import current_user

from api.conventions import Blueprint, View
from shared.extensions import db
from shared.schemas.me import Me
from shared.services import me

blp = Blueprint("me", __name__, url_prefix="/api/v1/me",
                description="Who you are: what an app shows and decides after logging in.")


@blp.route("")
class MeView(View):
    @blp.response(200, Me)
    def get(self):
        """Who am I

        The user the token belongs to: name, email, `role` (what the app offers),
        `language` (of answers when a request sends no Accept-Language), and the shops
        they work for (`shops`, by name; an admin works for all: `all_shops`). Logging
        in answers the same beside the token.
        """
        return me.profile(db.session, current_user)
