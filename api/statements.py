"""A client's statement: what a page owner owes for promotion work, per currency."""
from flask_login import current_user

from api.conventions import Blueprint, View
from shared.extensions import db
from shared.schemas.statements import Statement
from shared.services import statements

blp = Blueprint("statements", __name__, url_prefix="/api/v1/sellers",
                description="The bill of a client shop for promotion work.")


@blp.route("/<seller_id>/statement")
class SellerStatement(View):
    @blp.response(200, Statement)
    def get(self, seller_id):
        """Get a client's statement

        Per currency: `owed` (what the shop's active and completed jobs paid in money
        have earned so far), `paid` (client payments recorded) and `outstanding`
        (owed − paid). The jobs behind it are listed with their figures; jobs paid in
        kind are listed apart (`in_kind`), their estimated values in no total. Amounts
        are never added across currencies. For the shop's coordinator, its owner and
        admins.
        """
        return statements.statement(db.session, current_user, seller_id)
