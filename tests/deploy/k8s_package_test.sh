#!/usr/bin/env bash
# The Kubernetes package (deploy/k8s): both overlays render, every object decodes strictly against
# the Kubernetes API types and passes the package's policy (deploy/k8s/validate, Go, its own unit
# tests included), and each overlay's server config is accepted by the server itself
# (headliner --check_config). When kubectl is installed, `kubectl kustomize` must render both
# overlays too. No cluster is needed.
#   tests/deploy/k8s_package_test.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "${1:?usage: k8s_package_test.sh BUILD_DIR}" && pwd)
cd "$(dirname "$0")/../../deploy/k8s"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
command -v go >/dev/null || { echo "FAIL: Go is needed (the validator is a Go program)"; exit 1; }
(cd validate && go vet ./... && go test ./...)
(cd validate && go run . -out "$OUT" ../overlays/dev ../overlays/prod)
for overlay in dev prod; do
  # The paths in the config are the pod's (the TLS files, the experiments file): the check is
  # of the keys and values, which the loader validates without opening them.
  "$BUILD/headliner" --check_config --config "$OUT/$overlay.config.yaml" \
    || { echo "FAIL: the $overlay overlay's config.yaml"; exit 1; }
done
if command -v kubectl >/dev/null; then
  for overlay in dev prod; do
    kubectl kustomize "overlays/$overlay" >"$OUT/$overlay.yaml"
    echo "kubectl kustomize overlays/$overlay: $(grep -c '^kind:' "$OUT/$overlay.yaml") objects"
  done
else
  echo "kubectl not installed: rendered with kustomize's Go API only"
fi
echo "ok: the dev and prod overlays render and validate strictly"
