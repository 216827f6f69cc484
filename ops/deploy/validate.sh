#!/usr/bin/env bash
# Checks ops/deploy without a cluster, in a few seconds:
#   1. kustomize renders k8s/ (YAML well formed, every file and generator found);
#   2. every rendered object parses as a Kubernetes object (apiVersion, kind, name), offline (an unknown kind is not
#      caught here: DeployManifestsIT checks the exact set of objects);
#   3. the workloads (Deployments, StatefulSets) decode into Kubernetes' own types (a string where a number
#      belongs, a misplaced field of a known type... fail), offline;
#   4. if a distribution folder is given (or built at distribution/target/floodgate-*), the Dockerfile's COPY
#      sources are in it.
# Not checked here: schemas (unknown fields, required fields): that needs an API server (kubectl apply
# --dry-run=server, run by this script when FLOODGATE_VALIDATE_SERVER=1 with your own kubeconfig) or kubeconform
# (used when on PATH). kubectl apply/create --dry-run=client also need a server (API discovery), so they are not
# used offline.
# Usage: ops/deploy/validate.sh [distribution folder]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

command -v kubectl >/dev/null 2>&1 || { echo "validate: kubectl is not on PATH" >&2; exit 3; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A kubeconfig that points nowhere: the offline checks can never reach (or change) a real cluster, whatever the
# caller's kubeconfig says, and a server on localhost:8080 (the edge's port!) is never asked either.
cat > "$work/kubeconfig" <<'KC'
apiVersion: v1
kind: Config
clusters: [ { name: none, cluster: { server: "https://127.0.0.1:1" } } ]
users: [ { name: none, user: { token: none } } ]
contexts: [ { name: none, context: { cluster: none, user: none } } ]
current-context: none
KC
offline() { KUBECONFIG="$work/kubeconfig" kubectl "$@"; }

echo "validate: kustomize build ops/deploy/k8s"
kubectl kustomize "$here/k8s" > "$work/all.yaml"

echo "validate: every object parses (offline)"
offline label --local -o name -f "$work/all.yaml" validated=yes > "$work/objects.txt"
sed 's/^/  /' "$work/objects.txt"

echo "validate: workloads decode into their Kubernetes types (offline)"
# One document per workload: set image --local decodes each into apps/v1 types and rejects wrong field types.
awk -v out="$work/workload" '
  /^---/ { if (doc != "" && workload) { n++; print doc > (out n ".yaml"); close(out n ".yaml") } doc = ""; workload = 0; next }
  { doc = doc $0 "\n" }
  /^kind: (Deployment|StatefulSet)$/ { workload = 1 }
  END { if (doc != "" && workload) { n++; print doc > (out n ".yaml") } }
' "$work/all.yaml"
count=0
for f in "$work"/workload*.yaml; do
  [[ -e "$f" ]] || continue
  offline set image --local -o name -f "$f" '*=validate.invalid/floodgate:check' | sed 's/^/  /'
  count=$((count + 1))
done
(( count > 0 )) || { echo "validate: no workloads rendered" >&2; exit 1; }

dist="${1:-}"
if [[ -z "$dist" ]]; then
  dist="$(find "$repo/distribution/target" -mindepth 1 -maxdepth 1 -type d -name 'floodgate-*' 2>/dev/null | head -1 || true)"
fi
if [[ -n "$dist" && -d "$dist" ]]; then
  echo "validate: Dockerfile COPY sources present in ${dist%/}"
  while read -r _ src _; do
    [[ -e "${dist%/}/$src" ]] || { echo "validate: Dockerfile copies $src, missing from $dist" >&2; exit 1; }
    echo "  $src"
  done < <(grep -E '^COPY ' "$here/Dockerfile")
  [[ -x "${dist%/}/bin/floodgate" ]] || { echo "validate: ${dist%/}/bin/floodgate is not executable" >&2; exit 1; }
else
  echo "validate: no distribution folder built: Dockerfile COPY sources not checked"
fi

if command -v kubeconform >/dev/null 2>&1; then
  echo "validate: kubeconform (schemas)"
  kubeconform -strict -summary "$work/all.yaml"
else
  echo "validate: kubeconform not installed: schemas not checked offline"
fi
if [[ "${FLOODGATE_VALIDATE_SERVER:-0}" == 1 ]]; then
  echo "validate: kubectl apply --dry-run=server (your current kubeconfig context: $(kubectl config current-context))"
  kubectl apply --dry-run=server -f "$work/all.yaml"
fi
echo "validate: OK"
