"""Schemas of promotion jobs, their progress records and figures."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.models import MAX_COUNT, JobStatus, Metric, Platform, Split
from shared.schemas.base import ID, Amount, AwareDateTime, BaseSchema, Currency, Date, Id, Integer, ListQuery

URL = validate.URL(schemes={"http", "https"}, error="Not a valid http(s) URL.")
_URL_LENGTH = validate.Length(max=500)
_COUNT = validate.Range(min=0, max=MAX_COUNT)
_TITLE = validate.Length(max=200)
_NOTES = validate.Length(max=4000)
_DISCLOSURE = validate.Length(max=60)
DEFAULT_DISCLOSURE = "#إعلان"


def evidence_url(**kwargs) -> fields.String:
    return fields.String(validate=[_URL_LENGTH, URL], metadata={
        "example": "https://example.com/screenshots/2026-11-20.jpg",
        "description": "A screenshot or post that shows it (http or https)."}, **kwargs)


class Reward(BaseSchema):
    """An in-kind reward instead of money."""

    description = fields.String(required=True, validate=validate.Length(min=1, max=500),
                                metadata={"example": "صندوق حلويات مشكلة — a box of mixed sweets"})
    estimated_value = Amount(load_default=None, allow_none=True, metadata={
        "example": "200.00", "description": "What it is worth, in the job's currency; may be unknown."})


class PageRef(BaseSchema):
    id = fields.String(metadata=ID)
    platform = fields.Enum(Platform, by_value=True)
    url = fields.String(metadata={"example": "https://www.facebook.com/abukhalil.restaurant"})
    handle = fields.String(metadata={"example": "abukhalil.restaurant"})
    name = fields.String(metadata={"example": "مطعم أبو خليل"})


class JobMember(BaseSchema):
    user_id = Id(metadata=ID)
    name = fields.Function(lambda m: m.user.name, metadata={"type": "string", "example": "هدى"})
    assigned_at = fields.DateTime()


_TERMS = ("Only while the job is a draft (409 after): the terms the page owner agreed to.")


class PromotionCreate(BaseSchema):
    page_id = Id(required=True, metadata=ID)
    team_id = Id(load_default=None, allow_none=True, metadata={
        "description": "Your team that works on it; left out, your only team (if you have one)."})
    title = fields.String(load_default="", validate=_TITLE, metadata={"example": "١٠٠٠ متابع لمطعم أبو خليل"})
    metric = fields.Enum(Metric, by_value=True, load_default=Metric.followers,
                         metadata={"example": "followers"})
    baseline_count = Integer(required=True, validate=_COUNT, metadata={
        "example": 1000, "description": "The count on the page when the job starts."})
    target_gain = Integer(required=True, validate=validate.Range(min=1, max=MAX_COUNT), metadata={
        "example": 1000, "description": "How many more the price pays for (more than zero)."})
    price = Amount(load_default=None, positive=True, metadata={
        "example": "300.00", "description": "For the whole target; paid pro-rata. Or send `reward`."})
    currency = Currency(required=True)  # the price's, or the reward's estimated value's
    reward = fields.Nested(Reward, load_default=None, metadata={
        "description": "An in-kind reward instead of a price (send one of the two)."})
    deadline = Date(load_default=None, allow_none=True, metadata={"example": "2026-12-31"})
    notes = fields.String(load_default="", validate=_NOTES)
    disclosure = fields.String(load_default=DEFAULT_DISCLOSURE, validate=_DISCLOSURE, metadata={
        "example": DEFAULT_DISCLOSURE,
        "description": "The paid-promotion label the page should carry (#إعلان, #reklam), shown "
                       "as a reminder."})
    split = fields.Enum(Split, by_value=True, load_default=Split.equal, metadata={
        "description": "How payouts are shared: equally among the members, or by their "
                       "approved contributions."})

    @ma.validates_schema
    def _price_or_reward(self, data, **_kwargs):
        if (data.get("price") is None) == (data.get("reward") is None):
            raise ma.ValidationError("Send either price or reward, not both.", "price")


class PromotionUpdate(BaseSchema):
    status = fields.Enum(JobStatus, by_value=True, metadata={"example": "active"})
    title = fields.String(validate=_TITLE)
    team_id = Id(allow_none=True, metadata={
        "description": "Only while no member is assigned."})
    metric = fields.Enum(Metric, by_value=True, metadata={"description": _TERMS})
    baseline_count = Integer(validate=_COUNT, metadata={"description": _TERMS})
    target_gain = Integer(validate=validate.Range(min=1, max=MAX_COUNT), metadata={"description": _TERMS})
    price = Amount(positive=True, metadata={"description": f"Makes the job paid in money. {_TERMS}"})
    currency = Currency()
    reward = fields.Nested(Reward, metadata={"description": f"Makes the job paid in kind. {_TERMS}"})
    reward_received = fields.Boolean(metadata={"description": "The in-kind reward was handed over."})
    deadline = Date(allow_none=True)
    notes = fields.String(validate=_NOTES)
    disclosure = fields.String(validate=_DISCLOSURE)
    split = fields.Enum(Split, by_value=True)

    @ma.validates_schema
    def _price_or_reward(self, data, **_kwargs):
        if "price" in data and "reward" in data:
            raise ma.ValidationError("Send either price or reward, not both.", "price")


class ProgressRecord(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    job_id = Id(metadata=ID)
    count = fields.Integer(metadata={"example": 1500})
    observed_at = fields.DateTime()
    evidence_url = fields.String(allow_none=True)
    note = fields.String()
    recorded_by_id = Id(allow_none=True, metadata={"description": "Who typed it in."})
    created_at = fields.DateTime()


class ProgressCreate(BaseSchema):
    count = Integer(required=True, validate=_COUNT, metadata={
        "example": 1500, "description": "The count seen on the page (0 or more; Arabic-Indic "
                                        "digits accepted)."})
    observed_at = AwareDateTime(load_default=None, metadata={
        "description": "When it was seen; now if left out. Not in the future."})
    evidence_url = evidence_url(load_default=None, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class SeriesPoint(BaseSchema):
    at = fields.DateTime(metadata={"description": "When the count was seen."})
    count = fields.Integer(metadata={"example": 1500})


class StatusChange(BaseSchema):
    from_status = fields.Enum(JobStatus, by_value=True, allow_none=True,
                              metadata={"description": "null for the job's creation."})
    to_status = fields.Enum(JobStatus, by_value=True)
    at = fields.DateTime()
    actor_id = Id(allow_none=True)


_EARNED = ("price x min(gained, target_gain) / target_gain, rounded half-up to the cent; "
           "null for an in-kind reward. Frozen once the job is completed or cancelled.")


class Promotion(BaseSchema):
    """A job with its figures (a list item)."""

    id = fields.String(dump_only=True, metadata=ID)
    seller_id = Id(metadata={"description": "The page owner's shop."})
    page = fields.Nested(PageRef)
    coordinator_id = Id()
    team_id = Id(allow_none=True)
    title = fields.String()
    metric = fields.Enum(Metric, by_value=True)
    baseline_count = fields.Integer(metadata={"example": 1000})
    target_gain = fields.Integer(metadata={"example": 1000})
    price = Amount(allow_none=True, metadata={"example": "300.00"})
    currency = Currency()
    reward = fields.Method("_reward", allow_none=True, metadata={
        "type": ["object", "null"], "description": "The in-kind reward; null when paid in money.",
        "properties": {"description": {"type": "string"},
                       "estimated_value": {"type": ["string", "null"], "format": "decimal"}}})
    reward_received = fields.Boolean()
    deadline = fields.Date(allow_none=True)
    notes = fields.String()
    disclosure = fields.String(metadata={"example": DEFAULT_DISCLOSURE})
    split = fields.Enum(Split, by_value=True)
    status = fields.Enum(JobStatus, by_value=True)
    started_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    members = fields.List(fields.Nested(JobMember), metadata={"description": "Team members assigned."})
    latest_count = fields.Integer(attribute="figures.latest_count", allow_none=True, metadata={
        "example": 1500, "description": "The last count seen (by observation time); null before any."})
    gained = fields.Integer(attribute="figures.gained", metadata={
        "example": 500, "description": "max(0, latest_count - baseline_count)."})
    progress = fields.Float(attribute="figures.progress", metadata={
        "example": 0.5, "description": "min(1, gained / target_gain), to 4 decimals (rounded down)."})
    earned = Amount(attribute="figures.earned", allow_none=True, metadata={
        "example": "150.00", "description": _EARNED})
    frozen = fields.Boolean(attribute="figures.frozen", metadata={
        "description": "The job has ended: its figures no longer move."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    @staticmethod
    def _reward(job):
        if job.price is not None:
            return None
        value = job.reward_value
        return {"description": job.reward_description or "",
                "estimated_value": None if value is None else f"{value:.2f}"}


class PromotionDetail(Promotion):
    """A job with its figures, its progress history and chart series."""

    history = fields.List(fields.Nested(ProgressRecord), attribute="figures.history", metadata={
        "description": "Every count recorded, oldest to newest (by observation time)."})
    series = fields.List(fields.Nested(SeriesPoint), attribute="figures.series", metadata={
        "description": "For charts: every count while the history is short (60 or fewer); "
                       "for a long job, the last count of each local day."})
    status_history = fields.List(fields.Nested(StatusChange), attribute="events")


class PromotionQuery(ListQuery):
    status = fields.Enum(JobStatus, by_value=True, load_default=None)
    seller_id = Id(load_default=None)
    page_id = Id(load_default=None)
    team_id = Id(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "Search job titles and page names and handles; Arabic spelling variants match."})


class MembersAdd(BaseSchema):
    user_ids = fields.List(fields.String(validate=validate.Length(min=1, max=26)), required=True,
                           validate=validate.Length(min=1, max=50),
                           metadata={"example": ["01jd3k6w7x8y9z0a1b2c3d4e5f"]})
