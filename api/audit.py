"""The audit trail (admins): every write, who made it, from which client, money before and after."""
from flask_login import current_user

from api.conventions import Blueprint, View, page_response, problems
from shared.extensions import db
from shared.schemas.audit import AuditEntry, AuditQuery
from shared.services import audit

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit",
                description="Who changed what, when and from which client (admins only; kept a year).")


@blp.route("")
class Audit(View):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditEntry(many=True))
    @problems(403)
    def get(self, query):
        """List the audit trail

        Every write to a shop's or a team's rows and to accounts, newest first: who
        made it (`user_id`), from which client (`client`: an API token or an admin
        login session), when, the row's `kind` and `row_id`, and for money the amounts
        before and after. Narrow it by `kind`, `row_id`, `user_id`, `tenant_id` and a
        time range (`from`, `to`). Kept a year (`flask prune-audit`). Admins only:
        anyone else gets a 403.
        """
        filters = audit.AuditFilter(kind=query["kind"], row_id=query["row_id"], user_id=query["user_id"],
                                    tenant_id=query["tenant_id"], start=query["start"], end=query["end"])
        page = audit.entries(db.session, current_user, filters, limit=query["limit"], cursor=query["cursor"])
        return page_response(page)
