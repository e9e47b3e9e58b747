"""Promotion jobs: a coordinator's paid work on a page, its progress, members and earnings."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.promotions import (
    MembersAdd, ProgressCreate, ProgressRecord, PromotionCreate, PromotionDetail, PromotionQuery,
    Promotion, PromotionUpdate,
)
from shared.services import promotions

blp = Blueprint(
    "promotions", __name__, url_prefix="/api/v1/promotions",
    description="Jobs that grow a client's page for a price per result, paid pro-rata. Counts "
                "are what people saw and typed in: Tawasi never operates social accounts and "
                "never automates follows, likes or posts.",
)

detail_schema = PromotionDetail()

EXAMPLE = {
    "page_id": "01jd3k6w7x8y9z0a1b2c3d4e5f", "title": "١٠٠٠ متابع — 1,000 followers",
    "metric": "followers", "baseline_count": 1000, "target_gain": 1000, "price": "300.00",
    "currency": "TRY", "deadline": "2026-12-31", "disclosure": "#إعلان",
}


def _tz() -> str:
    return current_app.config["TIMEZONE"]


@blp.route("")
class Promotions(View):
    @blp.arguments(PromotionQuery, location="query")
    @blp.response(200, Promotion(many=True))
    def get(self, query):
        """List promotion jobs

        Newest first, each with its figures (`latest_count`, `gained`, `progress`,
        `earned`); GET one job for its history. A coordinator sees her jobs, a
        promoter the jobs she is assigned to, a page owner the jobs on her pages.
        Filter by `status`, `seller_id`, `page_id`, `team_id`; `q` searches titles and
        page names and handles (Arabic spelling variants match).
        """
        filters = promotions.JobFilter(status=query["status"], seller_id=query["seller_id"],
                                       page_id=query["page_id"], team_id=query["team_id"], q=query["q"])
        return page_response(promotions.list_jobs(db.session, current_user, filters,
                                                  limit=query["limit"], cursor=query["cursor"]))

    @blp.arguments(PromotionCreate, example=EXAMPLE)
    @blp.response(201, PromotionDetail)
    def post(self, data):
        """Start a promotion job (as a draft)

        A job on a page of one of your client shops: grow `metric` by `target_gain`
        from `baseline_count`, for `price` in `currency` for the whole target (half
        the gain earns half the price), or for an in-kind `reward` {description,
        estimated_value}: send one of the two. It starts as a `draft`; PATCH its
        `status` to `active` when the work begins. `team_id` defaults to your only
        team. Page owners and promoters read jobs but start none (403).
        """
        return promotions.create_job(db.session, current_user, data, tz_name=_tz())


@blp.route("/<job_id>")
class PromotionById(View):
    @blp.response(200, PromotionDetail)
    def get(self, job_id):
        """Get a promotion job

        The job with its figures: `latest_count` (by observation time), `gained` =
        max(0, latest − baseline), `progress` = min(1, gained / target_gain), and
        `earned` = price × min(gained, target_gain) / target_gain, rounded half-up to
        the cent (null for an in-kind reward). Also its progress `history` oldest
        first, a `series` for charts (at most one point a day for a long job), and
        its `status_history`. Figures are frozen once it is completed or cancelled.
        """
        return promotions.get_job(db.session, current_user, job_id, tz_name=_tz())

    @blp.arguments(PromotionUpdate, example={"status": "active"})
    @blp.response(200, PromotionDetail)
    def patch(self, changes, job_id):
        """Change a promotion job

        `status` runs draft → active → completed, or cancelled before completion (409
        with `allowed` otherwise); completing or cancelling freezes the earnings at the
        last count. The terms (`metric`, `baseline_count`, `target_gain`, `price`,
        `currency`, `reward`) change only while it is a draft. `team_id` changes only
        while nobody is assigned. Only the job's coordinator changes it (403 for the
        page owner and its members, who read it).
        """
        job = promotions.get_job(db.session, current_user, job_id, tz_name=_tz(), for_update=True)
        check_if_match(detail_schema, job)
        return promotions.update_job(db.session, current_user, job.row, changes, tz_name=_tz())

    @blp.response(204)
    def delete(self, job_id):
        """Delete a draft job

        Only drafts (a job started by mistake); any other is a 409: cancel it instead,
        so its history and earnings stay on record.
        """
        job = promotions.get_job(db.session, current_user, job_id, tz_name=_tz(), for_update=True)
        check_if_match(detail_schema, job)
        promotions.delete_job(db.session, current_user, job.row)


@blp.route("/<job_id>/progress")
class PromotionProgress(View):
    @blp.response(200, ProgressRecord(many=True))
    def get(self, job_id):
        """List a job's progress records

        Every count recorded, oldest to newest by observation time, with who typed it
        in. Not paginated (a job's history is part of the job).
        """
        return promotions.history(promotions.load_job(db.session, current_user, job_id))

    @blp.arguments(ProgressCreate, example={"count": "١٥٠٠", "evidence_url": "https://example.com/s/1.jpg"})
    @blp.response(201, ProgressRecord)
    def post(self, data, job_id):
        """Record progress

        A count a person saw on the page (Arabic-Indic digits accepted), `observed_at`
        now if left out (never in the future: 422), an optional `evidence_url` (a
        screenshot). You are kept as who recorded it. The job's figures follow the
        latest count by observation time. Tawasi never reads counts from a platform
        by itself, and never follows, likes or posts: every count is typed in by a
        person. Only while the job is active (409 otherwise); only its coordinator.
        """
        job = promotions.load_job(db.session, current_user, job_id, for_update=True)
        return promotions.add_progress(db.session, current_user, job, count=data["count"],
                                       observed_at=data["observed_at"],
                                       evidence_url=data["evidence_url"], note=data["note"])


@blp.route("/<job_id>/progress/<record_id>")
class PromotionProgressById(View):
    @blp.response(204)
    def delete(self, job_id, record_id):
        """Delete a progress record

        A count typed by mistake, while the job is active (409 after it ended: its
        figures are frozen).
        """
        job = promotions.get_job(db.session, current_user, job_id, tz_name=_tz(), for_update=True)
        check_if_match(detail_schema, job)
        promotions.delete_progress(db.session, current_user, job.row, record_id)


@blp.route("/<job_id>/members")
class PromotionMembers(View):
    @blp.arguments(MembersAdd, example={"user_ids": ["01jd3k6w7x8y9z0a1b2c3d4e5f"]})
    @blp.response(200, PromotionDetail)
    def post(self, data, job_id):
        """Assign members to a job

        Members of the job's team; those already assigned stay as they are. An
        assigned promoter sees the job, records her contributions and shares its
        payouts. Not once the job has ended (409).
        """
        job = promotions.load_job(db.session, current_user, job_id, for_update=True)
        return promotions.add_members(db.session, current_user, job, data["user_ids"], tz_name=_tz())


@blp.route("/<job_id>/members/<user_id>")
class PromotionMemberById(View):
    @blp.response(204)
    def delete(self, job_id, user_id):
        """Unassign a member

        She no longer sees the job; her contributions and payouts stay.
        """
        job = promotions.get_job(db.session, current_user, job_id, tz_name=_tz(), for_update=True)
        check_if_match(detail_schema, job)
        promotions.remove_member(db.session, current_user, job.row, user_id)
