-- Databricks notebook source
-- MAGIC %md
-- MAGIC # eslake: Elasticsearch indices as tables
-- MAGIC
-- MAGIC Registers the Elasticsearch catalog, lists and describes its tables, queries an index live,
-- MAGIC compares it with the Delta table the sync job wrote, and reads the run history.
-- MAGIC
-- MAGIC The cluster needs the eslake jar as a library. Fill in the widgets at the top: the catalog
-- MAGIC name to register, where the cluster is, the user, and a file (on the driver) holding the
-- MAGIC password (in a Unity Catalog volume only you may read; not the DBFS root, which other
-- MAGIC users of the workspace can usually read); the index to look at, its synced Delta table
-- MAGIC and the run history table.
-- MAGIC On a shared cluster, put the catalog settings in the cluster's Spark config instead
-- MAGIC (`conf/spark-defaults.conf` has them), with the password in a secret.

-- COMMAND ----------

CREATE WIDGET TEXT catalog DEFAULT 'es';
CREATE WIDGET TEXT es_url DEFAULT 'https://my-cluster.example.com:9200';
CREATE WIDGET TEXT es_username DEFAULT 'reader';
CREATE WIDGET TEXT password_file DEFAULT '/Volumes/main/eslake/secrets/es-password';
CREATE WIDGET TEXT index DEFAULT 'flights';
CREATE WIDGET TEXT synced_table DEFAULT 'eslake.flights';
CREATE WIDGET TEXT history_table DEFAULT 'eslake.sync_runs'

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Register the catalog
-- MAGIC Every index of the cluster becomes the table `<catalog>.<index>`.

-- COMMAND ----------

SET spark.sql.catalog.${catalog}=io.eslake.spark.ElasticsearchCatalog;
SET spark.sql.catalog.${catalog}.url=${es_url};
SET spark.sql.catalog.${catalog}.username=${es_username};
SET spark.sql.catalog.${catalog}.password_file=${password_file}

-- COMMAND ----------

SHOW TABLES IN ${catalog}

-- COMMAND ----------

DESCRIBE TABLE ${catalog}.`${index}`

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Query the index live
-- MAGIC Each query reads the index as it is now, with a sliced scroll.

-- COMMAND ----------

SELECT * FROM ${catalog}.`${index}` LIMIT 10

-- COMMAND ----------

SELECT count(*) AS documents FROM ${catalog}.`${index}`

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Compare with the synced Delta table
-- MAGIC The counts match after a sync, unless the index changed since; the second query counts the
-- MAGIC documents only on one side.

-- COMMAND ----------

SELECT 'elasticsearch' AS source, count(*) AS documents FROM ${catalog}.`${index}`
UNION ALL
SELECT 'delta' AS source, count(*) AS documents FROM ${synced_table}

-- COMMAND ----------

SELECT
  (SELECT count(*) FROM (
    SELECT _id FROM ${catalog}.`${index}` EXCEPT SELECT _id FROM ${synced_table}
  )) AS only_in_elasticsearch,
  (SELECT count(*) FROM (
    SELECT _id FROM ${synced_table} EXCEPT SELECT _id FROM ${catalog}.`${index}`
  )) AS only_in_delta

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The run history
-- MAGIC One row per index per run of the sync job.

-- COMMAND ----------

SELECT run_id, started_at, index, `table`, status, rows, index_count, seconds, bytes,
  schema_changes, error
FROM ${history_table}
ORDER BY started_at DESC
LIMIT 20

-- COMMAND ----------

SELECT index, max(started_at) AS last_run, max_by(status, started_at) AS last_status,
  max_by(rows, started_at) AS last_rows, max_by(index_count, started_at) AS index_count_then
FROM ${history_table}
GROUP BY index
ORDER BY index
