"""Marshmallow schemas, named for their use (ProductCreate, ProductUpdate, Product, ProductQuery)."""
