#!/usr/bin/env bash
# What a load run costs the machine, read from /proc every few seconds (used by `./floodgate load`):
#   loadtests/measure.sh <stack pid> <injector parent pid> <samples file> [interval seconds]
# One line per sample, tab-separated:
#   epoch  load1  stack_cpu_ticks  stack_rss_kb  stack_jvm_rss_kb  stack_jvm_fds  injector_cpu_ticks  injector_rss_kb  injector_fds
# stack_* cover the stack's JVM and every process under it (Pulsar's JVM, PostgreSQL and its backends): utime+stime of
# each, plus the cutime+cstime of children they already reaped, in clock ticks (getconf CLK_TCK). The injector is the
# Gatling JVM that Maven forks under <injector parent pid> (0 until it exists). Runs until killed.
# `loadtests/measure.sh --summary <samples file> <fans>` prints the run's figures from the samples.
set -uo pipefail

summary() {
  local file="$1" fans="$2" hz
  hz="$(getconf CLK_TCK)"
  awk -v hz="$hz" -v fans="$fans" -F'\t' '
    $7 == 0 { next }   # only while the injector runs: not the stack idling through Maven compiling the simulations
    n == 0 { t0 = $1; c0 = $3; l0 = $2; g0 = $7 }
    { t1 = $1; c1 = $3; g1 = $7; if ($4 > rss) rss = $4; if ($5 > jrss) jrss = $5; if ($6 > fds) fds = $6;
      if ($8 > grss) grss = $8; if ($9 > gfds) gfds = $9;
      if ($2 > lmax) lmax = $2; lsum += $2; n++ }
    END {
      if (n < 2) { print "floodgate: too few samples to measure"; exit }
      cpu = (c1 - c0) / hz; secs = t1 - t0
      printf "floodgate: measured over %d s: load average %.2f at start, %.2f mean, %.2f max\n", secs, l0, lsum / n, lmax
      printf "floodgate: stack CPU %.1f s (%.0f%% of one core), %.2f ms per fan; RSS max %d MiB (its JVM %d MiB); its JVM open files max %d\n",
             cpu, 100 * cpu / secs, 1000 * cpu / fans, rss / 1024, jrss / 1024, fds
      printf "floodgate: injector (Gatling JVM) CPU %.1f s, RSS max %d MiB, open files max %d\n",
             (g1 - g0) / hz, grss / 1024, gfds
    }' "$file"
}

if [[ "${1:-}" == "--summary" ]]; then
  summary "$2" "$3"
  exit 0
fi

stack_pid="$1" parent_pid="$2" out="$3" every="${4:-2}"

descendants() { # $1 and everything under it
  local -a queue=("$1") all=()
  local table p
  table="$(ps -e -o pid=,ppid=)"
  while (( ${#queue[@]} )); do
    p="${queue[0]}"; queue=("${queue[@]:1}")
    all+=("$p")
    queue+=($(awk -v p="$p" '$2 == p { print $1 }' <<<"$table"))
  done
  echo "${all[@]}"
}

cpu_rss() { # sum of utime+stime+cutime+cstime (ticks) and RSS (kB) over the given pids
  local cpu=0 rss=0 p f
  for p in "$@"; do
    f="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null)" || continue
    [[ -n "$f" ]] || continue
    read -r -a s <<<"$f"
    cpu=$(( cpu + s[11] + s[12] + s[13] + s[14] ))
    rss=$(( rss + s[21] * $(getconf PAGESIZE) / 1024 ))
  done
  echo "$cpu $rss"
}

injector() { # the Gatling JVM: the java under the parent that is not Maven itself
  local p
  for p in $(descendants "$parent_pid"); do
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'java.*gatling' \
        && ! tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'plexus.classworlds'; then
      echo "$p"; return
    fi
  done
  echo 0
}

gatling=0
while kill -0 "$stack_pid" 2>/dev/null; do
  read -r scpu srss <<<"$(cpu_rss $(descendants "$stack_pid"))"
  read -r _ jrss <<<"$(cpu_rss "$stack_pid")"
  sfds="$(ls "/proc/$stack_pid/fd" 2>/dev/null | wc -l)"
  if [[ "$gatling" == 0 ]] || [[ ! -d "/proc/$gatling" ]]; then gatling="$(injector)"; fi
  gcpu=0 grss=0 gfds=0
  if [[ "$gatling" != 0 ]]; then
    read -r gcpu grss <<<"$(cpu_rss "$gatling")"
    gfds="$(ls "/proc/$gatling/fd" 2>/dev/null | wc -l)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date +%s)" "$(cut -d' ' -f1 /proc/loadavg)" "$scpu" "$srss" "$jrss" \
    "$sfds" "$gcpu" "$grss" "$gfds" >>"$out"
  sleep "$every"
done
