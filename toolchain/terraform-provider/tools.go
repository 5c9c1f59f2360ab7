//go:build tools

// Package tools pins the `terraform-provider` plugin (the dynamic Terraform bridge) for scripts/toolchain.sh.
//
// Pulumi.yaml pins terraform-provider 1.1.0. pulumi/pulumi-terraform-provider releases it from
// pulumi/pulumi-terraform-bridge's master at tag time (its release workflow checks the bridge out;
// .goreleaser.yml: `dir: dynamic`, CGO_ENABLED=0, ldflags -X protoregistry.conflictPolicy=ignore and
// -X .../dynamic/version.version={{.Tag}}). v1.1.0's commit is of 2025-11-11; the bridge's master then was
// v3.116.0 (2025-10-21; the next commits are of 2025-11-12, in v3.117.0), which the proxy serves.
// The replace is the bridge's own go.mod's (the tls/random replaces there serve its tests only).
package tools

import _ "github.com/pulumi/pulumi-terraform-bridge/v3/dynamic"
