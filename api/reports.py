"""Reports: what the shops you work for sold, per currency."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View
from shared.extensions import db
from shared.schemas.reports import SalesReport, SalesReportQuery
from shared.services import reports

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Figures over a range of days, per currency.")


@blp.route("/sales")
class Sales(View):
    @blp.arguments(SalesReportQuery, location="query")
    @blp.response(200, SalesReport)
    @blp.doc(operationId="getSalesReport")
    def get(self, query):
        """Get the sales report

        Orders placed from `from` to `to` (local calendar days, both included; either
        may be left out), cancelled orders excluded, per currency: `orders`,
        `revenue`, `delivered_revenue`, `collected` and the five `top_products` by
        quantity. Covers the shops you work for (a seller its own, a coordinator its
        clients, an admin all), or the one `seller_id`.
        """
        return reports.sales_report(db.session, current_user, start=query["start"], end=query["end"],
                                    seller_id=query["seller_id"],
                                    tz_name=current_app.config["TIMEZONE"])
