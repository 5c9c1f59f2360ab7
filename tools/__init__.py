"""Developer and CI tools that work on the offline plan (`python -m offline <stack> --plan`)."""
