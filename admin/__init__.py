"""The HTMX admin for coordinators (/admin): built on the same services as the API."""
