"""The version of docgen (its own module, so that stages need not import the package API)."""
__version__ = "0.1.0"
