"""Money rules: which currencies, how many decimals. Amounts are Decimal, never float."""
from decimal import Decimal

CURRENCIES = ("TRY", "USD", "SYP", "EUR")
CENT = Decimal("0.01")
# The largest amount anywhere (a price, a payment, a total): ten billion less a cent.
# Far above any home shop's order even in Syrian pounds, and safely inside the BIGINT
# of cents that stores it.
MAX_AMOUNT = Decimal("9999999999.99")


def to_cents_exact(amount: Decimal) -> Decimal:
    """The amount rounded to cents, half-up, as receipts are."""
    from decimal import ROUND_HALF_UP

    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
