"""`docgen batch`: many cases at once — from a folder of case folders, a spreadsheet, or
a saved Seller API response — built in parallel, with a report (see README "Batch")."""
from docgen.batch.plan import Job, Plan, plan_batch
from docgen.batch.run import BatchOptions, BatchResult, JobResult, run_batch

__all__ = ["BatchOptions", "BatchResult", "Job", "JobResult", "Plan", "plan_batch", "run_batch"]
