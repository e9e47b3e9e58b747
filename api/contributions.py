"""Contributions: what a team member did on a job, and the coordinator's review."""
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.contributions import (
    Contribution, ContributionCreate, ContributionQuery, ContributionUpdate,
)
from shared.services import contributions

blp = Blueprint("contributions", __name__, url_prefix="/api/v1/contributions",
                description="What each member did on a job; approved ones weigh in payouts.")

contribution_schema = Contribution()

EXAMPLE = {"job_id": "01jd3k6w7x8y9z0a1b2c3d4e5f", "kind": "followers", "quantity": "١٢٠",
           "note": "دعوت صديقاتي في مجموعة الحي", "evidence_url": "https://example.com/s/huda-1.jpg"}


@blp.route("")
class Contributions(View):
    @blp.arguments(ContributionQuery, location="query")
    @blp.response(200, Contribution(many=True))
    def get(self, query):
        """List contributions

        Newest first: a promoter sees her own; a coordinator those of her teams.
        Filter by `job_id`, `user_id`, `team_id` and `status` (pending, approved,
        rejected).
        """
        filters = contributions.ContributionFilter(job_id=query["job_id"], user_id=query["user_id"],
                                                   team_id=query["team_id"], status=query["status"])
        return page_response(contributions.list_contributions(
            db.session, current_user, filters, limit=query["limit"], cursor=query["cursor"]))

    @blp.arguments(ContributionCreate, example=EXAMPLE)
    @blp.response(201, Contribution)
    def post(self, data):
        """Record a contribution

        What a member did on a job she is assigned to: `kind`, `quantity`, a note and
        an `evidence_url`. A promoter records her own; the coordinator records for a
        member (`user_id`). It waits, `pending`, for the coordinator's review. Not on
        a draft job (409).
        """
        return contributions.create_contribution(db.session, current_user, data)


@blp.route("/<contribution_id>")
class ContributionById(View):
    @blp.response(200, Contribution)
    def get(self, contribution_id):
        """Get a contribution

        One of your own, or of a team you coordinate.
        """
        return contributions.get_contribution(db.session, current_user, contribution_id)

    @blp.arguments(ContributionUpdate, example={"status": "rejected",
                                                "rejection_reason": "The screenshot shows another page."})
    @blp.response(200, Contribution)
    def patch(self, changes, contribution_id):
        """Change or review a contribution

        The coordinator approves (`status`: approved), rejects with a
        `rejection_reason`, or sets it pending again; a promoter edits her own while
        it is pending (403 once reviewed, or for `status`).
        """
        contribution = contributions.get_contribution(db.session, current_user, contribution_id,
                                                      for_update=True)
        check_if_match(contribution_schema, contribution)
        return contributions.update_contribution(db.session, current_user, contribution, changes)

    @blp.response(204)
    def delete(self, contribution_id):
        """Delete a contribution

        A promoter takes back her own while it is pending; the coordinator any.
        """
        contribution = contributions.get_contribution(db.session, current_user, contribution_id,
                                                      for_update=True)
        check_if_match(contribution_schema, contribution)
        contributions.delete_contribution(db.session, current_user, contribution)
