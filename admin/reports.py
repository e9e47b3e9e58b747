"""Reports (/admin/reports): what the shops a person works for sold over a range of days,
per currency (never added across currencies): orders, revenue, money collected, refunds,
returns, market runs' costs and margins, and the top products.

The figures are shared.services.reports.sales_report's, read with the API's query schema.
"""
import marshmallow as ma
from flask import current_app, request
from flask_login import current_user

from admin.conventions import View, field_errors, parse
from admin.rendering import render, target
from admin.views import bp
from shared.errors import Invalid
from shared.extensions import db
from shared.schemas.reports import SalesReportQuery
from shared.services import reports

query_schema = SalesReportQuery()


@bp.view("/reports", "reports")
class Reports(View):
    def get(self):
        """The range typed (`from`, `to`: local days, both included; either may be empty)."""
        try:
            query = parse(query_schema, query=True)
            report = reports.sales_report(db.session, current_user, start=query["start"], end=query["end"],
                                          seller_id=query["seller_id"], tz_name=current_app.config["TIMEZONE"])
        except (ma.ValidationError, Invalid) as error:
            return render("admin/reports.html", code=422, report=None, filters=request.args,
                          errors=field_errors(error))
        return render("admin/reports.html", block="figures" if target() == "figures" else "main",
                      report=report, filters=request.args, errors={})
