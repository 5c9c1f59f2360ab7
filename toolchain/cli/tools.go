//go:build tools

// Package tools pins the Pulumi CLI for scripts/toolchain.sh, which builds
// github.com/pulumi/pulumi/pkg/v3/cmd/pulumi from this module. pulumi/pulumi's pkg/go.mod replaces
// sdk/v3 with ../sdk, so `go install ...@version` is refused; this wrapper requires pkg/v3 and sdk/v3 at
// the same version and repeats pkg/go.mod's clipboard replace (pulumi/pulumi pkg/go.mod, tag v3.260.0).
// v3.260.0 is the newest pkg/v3 at or below the project's former pin (3.272.0) that the Go module proxy
// serves and PyPI also publishes as `pulumi` (pkg/v3 v3.261-v3.273 are not served; PyPI stops at 3.272.0).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
