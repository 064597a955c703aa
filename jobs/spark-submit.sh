#!/usr/bin/env bash
# Runs the eslake sync job on a plain Spark cluster (or locally) with spark-submit.
#
#   ESLAKE_PASSWORD=... jobs/spark-submit.sh --indices 'logs-*' --warehouse /data/lake
#
# Options after the script's name go to the job (see --help); the job's settings come from
# conf/eslake-sync.properties unless ESLAKE_CONFIG names another file. The environment chooses:
#   SPARK_SUBMIT    the spark-submit command              (default: spark-submit)
#   SPARK_MASTER    the master URL                        (default: local[*])
#   ESLAKE_JAR      the shaded jar                        (default: target/eslake-*.jar)
#   DELTA_PACKAGES  Delta for clusters that lack it; empty when the cluster has it
#                                                         (default: io.delta:delta-spark_2.12:3.3.3)
#   SPARK_SUBMIT_ARGS  more spark-submit options, split on white space, e.g.
#                   "--executor-memory 4g --conf spark.eventLog.enabled=true"
# Exit codes are the job's: 0 ok, 1 some index failed, 2 bad arguments, 3 connection or
# credentials.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${ESLAKE_JAR:-}"
if [[ -z "$jar" ]]; then
  jar="$(ls "$home"/target/eslake-*.jar 2>/dev/null | head -n 1 || true)"
fi
if [[ -z "$jar" || ! -f "$jar" ]]; then
  echo "spark-submit.sh: no eslake jar; run 'mvn package' or set ESLAKE_JAR." >&2
  exit 2
fi
config="${ESLAKE_CONFIG:-$home/conf/eslake-sync.properties}"
delta="${DELTA_PACKAGES-io.delta:delta-spark_2.12:3.3.3}"

args=(
  --master "${SPARK_MASTER:-local[*]}"
  --class io.eslake.sync.SyncJob
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog
  --conf spark.executor.heartbeatInterval=2s
  --driver-java-options "-Dlog4j2.configurationFile=$home/conf/log4j2.properties"
)
if [[ -n "$delta" ]]; then
  args+=(--packages "$delta")
fi
if [[ -n "${SPARK_SUBMIT_ARGS:-}" ]]; then
  read -r -a extra <<< "$SPARK_SUBMIT_ARGS"
  args+=("${extra[@]}")
fi

submit="${SPARK_SUBMIT:-spark-submit}"
if ! command -v "$submit" >/dev/null 2>&1; then
  echo "spark-submit.sh: no '$submit' command: put Spark 3.5's bin/ on PATH or set SPARK_SUBMIT." \
    "To try the job without Spark installed, run the quickstart (README)." >&2
  exit 2
fi
exec "$submit" "${args[@]}" "$jar" --config "$config" "$@"
