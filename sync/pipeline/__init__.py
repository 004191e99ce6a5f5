"""The sync pipeline: records of one system into another, driven by `runner.py`.

A run drives a pipe (`pipe.py`): its source side reads pages, its target side checks the
mappings and writes batches. Imports are pipes from BigCommerce to Salesforce (`importers/`):
extract (integrations/bigcommerce/reads.py) → filter and transform (prepare.py) → match and
load (load.py, matching.py). The runner writes each batch's log rows (sync/run_log.py) and the
run's progress (sync/run_state.py).
"""
