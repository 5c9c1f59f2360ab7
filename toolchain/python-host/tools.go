//go:build tools

// Package tools pins the Python language host for scripts/toolchain.sh.
//
// Since v3.81 the host is its own module, github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3,
// untagged; the Go module proxy these machines reach serves none of its versions (every pseudo-version,
// list and @latest query answers 403 "This module version is not available"). Until v3.80 the host was the
// package github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python inside sdk/v3, and v3.68.0 is
// the newest such sdk/v3 the proxy serves. The v3.260 engine speaks to it through the fallbacks it keeps
// for older hosts (GetRequiredPackages -> GetRequiredPlugins on Unimplemented, sdk/go/common/resource/
// plugin/langruntime_plugin.go); the v3.68 host takes its virtualenv from a -virtualenv flag the new engine
// no longer passes, so scripts/pulumi-env.sh selects the interpreter with PULUMI_PYTHON_CMD.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
