"""The domain core shared by the REST API and the HTMX admin."""
