module vionfv/sim/vcsim/engine

go 1.25.0

// The govmomi that terraform-provider-vsphere v2.16.1 requires (its go.mod), the upstream of
// pulumi-vsphere 4.18.2 (requirements.txt). A re-pin of pulumi-vsphere to 4.16.2 (terraform-provider-vsphere
// v2.15.0) means govmomi v0.52.0: tests/vcsim/test_engine.py holds this line against requirements.txt.
require github.com/vmware/govmomi v0.54.1

require (
	github.com/google/uuid v1.6.0 // indirect
	golang.org/x/text v0.34.0 // indirect
)
