#!/usr/bin/env bash
# Builds the pinned tools Gantry runs — temporal, opa, tofu — into .tools/bin.
#
# Each tool is a small Go module under tools/<name>/ whose go.mod and go.sum are the pin.
# Nothing can be downloaded as a binary on the machines Gantry is built on, so every tool is
# compiled from source through the Go module proxy.
#
# For each tool, in order:
#   1. a binary named by its GANTRY_* variable is used as it is;
#   2. .tools/bin/<name> built at the pinned version is kept;
#   3. a binary of that name on PATH is used;
#   4. a build at the pinned version in the cache (GANTRY_TOOLS_CACHE, default
#      ~/.cache/gantry/tools) is copied in, so a fresh clone on the same machine does not rebuild;
#   5. otherwise it is built with Go and stored in the cache.
#
# Usage: tools/install.sh [temporal|opa|tofu ...]   (no argument: all three)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/.tools/bin"
cache="${GANTRY_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gantry/tools}"

say() { printf 'tools: %s\n' "$*" >&2; }

# module: the Go module whose version is the pin; package: what is built.
module_of() {
  case "$1" in
    temporal) echo github.com/temporalio/cli ;;
    opa) echo github.com/open-policy-agent/opa ;;
    tofu) echo github.com/opentofu/opentofu ;;
  esac
}
package_of() {
  case "$1" in
    temporal) echo github.com/temporalio/cli/cmd/temporal ;;
    opa) echo github.com/open-policy-agent/opa ;;
    tofu) echo github.com/opentofu/opentofu/cmd/tofu ;;
  esac
}
ldflags_of() {
  case "$1" in
    temporal) echo "-s -w -X github.com/temporalio/cli/temporalcli.Version=${2#v}" ;;
    tofu) echo "-s -w -X github.com/opentofu/opentofu/version.dev=no" ;;
    *) echo "-s -w" ;;
  esac
}
env_var_of() {
  case "$1" in
    temporal) echo GANTRY_TEMPORAL_CLI ;;
    opa) echo GANTRY_OPA_PATH ;;
    tofu) echo GANTRY_TOFU_PATH ;;
  esac
}

pinned_version() {
  local module
  module=$(module_of "$1")
  awk -v m="$module" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' \
    "$root/tools/$1/go.mod"
}

# The stamp names the version and the go.sum it was built from, so a changed pin rebuilds.
stamp_of() {
  local sum
  sum=$(sha256sum "$root/tools/$1/go.sum" | cut -c1-16)
  echo "$(pinned_version "$1")-$sum"
}

install_one() {
  local name=$1 var stamp version
  var=$(env_var_of "$name")
  version=$(pinned_version "$name")
  stamp=$(stamp_of "$name")

  if [ -n "${!var:-}" ]; then
    if [ -x "${!var}" ]; then
      say "$name: using $var=${!var}"
      return 0
    fi
    say "$name: $var names '${!var}', which is not an executable file; point it at the $name binary or unset it"
    return 1
  fi
  if [ -x "$bin/$name" ] && [ "$(cat "$bin/.$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    say "$name: $version already built in .tools/bin"
    return 0
  fi
  if [ ! -x "$bin/$name" ] && command -v "$name" >/dev/null 2>&1; then
    say "$name: using $(command -v "$name") from PATH"
    return 0
  fi
  mkdir -p "$bin"
  if [ -x "$cache/$stamp/$name" ]; then
    say "$name: $version found in $cache, copying"
    cp "$cache/$stamp/$name" "$bin/$name.tmp"
    mv "$bin/$name.tmp" "$bin/$name"
    echo "$stamp" >"$bin/.$name.stamp"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    say "$name: not found, and Go is not installed to build it."
    say "  install Go 1.26 or newer (https://go.dev/doc/install), or install $name $version yourself"
    say "  and put it on PATH or name it with $var."
    return 1
  fi

  say "$name: building $version from source with $(go version | cut -d' ' -f3) (this takes a few minutes the first time)"
  local started=$SECONDS
  (
    cd "$root/tools/$name"
    CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "$(ldflags_of "$name" "$version")" \
      -o "$bin/$name.tmp" "$(package_of "$name")"
  )
  mv "$bin/$name.tmp" "$bin/$name"
  echo "$stamp" >"$bin/.$name.stamp"
  mkdir -p "$cache/$stamp"
  cp "$bin/$name" "$cache/$stamp/$name.tmp"
  mv "$cache/$stamp/$name.tmp" "$cache/$stamp/$name"
  say "$name: built $version in $((SECONDS - started))s"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(temporal opa tofu)
status=0
for name in "${names[@]}"; do
  case "$name" in
    temporal | opa | tofu) install_one "$name" || status=1 ;;
    *)
      say "unknown tool '$name'; the tools are temporal, opa and tofu"
      status=2
      ;;
  esac
done
exit $status
