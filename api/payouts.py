"""Payouts: a job's earnings split among its members (payout sets), and each share until paid."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.dates import local_today
from shared.extensions import db
from shared.schemas.payouts import (
    Payout, PayoutQuery, PayoutSet, PayoutSetCreate, PayoutSetQuery, PayoutUpdate,
)
from shared.services import payouts

blp = Blueprint("payouts", __name__, url_prefix="/api/v1/payouts",
                description="Each member's share of a job's earnings, pending until paid.")
sets_blp = Blueprint("payout_sets", __name__, url_prefix="/api/v1/payout-sets",
                     description="A job's earnings, less the coordinator's share, split among "
                                 "its members; never twice for the same earnings.")

payout_schema = Payout()


@sets_blp.route("")
class PayoutSets(View):
    @sets_blp.arguments(PayoutSetQuery, location="query")
    @sets_blp.response(200, PayoutSet(many=True))
    def get(self, query):
        """List payout sets

        Newest first, for the teams you coordinate, each with its payouts. Filter by
        `job_id` or `team_id`.
        """
        return page_response(payouts.list_payout_sets(
            db.session, current_user, job_id=query["job_id"], team_id=query["team_id"],
            limit=query["limit"], cursor=query["cursor"]))

    @sets_blp.arguments(PayoutSetCreate, example={"job_id": "01jd3k6w7x8y9z0a1b2c3d4e5f",
                                                  "split": "contributions"})
    @sets_blp.response(201, PayoutSet)
    def post(self, data):
        """Pay out a job

        Splits what the job earned since its last payout set (all of it the first
        time; on a completed job, its frozen earnings): the team's
        `coordinator_share` percentage goes to the coordinator (rounded half-up), the
        rest to the members, equally or by approved contributions, to the cent and
        summing exactly (100.00 among three is 33.34 + 33.33 + 33.33). Each member's
        share is a `pending` payout. Nothing is ever paid out twice: with nothing new
        earned, or when another request paid it out at the same moment, the answer
        is a 409 and nothing is written. Only active and completed jobs paid in money;
        only their coordinator.
        """
        return payouts.create_payout_set(db.session, current_user, data["job_id"], split=data["split"])


@sets_blp.route("/<set_id>")
class PayoutSetById(View):
    @sets_blp.response(200, PayoutSet)
    def get(self, set_id):
        """Get a payout set

        What it covers (`earned_before` to `earned_through`), the coordinator's share
        and each member's payout.
        """
        return payouts.get_payout_set(db.session, current_user, set_id)


@blp.route("")
class Payouts(View):
    @blp.arguments(PayoutQuery, location="query")
    @blp.response(200, Payout(many=True))
    def get(self, query):
        """List payouts

        Newest first: a promoter sees her own; a coordinator those of her teams.
        Filter by `job_id`, `user_id`, `team_id` and `status` (pending, paid).
        """
        filters = payouts.PayoutFilter(job_id=query["job_id"], user_id=query["user_id"],
                                       team_id=query["team_id"], status=query["status"])
        return page_response(payouts.list_payouts(db.session, current_user, filters,
                                                  limit=query["limit"], cursor=query["cursor"]))


@blp.route("/<payout_id>")
class PayoutById(View):
    @blp.response(200, Payout)
    def get(self, payout_id):
        """Get a payout

        One of your own, or of a team you coordinate.
        """
        return payouts.get_payout(db.session, current_user, payout_id)

    @blp.arguments(PayoutUpdate, example={"status": "paid", "paid_on": "2026-11-26", "method": "cash"})
    @blp.response(200, Payout)
    def patch(self, changes, payout_id):
        """Mark a payout paid

        `status` runs pending → paid, with `paid_on` (today if left out) and `method`
        (cash if left out); a paid payout's day and method may be corrected, but it
        never becomes pending again (409). Only the coordinator (the promoter reads
        hers: 403).
        """
        payout = payouts.get_payout(db.session, current_user, payout_id, for_update=True)
        check_if_match(payout_schema, payout)
        return payouts.update_payout(db.session, current_user, payout, changes,
                                     today=local_today(current_app.config["TIMEZONE"]))
