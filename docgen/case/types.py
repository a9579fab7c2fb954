"""The case types, without their models: light enough for the CLI's argument parser."""

CASE_TYPES = ("listing_takedown", "performance_review", "fund_hold", "support_request")
