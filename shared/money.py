"""Money rules: which currencies, how many decimals. Amounts are Decimal, never float."""
from decimal import Decimal

CURRENCIES = ("TRY", "USD", "SYP", "EUR")
CENT = Decimal("0.01")


def to_cents_exact(amount: Decimal) -> Decimal:
    """The amount rounded to cents, half-up, as receipts are."""
    from decimal import ROUND_HALF_UP

    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
