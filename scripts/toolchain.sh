#!/usr/bin/env bash
# `make toolchain`: the real Pulumi toolchain, built from Go modules (never a prebuilt binary) into a cache
# outside the checkout, keyed by the pinned versions and the wrapper modules, reused when present.
#
#   scripts/toolchain.sh [build]   build what is missing (idempotent; a killed run leaves a warm Go cache)
#   scripts/toolchain.sh status    exit 0 when every part the end-to-end tests need is built, else name them
#   scripts/toolchain.sh env       print the exports that point the Pulumi CLI at the cache (eval "$(...)")
#   scripts/toolchain.sh dir       print the cache folder of these pins
#
# The wrapper modules (go.mod, go.sum, tools.go) and the two shims the CLI release ships beside `pulumi` are
# ours, under toolchain/; nothing of the upstream sources is in the checkout. Go builds share the machine's
# default GOCACHE and GOMODCACHE, which persist between sessions and CI runs. See docs/real-toolchain.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GO=/usr/local/go/bin/go # Go 1.26.8; Debian's /usr/bin/go (1.19) cannot build these modules
PULUMI_VERSION=v3.260.0 # pkg/v3 + sdk/v3 (toolchain/cli); requirements.txt pins pulumi==3.260.0 to match
PYHOST_VERSION=v3.68.0 # sdk/v3 holding the Python language host (toolchain/python-host/tools.go says why)
TFPROVIDER_VERSION=v1.1.0 # Pulumi.yaml packages.nsxt.version; built from bridge v3.116.0 (toolchain/terraform-provider)

key() {
    local sum
    sum=$(cd "$ROOT/toolchain" && cat ./*/go.mod ./*/go.sum shims/* | sha256sum | cut -c1-12)
    echo "pulumi-${PULUMI_VERSION}_pyhost-${PYHOST_VERSION}_$("$GO" env GOVERSION)_${sum}"
}
# Beside the Go build cache, which Go keeps under $XDG_CACHE_HOME (else $HOME/.cache) too.
DIR=${VIONFV_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vio-nfv/toolchain}/$(key)
BIN=$DIR/bin
export PULUMI_HOME=$DIR/home

# Each part: name, then the files it must leave in $BIN. The end-to-end tests need all of them.
PARTS=(cli python-host shims)
part_files() {
    case $1 in
        cli) echo pulumi ;;
        python-host) echo pulumi-language-python ;;
        shims) echo pulumi-language-python-exec pulumi-resource-pulumi-python ;;
    esac
}

missing_parts() {
    local part file
    for part in "${PARTS[@]}"; do
        for file in $(part_files "$part"); do
            if [ ! -x "$BIN/$file" ]; then echo "$part"; break; fi
        done
    done
}

record() { # part, seconds, how
    printf '%s\t%s\t%ss\t%s\n' "$(date -u +%FT%TZ)" "$1" "$2" "$3" >>"$DIR/build-times.tsv"
    echo "toolchain: $1 $3 in $2s"
}

go_build() { # part, wrapper folder, package, output name, tags, ldflags
    local part=$1 module=$ROOT/toolchain/$2 pkg=$3 out=$BIN/$4 tags=$5 ldflags=$6 start=$SECONDS
    if [ -x "$out" ]; then
        record "$part" 0 "cached ($out)"
        return
    fi
    echo "toolchain: building $pkg (log: $DIR/logs/$part.log)"
    # CGO off and the version through ldflags, as the releases' .goreleaser.yml; -mod=readonly: the
    # committed go.sum pins every dependency.
    if ! (cd "$module" && CGO_ENABLED=0 nice -n 10 "$GO" build -mod=readonly -buildvcs=false -trimpath \
        -tags "$tags" -ldflags "$ldflags" -o "$out.partial" "$pkg") >"$DIR/logs/$part.log" 2>&1; then
        tail -20 "$DIR/logs/$part.log" >&2
        echo "toolchain: $part FAILED: (cd toolchain/$2 && go build -tags '$tags' -ldflags '$ldflags' $pkg), log $DIR/logs/$part.log" >&2
        return 1
    fi
    mv "$out.partial" "$out"
    record "$part" $((SECONDS - start)) built
}

# pulumi/pulumi .goreleaser.yml: tags osusergo,grpcnotrace; the version in sdk/v3's version package.
pulumi_ldflags() { echo "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$1"; }

install_plugin() { # kind, name, version, binary: into $PULUMI_HOME/plugins without resolving anything
    if [ -d "$PULUMI_HOME/plugins/$1-$2-$3" ]; then
        record "plugin $1-$2-$3" 0 "cached"
        return
    fi
    "$BIN/pulumi" plugin install "$1" "$2" "$3" --file "$4" --non-interactive >"$DIR/logs/plugin-$2.log" 2>&1
    record "plugin $1-$2-$3" 0 "installed"
}

install_shims() {
    local file
    for file in $(part_files shims); do
        install -m 0755 "$ROOT/toolchain/shims/$file" "$BIN/$file"
    done
    record shims 0 "installed"
}

# Modules the project would build next, probed so the report always shows what the proxy answers today.
# None of them is served (403 "This module version is not available") as of 2026-12-06; docs/real-toolchain.md
# lists the exact commands and errors.
UNSERVED=(
    "github.com/pulumi/pulumi-openstack/provider/v5@v5.0.0-20260203221222-10b3c94f20ef" # v5.4.1's commit
    "github.com/pulumi/pulumi-vsphere/provider/v4@v4.16.2"
    "github.com/vmware/terraform-provider-nsxt@v1.1.3-0.20251215074914-0bdc76006bef" # v3.11.0's commit
)
probe_unserved() {
    local mv answer
    : >"$DIR/unbuilt.txt"
    for mv in "${UNSERVED[@]}"; do
        answer=$(cd "$DIR" && timeout 60 "$GO" mod download -json "$mv" 2>&1 | grep -o '"Error": "[^"]*' | cut -c11- | head -1) || true
        if [ -n "$answer" ]; then
            printf '%s\tgo mod download -json %s\t%s\n' "${mv%@*}" "$mv" "$answer" >>"$DIR/unbuilt.txt"
            echo "toolchain: not built: ${mv%@*}: $answer"
        else
            echo "toolchain: ${mv%@*} is now served at ${mv#*@}: a wrapper for it can be added (docs/real-toolchain.md)"
        fi
    done
}

build() {
    mkdir -p "$BIN" "$PULUMI_HOME" "$DIR/logs"
    echo "toolchain: cache $DIR"
    local start=$SECONDS
    go_build cli cli github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi osusergo,grpcnotrace \
        "$(pulumi_ldflags "$PULUMI_VERSION")"
    go_build python-host python-host github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
        pulumi-language-python osusergo,grpcnotrace "$(pulumi_ldflags "$PYHOST_VERSION")"
    install_shims
    "$BIN/pulumi" version >"$DIR/versions.txt"
    # Not needed by the end-to-end tests (status): built last, so a budget cut falls on it.
    go_build terraform-provider terraform-provider github.com/pulumi/pulumi-terraform-bridge/v3/dynamic \
        pulumi-resource-terraform-provider "" \
        "-X google.golang.org/protobuf/reflect/protoregistry.conflictPolicy=ignore -X github.com/pulumi/pulumi-terraform-bridge/v3/dynamic/version.version=$TFPROVIDER_VERSION"
    install_plugin resource terraform-provider "$TFPROVIDER_VERSION" "$BIN/pulumi-resource-terraform-provider"
    probe_unserved
    record all $((SECONDS - start)) "done"
}

case ${1:-build} in
    build) build ;;
    status)
        missing=$(missing_parts | tr '\n' ' ')
        if [ -n "$missing" ]; then
            echo "toolchain incomplete in $DIR: missing ${missing% } (make toolchain builds them)"
            exit 1
        fi
        echo "toolchain complete in $DIR"
        ;;
    env)
        # The v3.68 language host ignores Pulumi.yaml's virtualenv option (the v3.260 engine passes it over
        # RPC, the old host reads a flag), so the interpreter is named explicitly.
        cat <<EOF
export PATH="$BIN:\$PATH"
export PULUMI_HOME="$PULUMI_HOME"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_PYTHON_CMD="$ROOT/.venv/bin/python"
EOF
        ;;
    dir) echo "$DIR" ;;
    *) echo "usage: $0 [build|status|env|dir]" >&2; exit 2 ;;
esac
