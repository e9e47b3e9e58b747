"""Sync: what changed in every shop you work for since your last sync (offline phones)."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View
from shared.extensions import db
from shared.schemas.sync import SyncPage, SyncQuery
from shared.services import sync

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync",
                description="Delta sync for offline phones: rows changed and deleted since a cursor.")


@blp.route("")
class Sync(View):
    @blp.arguments(SyncQuery, location="query")
    @blp.response(200, SyncPage)
    def get(self, query):
        """Sync changes

        Every shop you work for (a coordinator's five in one call), per kind of row:
        `upserted`, the rows created or changed since `since`, each once as its single GET
        shows it; `deleted`, the ids of rows deleted or that you may no longer see (a shop
        handed to another coordinator). Without `since`, a full first sync. Keep the new
        `cursor` and, while `has_more`, ask again at once. A change committed late is never
        skipped. Send `Accept-Encoding: gzip`; `fields=products.name,...` trims rows.

        A cursor given to another user is a 403 (`sync-cursor-foreign`); one older than
        the change log keeps, or from before the server synced more kinds, is a 410
        (`sync-cursor-expired`): sync again without `since`.
        """
        page = sync.pull(db.session, current_user, secret=current_app.config["SECRET_KEY"],
                         since=query["since"], limit=query["limit"], only=sync.parse_fields(query["fields"]))
        return current_app.json.response(
            {"changes": page.changes, "cursor": page.cursor, "has_more": page.has_more})
