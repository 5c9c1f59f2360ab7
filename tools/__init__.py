"""Developer and CI tools that work on the offline plan (`python -m tests.harness <stack> --plan`)."""
