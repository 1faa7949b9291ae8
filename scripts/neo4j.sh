#!/usr/bin/env bash
# Run a local Neo4j 5.26 LTS Community server without Docker: jars from Maven Central, state in .neo4j/.
#
#   bash scripts/neo4j.sh start    fetch jars (once), write config, set the initial password (once),
#                                  start in the background and wait until Bolt answers a real query
#   bash scripts/neo4j.sh stop     stop the server and wait until the process is gone
#   bash scripts/neo4j.sh status   print running/stopped; exit 0 when running, 3 when stopped
#   bash scripts/neo4j.sh reset    stop and delete the database files (keeps the downloaded jars)
#   bash scripts/neo4j.sh import CSV_DIR
#                                  bulk-load a `kg export --format csv` directory into the database
#                                  "neo4j" with neo4j-admin (replaces its contents; server must be stopped)
#
# Environment: NEO4J_PASSWORD (default kg-dev-password, >= 8 chars), NEO4J_VERSION (default below),
# NEO4J_HEAP (default 1g), NEO4J_PAGECACHE (default 1g), NEO4J_START_TIMEOUT seconds (default 120),
# KG_NEO4J_DIR (default <repo>/.neo4j), NEO4J_LIB (default $KG_NEO4J_DIR/lib), KG_IMPORT_JAVA_OPTS (JVM options
# of `import`; default -XX:+UseSerialGC on machines with <= 2 CPUs, see import_csv). Needs Java 17+ and, for the
# first fetch only, mvn.
# Listens on 127.0.0.1 only: Bolt 7687, HTTP 7474 (Browser at http://127.0.0.1:7474/browser/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${KG_NEO4J_DIR:-$ROOT/.neo4j}"
VERSION="${NEO4J_VERSION:-5.26.30}"
BROWSER_VERSION="${NEO4J_BROWSER_VERSION:-5.24.0}"
PASSWORD="${NEO4J_PASSWORD:-kg-dev-password}"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE="${NEO4J_PAGECACHE:-1g}"
TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
BOLT_PORT="${NEO4J_BOLT_PORT:-7687}"
HTTP_PORT="${NEO4J_HTTP_PORT:-7474}"

LIB="${NEO4J_LIB:-$HOME_DIR/lib}"
CONF_DIR="$HOME_DIR/conf"
DATA_DIR="$HOME_DIR/data"
LOG_DIR="$HOME_DIR/logs"
RUN_DIR="$HOME_DIR/run"
PID_FILE="$RUN_DIR/neo4j.pid"
STAMP="$LIB/.fetched-$VERSION-browser-$BROWSER_VERSION"
PW_STAMP="$DATA_DIR/.kg-password.sha256"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MAIN_CLASS=org.neo4j.server.CommunityEntryPoint

say() { echo "neo4j.sh: $*"; }
die() { echo "neo4j.sh: error: $*" >&2; exit 1; }

# pid of our server if it is running, else nothing (a stale pid file is removed)
running_pid() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] \
     && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$MAIN_CLASS.*--home-dir=$HOME_DIR"; then
    echo "$pid"
  else
    rm -f "$PID_FILE"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch() {
  if [ -f "$STAMP" ] && ls "$LIB"/neo4j-server-"$VERSION".jar >/dev/null 2>&1; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; install Maven (apt-get install maven) to fetch the Neo4j jars once"
  say "fetching Neo4j $VERSION + Browser $BROWSER_VERSION jars from Maven Central (once) ..."
  mkdir -p "$HOME_DIR/fetch"
  cat >"$HOME_DIR/fetch/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kg.local</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j-bootcheck</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j-import-tool</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.neo4j.client</groupId><artifactId>neo4j-browser</artifactId><version>$BROWSER_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  rm -rf "$LIB.tmp"
  (cd "$HOME_DIR/fetch" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$LIB.tmp") \
    || die "mvn could not fetch the Neo4j jars (network? proxy?); see the output above"
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
  touch "$STAMP"
  say "fetched $(ls "$LIB"/*.jar | wc -l) jars into $LIB"
}

write_conf() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$HOME_DIR/plugins" "$HOME_DIR/import"
  cat >"$CONF_DIR/neo4j.conf" <<EOF
# Written by scripts/neo4j.sh on every start; edit the script, not this file.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$BOLT_PORT
server.bolt.advertised_address=127.0.0.1:$BOLT_PORT
server.http.enabled=true
server.http.listen_address=127.0.0.1:$HTTP_PORT
server.http.advertised_address=127.0.0.1:$HTTP_PORT
server.https.enabled=false
dbms.security.auth_enabled=true
initial.dbms.default_database=neo4j
server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE
server.directories.data=$DATA_DIR
server.directories.logs=$LOG_DIR
server.directories.run=$RUN_DIR
server.directories.plugins=$HOME_DIR/plugins
server.directories.import=$HOME_DIR/import
server.directories.lib=$LIB
dbms.usage_report.enabled=false
EOF
}

set_password() {
  [ "${#PASSWORD}" -ge 8 ] || die "NEO4J_PASSWORD must be at least 8 characters (Neo4j's minimum)"
  local want
  want="$(printf '%s' "$PASSWORD" | sha256sum | cut -d' ' -f1)"
  if [ -d "$DATA_DIR/databases/system" ]; then
    if [ -f "$PW_STAMP" ] && [ "$(cat "$PW_STAMP")" != "$want" ]; then
      die "the database in $DATA_DIR was initialised with a different NEO4J_PASSWORD.
  Use the original password, or wipe the local database with: bash scripts/neo4j.sh reset"
    fi
    return 0
  fi
  NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$CONF_DIR" \
    "$JAVA" -cp "$LIB/*" org.neo4j.server.startup.Neo4jAdminBoot dbms set-initial-password "$PASSWORD" \
    >"$LOG_DIR/set-initial-password.log" 2>&1 \
    || { cat "$LOG_DIR/set-initial-password.log" >&2; die "could not set the initial password"; }
  echo "$want" >"$PW_STAMP"
}

# a real query through the HTTP API (auth + default database online); Bolt port checked separately
ready() {
  port_open "$BOLT_PORT" || return 1
  local out
  out="$(curl -s -m 5 -u "neo4j:$PASSWORD" -H 'Content-Type: application/json' \
    -d '{"statements":[{"statement":"RETURN 1 AS ok"}]}' \
    "http://127.0.0.1:$HTTP_PORT/db/neo4j/tx/commit" 2>/dev/null)" || return 1
  case "$out" in
    *'"errors":[]'*) return 0 ;;
    *Unauthorized*|*AuthenticationRateLimit*) echo "auth" ; return 1 ;;
    *) return 1 ;;
  esac
}

start() {
  local pid
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    say "already running (pid $pid), Bolt bolt://127.0.0.1:$BOLT_PORT"
    return 0
  fi
  if port_open "$BOLT_PORT" || port_open "$HTTP_PORT"; then
    die "port $BOLT_PORT or $HTTP_PORT is already in use by another process (another Neo4j? docker compose?). Stop it first."
  fi
  command -v "$JAVA" >/dev/null || die "java not found; install a Java 17 or 21 JDK/JRE"
  command -v curl >/dev/null || die "curl not found (used to check the server is ready)"
  fetch
  write_conf
  set_password
  local t0
  t0="$(date +%s.%N)"
  say "starting Neo4j $VERSION (heap $HEAP, page cache $PAGECACHE); log: $LOG_DIR/console.log"
  # JVM flags from the stock neo4j.conf (the bin/neo4j launcher normally adds them)
  NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$CONF_DIR" nohup "$JAVA" \
    -Xms"$HEAP" -Xmx"$HEAP" \
    -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+UnlockExperimentalVMOptions \
    -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC -XX:+UnlockDiagnosticVMOptions \
    -XX:+DebugNonSafepoints -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true \
    -Djdk.tls.ephemeralDHKeySize=2048 -Djdk.tls.rejectClientInitiatedRenegotiation=true \
    -Dlog4j2.disable.jmx=true -Dlog4j.layout.jsonTemplate.maxStringLength=32768 \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$LIB/*" "$MAIN_CLASS" --home-dir="$HOME_DIR" --config-dir="$CONF_DIR" \
    >"$LOG_DIR/console.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$(( $(date +%s) + TIMEOUT )) r
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$LOG_DIR/console.log" >&2 || true
      die "Neo4j exited during start-up; see $LOG_DIR/console.log and $LOG_DIR/debug.log"
    fi
    if r="$(ready)"; then break; fi
    if [ "$r" = "auth" ]; then
      die "Neo4j is up (pid $pid) but rejects NEO4J_PASSWORD; the database was initialised with another
  password. Use that one, or: bash scripts/neo4j.sh reset && bash scripts/neo4j.sh start"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 30 "$LOG_DIR/console.log" >&2 || true
      stop >/dev/null 2>&1 || true
      die "Neo4j did not answer on Bolt within ${TIMEOUT}s (stopped it again); see $LOG_DIR/debug.log"
    fi
    sleep 0.5
  done
  local secs
  secs="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  say "started Neo4j $VERSION in ${secs} s (pid $pid): bolt://127.0.0.1:$BOLT_PORT, Browser http://127.0.0.1:$HTTP_PORT/browser/"
}

stop() {
  local pid
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    say "not running"
    return 0
  fi
  say "stopping Neo4j (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 120); do  # up to 60 s for a clean shutdown
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  say "stopped"
}

status() {
  local pid
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    if port_open "$BOLT_PORT"; then
      echo "running (pid $pid, bolt://127.0.0.1:$BOLT_PORT)"
    else
      echo "running (pid $pid, starting: Bolt not answering yet)"
    fi
    return 0
  fi
  echo "stopped"
  return 3
}

reset() {
  stop
  rm -rf "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
  say "deleted the local database in $DATA_DIR (jars kept)"
}

import_csv() {
  local dir="${1:-}"
  [ -n "$dir" ] && [ -d "$dir" ] || die "import needs a directory written by: kg export --format csv -o DIR"
  ls "$dir"/nodes_*.csv >/dev/null 2>&1 || die "$dir has no nodes_*.csv; write it with: kg export --format csv -o $dir"
  [ -z "$(running_pid)" ] || die "the server is running; stop it first (bash scripts/neo4j.sh stop), import, start again"
  fetch
  write_conf
  local args=(database import full neo4j --overwrite-destination --report-file="$HOME_DIR/import.report")
  local f
  for f in "$dir"/nodes_*.csv; do args+=("--nodes=$f"); done
  for f in "$dir"/rels_*.csv; do [ -e "$f" ] && args+=("--relationships=$f"); done
  say "importing $dir into the database neo4j in $DATA_DIR ..."
  # AdminTool directly: the Neo4jAdminBoot launcher starts a second JVM first (~9 s more here).
  # kg's CSV has no multi-line values, so the parser runs in parallel (--multiline-fields=false).
  # On <= 2 CPUs the serial collector: G1's concurrent threads compete with the importer's two workers
  # (1.13M relationships, 7 interleaved runs each: median 12.6 s wall against 15.1 s with G1, docs/scale.md).
  # More CPUs: the JVM default.
  local jopts=""
  if [ -n "${KG_IMPORT_JAVA_OPTS+set}" ]; then
    jopts="$KG_IMPORT_JAVA_OPTS"
  elif [ "$(nproc 2>/dev/null || echo 4)" -le 2 ]; then
    jopts="-XX:+UseSerialGC"
  fi
  # shellcheck disable=SC2086  # jopts is a list of JVM options
  NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$CONF_DIR" "$JAVA" $jopts -cp "$LIB/*" org.neo4j.cli.AdminTool "${args[@]}"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  reset) reset ;;
  import) import_csv "${2:-}" ;;
  *) echo "usage: bash scripts/neo4j.sh start|stop|status|restart|reset|import CSV_DIR" >&2; exit 2 ;;
esac
