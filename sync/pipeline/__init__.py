"""The import pipeline: BigCommerce records into Salesforce records.

extract (integrations/bigcommerce/reads.py) → filter and transform (prepare.py) → match and
load (load.py, matching.py) → log (sync/run_log.py). The importers (importers/) put the stages
together per source object, in Salesforce's dependency order; sync/runs.py drives them page by
page.
"""
