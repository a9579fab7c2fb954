"""The translator's local review-and-sign page (`docgen review serve`)."""
from docgen.web.app import create_app, serve

__all__ = ["create_app", "serve"]
