"""Every table of the domain; importing this module registers them all with the metadata."""
from shared.models.accounts import ApiToken, IdempotencyKey, KnownDevice, Language, Role, User
from shared.models.base import Tenanted, TenantChild, new_id, utcnow
from shared.models.changes import Change, ChangeOp, TenantCounter
from shared.models.client_ids import ClientChosenId
from shared.models.customers import Customer
from shared.models.market_runs import MarketRun, MarketRunCost, MarketRunLumpSum, MarketRunStatus
from shared.models.orders import Channel, Order, OrderEvent, OrderLine, OrderStatus, PaymentStatus
from shared.models.payments import Payment, PaymentMethod, RefundReason
from shared.models.products import Product
from shared.models.returns import OrderReturn, OrderReturnLine
from shared.models.sellers import Seller, SellerCategory, shops_of
from shared.models.pages import Platform, SocialPage
from shared.models.teams import Team, TeamMember, TeamRole, coordinated_by, teams_of
from shared.models.promotions import (
    MAX_COUNT, JobEvent, JobMember, JobStatus, Metric, ProgressRecord, PromotionJob, Split,
)
from shared.models.contributions import Contribution, ContributionKind, ReviewStatus
from shared.models.payouts import Payout, PayoutSet, PayoutStatus
from shared.models.contests import Contest, ContestEntry, EntryResult
from shared.models.client_payments import ClientPayment
from shared.models.webhooks import (
    DeliveryStatus, DisabledReason, WebhookAttempt, WebhookDelivery, WebhookSubscription,
)

__all__ = [
    "ApiToken", "IdempotencyKey", "KnownDevice", "Language", "Role", "User",
    "Tenanted", "TenantChild", "new_id", "utcnow",
    "Change", "ChangeOp", "TenantCounter",
    "Customer", "MarketRun", "MarketRunCost", "MarketRunLumpSum", "MarketRunStatus",
    "Channel", "Order", "OrderEvent", "OrderLine", "OrderStatus", "PaymentStatus",
    "OrderReturn", "OrderReturnLine", "Payment", "PaymentMethod", "RefundReason", "Product", "Seller", "SellerCategory", "shops_of",
    "Platform", "SocialPage", "Team", "TeamMember", "TeamRole", "coordinated_by", "teams_of",
    "MAX_COUNT", "JobEvent", "JobMember", "JobStatus", "Metric", "ProgressRecord", "PromotionJob", "Split",
    "Contribution", "ContributionKind", "ReviewStatus", "Payout", "PayoutSet", "PayoutStatus",
    "Contest", "ContestEntry", "EntryResult", "ClientPayment",
    "ClientChosenId", "DeliveryStatus", "DisabledReason", "WebhookAttempt", "WebhookDelivery",
    "WebhookSubscription",
]
