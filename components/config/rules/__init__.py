"""The configuration's rules, one module per concern. Each function takes parsed sections and returns
`Problem`s naming the full key, the bad value and the fix; none raises, so one run reports every problem."""
