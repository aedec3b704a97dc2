"""The accounting-identity checks of docs/spec/identities.md.

`registry.CHECKS` lists them (one SQL query each over the build database), `run.run_checks`
evaluates them all in one Great Expectations validation (`gx_adapter`) and writes
`dq.check_results` and `dq.document_status`.
"""
