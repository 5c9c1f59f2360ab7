"""The offline evaluator (the main job): run a stack's real program under Pulumi's mock runtime and show
what it would create. `python -m offline <stack>` (README: `make plan STACK=<stack>`)."""
