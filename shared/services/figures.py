"""Rows returned together with the figures computed for them (balances, revenue…).

A service that computes figures returns them explicitly, in a small frozen dataclass
that also reads through to the row's own columns, so the one schema can dump it.
A row loaded some other way has no figures, and dumping it fails loudly (BaseSchema
refuses a missing attribute) rather than answering with fields silently missing.
"""
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class WithFigures(Generic[T]):
    row: T

    def __getattr__(self, name: str):
        # Only called for names the dataclass does not have: the row's own columns.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.row, name)
