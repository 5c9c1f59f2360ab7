"""The stack's configuration, by concern: value types (`types`), one module per section model
(`vcenters`, `nsx`, `vio`, `openstack`, `tenants`, the whole `model`), the rules (`rules/`: addresses,
names, secrets, networks, plane, NSX, tenants, flavors, retired keys), problem formatting (`messages`,
`problems`) and loading (`load`: stack file values and Pulumi config).

`components.settings` re-exports the public API (`load`, `parse`, `Settings`, `ConfigError`, the models)
for code written against it; new code may import either.
"""
