"""Business rules. Functions take a Session, the acting user and plain values; they commit."""
