"""Preflight: can the management and resource vCenters take this stack's deployment?

`python -m preflight --stack prod` reads Pulumi.prod.yaml, inventories both vCenters with pyvmomi in a
constant number of round trips, checks the inventory against the plan, prints a table (and `--json FILE`)
and exits 0 only when every check passes.
"""
