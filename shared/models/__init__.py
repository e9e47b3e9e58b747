"""Every table of the domain; importing this module registers them all with the metadata."""
from shared.models.accounts import ApiToken, IdempotencyKey, Language, Role, User
from shared.models.base import new_id, utcnow
from shared.models.catalogue import Product, Seller, SellerCategory
from shared.models.orders import (
    Channel, Customer, MarketRun, MarketRunCost, MarketRunStatus, Order, OrderEvent,
    OrderLine, OrderStatus, Payment, PaymentMethod, PaymentStatus,
)

__all__ = [
    "ApiToken", "IdempotencyKey", "Language", "Role", "User",
    "Product", "Seller", "SellerCategory", "new_id", "utcnow",
    "Channel", "Customer", "MarketRun", "MarketRunCost", "MarketRunStatus", "Order",
    "OrderEvent", "OrderLine", "OrderStatus", "Payment", "PaymentMethod", "PaymentStatus",
]
