"""The audit trail (/admin/audit, admins only): every write, who made it, from which
client, and money before and after, newest first; narrowed by kind, row, person and time.

The rules (admins only, a year kept) are in shared.services.audit; the filters read
shared/schemas/audit.py, as GET /api/v1/audit does.
"""
import marshmallow as ma
from flask import request
from flask_login import current_user

from admin.conventions import View, field_errors, parse
from admin.rendering import list_block, render
from admin.views import bp
from shared.extensions import db
from shared.schemas.audit import AuditQuery
from shared.services import audit
from shared.services.kinds import KINDS

query_schema = AuditQuery()


@bp.view("/audit", "audit")
class Audit(View):
    def get(self):
        user = current_user._get_current_object()
        audit.require_admin(user)
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return _list(None, code=422, errors=field_errors(error))
        filters = audit.AuditFilter(kind=query["kind"], row_id=query["row_id"], user_id=query["user_id"],
                                    tenant_id=query["tenant_id"], start=query["start"], end=query["end"])
        page = audit.entries(db.session, user, filters, limit=query["limit"], cursor=query["cursor"])
        return _list(page, block=list_block())


def _list(page, *, block: str = "main", code: int = 200, errors=None):
    return render("admin/audit.html", block=block, code=code, page=page, errors=errors or {},
                  kinds=[*KINDS, "users"], filters=request.args)
