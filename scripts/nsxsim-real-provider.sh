#!/usr/bin/env bash
# What the e2e tests of sim/nsx need besides the toolchain (tests/nsx/test_provider_e2e.py, test_engine_e2e.py):
#
#   A terraform-provider-nsxt v3.11.0 binary at $VIONFV_NSXT_PROVIDER (default below). The Go module proxy does
#       not serve the commit of tag v3.11.0 (0bdc76006bef), so the project cannot build it from modules; bring
#       the binary from where your organisation mirrors Terraform providers. Without it the e2e tests skip.
#   scripts/nsxsim-real-provider.sh sdk            generate and install the pulumi_nsxt Python SDK: the schema
#       from the toolchain's terraform-provider bridge serving that build, the code from pulumi/pkg's Python
#       codegen (tools/nsxt_sdkgen), installed with its dependency parver into one folder.
#
# Outputs go to ~/.cache/vio-nfv/nsxsim/ (or $VIONFV_NSXT_PROVIDER, $VIONFV_NSXT_PYTHON_SDK).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$HOME/.cache/vio-nfv/nsxsim
PROVIDER=${VIONFV_NSXT_PROVIDER:-$CACHE/terraform-provider-nsxt_v3.11.0}
SDK=${VIONFV_NSXT_PYTHON_SDK:-$CACHE/python-sdk}
PKG_VERSION=v3.260.0 # the toolchain's Pulumi CLI, whose codegen the SDK should match

sdk() {
    [ -x "$PROVIDER" ] || { echo "no provider build at $PROVIDER: set VIONFV_NSXT_PROVIDER to a terraform-provider-nsxt v3.11.0 binary" >&2; exit 2; }
    local toolchain
    toolchain=$(ls -d "$HOME"/.cache/vio-nfv/toolchain/*/ 2>/dev/null | while read -r d; do
        [ -x "$d/bin/pulumi-resource-terraform-provider" ] && echo "$d"; done | tail -1)
    [ -n "$toolchain" ] || { echo "no toolchain with the terraform-provider bridge (make toolchain)" >&2; exit 2; }
    work=$(mktemp -d)
    trap 'rm -rf "${work:-}"' EXIT
    mkdir -p "$work/tfcache/registry.opentofu.org/vmware/nsxt/3.11.0/linux_amd64" "$work/gen"
    ln -s "$PROVIDER" "$work/tfcache/registry.opentofu.org/vmware/nsxt/3.11.0/linux_amd64/terraform-provider-nsxt_v3.11.0"
    PATH="$toolchain/bin:$PATH" PULUMI_HOME="$toolchain/home" PULUMI_SKIP_UPDATE_CHECK=true \
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_DYNAMIC_TF_PLUGIN_CACHE_DIR="$work/tfcache" \
        pulumi package get-schema terraform-provider -- vmware/nsxt 3.11.0 >"$work/schema.json"
    cp "$ROOT/tools/nsxt_sdkgen/main.go" "$work/gen/"
    (cd "$work/gen" && go mod init vionfv.local/nsxt-sdkgen >/dev/null 2>&1 &&
        GOTOOLCHAIN=local GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi/pkg/v3@$PKG_VERSION" >/dev/null 2>&1 &&
        GOTOOLCHAIN=local GOFLAGS=-mod=mod nice go build -o sdkgen . && ./sdkgen "$work/schema.json" "$work/sdk")
    rm -rf "$SDK.partial" && mkdir -p "$SDK.partial"
    "$ROOT/.venv/bin/python" -m pip install -q --no-deps --target "$SDK.partial" "$work/sdk" parver
    rm -rf "$SDK" && mv "$SDK.partial" "$SDK"
    echo "installed pulumi_nsxt into $SDK"
}

case "${1:-}" in
    sdk) sdk ;;
    *) echo "usage: $0 sdk" >&2; exit 2 ;;
esac
