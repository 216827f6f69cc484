#!/usr/bin/env bash
# `./floodgate load <simulation> [--fans N] [--edge-url URL ...] [-Dfloodgate.x=y ...]` (run through ./floodgate, which
# finds the JDK). Simulations: full-drop, checkout-rush, soak, spike.
#
# With --edge-url (repeatable: fans are spread over the edges) it runs Gatling against that deployment; give the
# other services' URLs with -Dfloodgate.checkoutUrl=, -Dfloodgate.providerUrl=, -Dfloodgate.workerUrl=, and for the
# full drop configure the deployment's edges to trust the test identity provider (README, "Load tests").
#
# Without it, it starts a local stack for the run (own free ports, data in .floodgate/load, wiped first, no demo
# event), waits until every service answers /observe/health, runs Gatling, and stops the stack on the way out (also on
# failure or Ctrl-C). The stack gets what the simulation needs:
#   full-drop       the edge trusts the test identity provider the simulation runs (issuer, audience, JWKS on a port
#                   chosen here); production per-address limits (100/s, burst 200): fans come from many addresses
#   the others      every fan signs up from one address, so the per-address limit is raised (5000/s, burst 10000)
# While Gatling runs, loadtests/measure.sh samples the stack's CPU, RSS and open files and the injector's, and prints
# them at the end. FLOODGATE_STACK_HEAP (default 1g) sets the stack's heap; other environment variables reach the
# stack's configuration as usual (QUEUE_STATE_dash_MAX_dash_AGE_dash_MILLIS=..., see README "Configuration").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

usage() {
  sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

sim="${1:-}"; shift || true
case "$sim" in
  full-drop) class=FullDropSimulation ;;
  checkout-rush) class=CheckoutRushSimulation ;;
  soak) class=SoakSimulation ;;
  spike) class=SpikeSimulation ;;
  *) usage ;;
esac

edge_urls=() props=() fans=""
while (( $# )); do
  case "$1" in
    --fans) fans="${2:?--fans needs a number}"; shift 2 ;;
    --fans=*) fans="${1#--fans=}"; shift ;;
    --edge-url) edge_urls+=("${2:?--edge-url needs a URL}"); shift 2 ;;
    --edge-url=*) edge_urls+=("${1#--edge-url=}"); shift ;;
    -D*) props+=("$1"); shift ;;
    *) echo "floodgate load: unknown argument $1" >&2; usage ;;
  esac
done
[[ -n "$fans" ]] && props+=("-Dfloodgate.fans=$fans")

run_gatling() { # extra -D arguments
  ./mvnw -B -pl loadtests test-compile gatling:test -Dgatling.simulationClass="dev.floodgate.loadtests.$class" \
    "$@" "${props[@]}"
}

if (( ${#edge_urls[@]} )); then
  joined="$(IFS=,; echo "${edge_urls[*]}")"
  exec ./mvnw -B -pl loadtests test-compile gatling:test -Dgatling.simulationClass="dev.floodgate.loadtests.$class" \
    -Dfloodgate.edgeUrl="${edge_urls[0]}" -Dfloodgate.edgeUrls="$joined" "${props[@]}"
fi

# A free port below the ephemeral range (32768+), so no outgoing connection of the run can take it meanwhile.
taken=" "
free_port() {
  local p
  while true; do
    p=$(( 20000 + RANDOM % 12000 ))
    [[ "$taken" == *" $p "* ]] && continue
    if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then taken+="$p "; echo "$p"; return; fi
  done
}
edge_port=$(free_port); taken+="$edge_port "
checkout_port=$(free_port); taken+="$checkout_port "
worker_port=$(free_port); taken+="$worker_port "
simulator_port=$(free_port); taken+="$simulator_port "
idp_port=$(free_port); taken+="$idp_port "
edge="http://127.0.0.1:$edge_port" checkout="http://127.0.0.1:$checkout_port"
worker="http://127.0.0.1:$worker_port" simulator="http://127.0.0.1:$simulator_port"

data="${FLOODGATE_DATA_DIR:-$here/.floodgate}/load"
logs="$here/loadtests/target/floodgate-load/$sim-$(date +%Y%m%d-%H%M%S)"
rm -rf "$data"
mkdir -p "$logs"

stack_env=(STACK_EDGE_dash_PORT="$edge_port" STACK_CHECKOUT_dash_PORT="$checkout_port"
  STACK_WORKER_dash_PORT="$worker_port" STACK_SIMULATOR_dash_PORT="$simulator_port" STACK_DEMO_dash_EVENT=false
  FLOODGATE_DATA_DIR="$data")
idp_issuer="https://load-idp.floodgate.test/" idp_audience="floodgate-load" idp_name="loadidp"
if [[ "$sim" == full-drop ]]; then
  stack_env+=(TOKEN_EXTERNAL_dash_ISSUERS_0_NAME="$idp_name" TOKEN_EXTERNAL_dash_ISSUERS_0_ISSUER="$idp_issuer"
    TOKEN_EXTERNAL_dash_ISSUERS_0_AUDIENCE="$idp_audience"
    TOKEN_EXTERNAL_dash_ISSUERS_0_JWKS_dash_URL="http://127.0.0.1:$idp_port/jwks.json")
else
  stack_env+=(LIMITS_PER_dash_ADDRESS_PER_dash_SECOND=5000 LIMITS_PER_dash_ADDRESS_BURST=10000)
fi

stack_pid="" measure_pid=""
stop_stack() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$measure_pid" ]]; then kill "$measure_pid" 2>/dev/null; wait "$measure_pid" 2>/dev/null || true; fi
  if [[ -n "$stack_pid" ]] && kill -0 "$stack_pid" 2>/dev/null; then
    echo "floodgate load: stopping the stack (pid $stack_pid)..."
    kill -TERM "$stack_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$stack_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$stack_pid" 2>/dev/null; then
      echo "floodgate load: the stack did not stop in 60 s; killing it" >&2
      kill -KILL "$stack_pid" 2>/dev/null || true
    fi
    wait "$stack_pid" 2>/dev/null || true
  fi
  echo "floodgate load: logs in $logs"
  exit "$rc"
}
trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "floodgate load: starting a local stack for $sim (log $logs/stack.log)..."
env "${stack_env[@]}" "$here/floodgate" start >"$logs/stack.log" 2>&1 &
stack_pid=$!

deadline=$(( SECONDS + ${FLOODGATE_LOAD_START_SECONDS:-600} ))
for url in "$simulator" "$edge" "$checkout" "$worker"; do
  until curl -fsS -o /dev/null --max-time 2 "$url/observe/health" 2>/dev/null; do
    if ! kill -0 "$stack_pid" 2>/dev/null; then
      echo "floodgate load: the stack stopped while starting:" >&2; tail -30 "$logs/stack.log" >&2; exit 1
    fi
    if (( SECONDS > deadline )); then
      echo "floodgate load: the stack was not ready in time:" >&2; tail -30 "$logs/stack.log" >&2; exit 1
    fi
    sleep 1
  done
done
echo "floodgate load: stack ready (pid $stack_pid; edge $edge, checkout $checkout, worker $worker, simulator $simulator)"

loadtests/measure.sh "$stack_pid" "$$" "$logs/samples.tsv" &
measure_pid=$!

set +e
run_gatling -Dfloodgate.edgeUrl="$edge" -Dfloodgate.checkoutUrl="$checkout" -Dfloodgate.providerUrl="$simulator" \
  -Dfloodgate.workerUrl="$worker" -Dfloodgate.idp.port="$idp_port" -Dfloodgate.idp.issuer="$idp_issuer" \
  -Dfloodgate.idp.audience="$idp_audience" -Dfloodgate.idp.name="$idp_name" 2>&1 | tee "$logs/gatling.log"
rc=${PIPESTATUS[0]}
set -e
kill "$measure_pid" 2>/dev/null; wait "$measure_pid" 2>/dev/null || true; measure_pid=""
fans_run="$(sed -n 's/.*-Dfloodgate\.fans=\([0-9]*\).*/\1/p' <<<" ${props[*]} " | tail -1)"
if [[ -z "$fans_run" ]]; then fans_run="$(sed -n 's/^floodgate: mix: \([0-9]*\) fans arrived.*/\1/p' "$logs/gatling.log" | tail -1)"; fi
loadtests/measure.sh --summary "$logs/samples.tsv" "${fans_run:-1}" | tee "$logs/measured.txt"
exit "$rc"
