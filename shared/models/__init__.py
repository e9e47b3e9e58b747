"""Every table of the domain; importing this module registers them all with the metadata."""
from shared.models.accounts import ApiToken, IdempotencyKey, Language, Role, User
from shared.models.base import new_id, utcnow
from shared.models.catalogue import Product, Seller, SellerCategory

__all__ = [
    "ApiToken", "IdempotencyKey", "Language", "Role", "User",
    "Product", "Seller", "SellerCategory", "new_id", "utcnow",
]
