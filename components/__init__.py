"""vio-nfv: reusable Pulumi components for VMware Integrated OpenStack in the vCloud NFV two-pod design.

Each module under this package models one thing (a ComponentResource per module, type token
`vionfv:<module>:<Class>`), plus pure modules for configuration (`settings`), IP math (`ipplan`), the
providers (`providers`) and the cross-stack output contract (`contract`).
"""

#: The library's version (single source: pyproject.toml reads it, CHANGELOG.md records it).
__version__ = "0.2.0"
