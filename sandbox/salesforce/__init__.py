"""The Salesforce emulator: OAuth, REST, sObject Collections, Composite and Bulk API 2.0.

Layout: `views/` (HTTP in and out: `api.py` is the request pipeline) call the services:
`oauth`, `auth`, `limits`, `query` (with the `soql/` parser and evaluator), `dml` (the one
write path, with `validation`, `keys`, `duplicates`, `rules`, `commerce_rules`, `deletion`),
`collections_api`, `composite`, `bulk2`, `describe` and `records`. The schema is
`standard_objects` plus the org's definitions (`custom_schema`); `store` reads and writes the
record rows. `services` is what the console, the commands and the tests call.
"""
