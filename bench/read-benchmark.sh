#!/bin/sh
# Runs the read benchmark (io.eslake.local.ReadBenchmark): starts a local Elasticsearch (or uses the
# cluster in ESLAKE_TEST_URL), loads the flights data once, and measures. Arguments go to the
# benchmark: --reps N (default 5),
# --only limit,eshadoop,ours,sync,sync-ours,sync-eshadoop,heap,many,many-batched, --many N, --many-at-once N, --conf key=value (a Spark
# setting; key= unsets it), --serve. ESLAKE_BENCHMARK_JAVA_OPTS adds JVM options (a JFR recording, for instance).
set -eu
cd "$(dirname "$0")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/benchmark.classpath
opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
exec java -Xmx${ESLAKE_BENCHMARK_HEAP:-3g} $opens ${ESLAKE_BENCHMARK_JAVA_OPTS:-} \
  -Dlog4j2.configurationFile=conf/log4j2.properties \
  -Deslake.work=target -Deslake.distributions=target/distributions \
  -Deslake.server.version=8.19.3 \
  -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
  io.eslake.local.ReadBenchmark "$@"
