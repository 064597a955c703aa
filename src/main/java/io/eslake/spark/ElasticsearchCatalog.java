package io.eslake.spark;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import io.eslake.client.ConnectionSettings;
import io.eslake.client.ResolvedNames;
import io.eslake.client.ScrollQuery;
import io.eslake.client.SearchPage;
import io.eslake.client.TlsTrust;
import io.eslake.types.ArrayFields;
import io.eslake.types.ArraySampler;
import io.eslake.types.IndexMapping;
import io.eslake.types.MappingMerge;
import io.eslake.types.SchemaConverter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark catalog whose tables are the indices of one Elasticsearch cluster, discovered live.
 * Register it with {@code spark.sql.catalog.<name>=io.eslake.spark.ElasticsearchCatalog} and give
 * its options as {@code spark.sql.catalog.<name>.<option>}; see {@link ConnectorOptions}.
 *
 * <p>Spark creates one instance per session on the driver. Tables live in the root namespace:
 * {@code <name>.<index>}: indices, data streams, and with the option include_aliases aliases; see
 * {@link TableListing}. Names starting with "." are system indices and are never tables. What the
 * catalog lists is kept for the option cache_ttl.
 */
public final class ElasticsearchCatalog implements TableCatalog {

  /** The table property holding the index's document count when the property is read. */
  public static final String DOCUMENTS_PROPERTY = "es.documents";

  private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchCatalog.class);

  private final Set<String> warnedFields = ConcurrentHashMap.newKeySet();
  private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
  private String name;
  private ConnectorOptions options;
  private volatile TableListing cached;

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    this.options = ConnectorOptions.of(options.asCaseSensitiveMap());
    ConnectionSettings connection = this.options.connection();
    LOG.info(
        "Catalog '{}' reads {} with {}, {}",
        name,
        connection.displayUrl(),
        connection.credentials().describe(),
        connection.usesTls()
            ? "trusting " + connection.tls().describe()
            : "over plain HTTP (no TLS)");
    if (connection.tls() instanceof TlsTrust.Insecure) {
      LOG.warn(
          "Catalog '{}' does not verify the TLS certificate of {} ({}=true): anyone between"
              + " here and the cluster can read the credentials and the data. Use it for tests"
              + " only.",
          name,
          connection.displayUrl(),
          ConnectorOptions.INSECURE_SKIP_TLS_VERIFY.name());
    }
    warnAboutUnredactedSecrets();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) throws NoSuchNamespaceException {
    requireRootNamespace(namespace);
    return listing(false).entries().keySet().stream()
        .map(table -> Identifier.of(new String[0], table))
        .toArray(Identifier[]::new);
  }

  /** A table as loaded, with when: kept for cache_ttl like the listing. */
  private record Loaded(TableListing.Entry entry, ElasticsearchTable table, long loadedAtNanos) {

    boolean isFresh(TableListing.Entry current, long ttlMillis) {
      return entry.equals(current) && System.nanoTime() - loadedAtNanos < ttlMillis * 1_000_000L;
    }
  }

  /**
   * The table of an index, data stream or alias. Loading one reads its mapping and a sample of its
   * documents; the table is then kept for cache_ttl, since Spark loads a table several times for
   * one statement and the sync job several times for one index.
   */
  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    if (ident.namespace().length > 0 || ident.name().startsWith(".")) {
      throw new NoSuchTableException(ident);
    }
    TableListing.Entry entry = listed(ident.name());
    if (entry == null) {
      requireNotRefused(ident.name());
      requireNotLeftOut(ident.name());
      throw new NoSuchTableException(ident);
    }
    if (entry.closed()) {
      throw new ClosedIndexException(entry.name());
    }
    Loaded kept = loaded.get(entry.name());
    if (kept != null && kept.isFresh(entry, options.cacheTtlMillis())) {
      return kept.table();
    }
    ElasticsearchTable table = load(ident, entry);
    if (options.cacheTtlMillis() > 0) {
      loaded.put(entry.name(), new Loaded(entry, table, System.nanoTime()));
    }
    return table;
  }

  /** Forgets a loaded table, so that the next statement reads its mapping again. */
  @Override
  public void invalidateTable(Identifier ident) {
    loaded.remove(ident.name());
  }

  private ElasticsearchTable load(Identifier ident, TableListing.Entry entry)
      throws NoSuchTableException {
    String table = entry.name();
    try (ClusterClient client = ClusterClient.shared(options.connection())) {
      Map<String, JsonNode> mappings = client.mappings(table);
      if (mappings.isEmpty()) {
        throw new NoSuchTableException(ident);
      }
      requireSource(entry, mappings);
      JsonNode mappingJson =
          mappings.size() == 1
              ? mappings.values().iterator().next()
              : MappingMerge.merge(mappings.values(), (path, types) -> noteWidened(entry, path));
      IndexMapping mapping = IndexMapping.parse(mappingJson);
      ArrayFields arrays =
          ArrayFields.of(options.arrayFields()).and(sampled(client, table, mapping));
      StructType schema =
          SchemaConverter.toSchema(mapping, arrays, (path, type) -> noteOnce(table, path, type));
      if (entry.readsSeveralIndices()) {
        schema = SchemaConverter.withIndexColumn(schema);
      }
      noteRuntimeFields(table, mappingJson);
      return new ElasticsearchTable(entry, schema, options);
    } catch (ClusterException e) {
      if (e.kind() == ClusterException.Kind.NOT_FOUND) {
        forgetListing();
        loaded.remove(table);
        throw new NoSuchTableException(ident);
      }
      throw e;
    }
  }

  /**
   * The tables, from the cached listing while it is fresh (option cache_ttl), else from one new
   * {@code _resolve/index} request.
   */
  private TableListing listing(boolean refresh) {
    TableListing current = cached;
    if (!refresh && current != null && current.isFresh(options.cacheTtlMillis())) {
      return current;
    }
    ResolvedNames names;
    java.util.Set<String> unreadable;
    try (ClusterClient client = ClusterClient.shared(options.connection())) {
      names = client.resolve("*", options.includeHidden());
      unreadable = client.unreadable(TableListing.candidates(names, options));
    }
    try {
      current = TableListing.of(names, options, unreadable);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage()
              + " Check the option '"
              + ConnectorOptions.INCLUDE.name()
              + "' of catalog '"
              + name
              + "'.",
          e);
    }
    LOG.debug("Catalog '{}' lists {} tables", name, current.entries().size());
    cached = current;
    return current;
  }

  /**
   * A table by name: from the cached listing, or from a new one when the cached listing lacks it
   * (the index may have been made since, however recently). A listing made by this call is not
   * asked twice.
   */
  private TableListing.Entry listed(String table) {
    TableListing before = cached;
    TableListing current = listing(false);
    TableListing.Entry entry = current.entries().get(table);
    if (entry == null && current == before) {
      entry = listing(true).entries().get(table);
    }
    return entry;
  }

  /**
   * A name the listing lacks may be one the account has no privilege on, or may see but not read:
   * the error then says which privilege is missing, which helps more than "no such table".
   */
  private void requireNotRefused(String table) {
    try (ClusterClient client = ClusterClient.shared(options.connection())) {
      client.mappings(table);
      client.requireReadable(table);
    } catch (ClusterException e) {
      if (e.kind() == ClusterException.Kind.PERMISSION) {
        throw e;
      }
    }
  }

  /**
   * A name the listing lacks may be one the cluster has but the catalog's options leave out: the
   * error then names the option that would list it. Asks {@code _resolve/index} about that one
   * name; says nothing when the question fails.
   *
   * @throws TableNotListedException when the name is an alias without include_aliases, a hidden
   *     index without include_hidden, or not selected by the options include and exclude
   */
  private void requireNotLeftOut(String table) {
    ResolvedNames resolved;
    try (ClusterClient client = ClusterClient.shared(options.connection())) {
      resolved = client.resolve(table, true);
    } catch (ClusterException e) {
      return;
    }
    java.util.Optional<ResolvedNames.Alias> alias = resolved.alias(table);
    boolean hidden = resolved.index(table).filter(ResolvedNames.Index::isHidden).isPresent();
    String prefix = "spark.sql.catalog." + name + ".";
    if (alias.isPresent() && !options.includeAliases()) {
      throw new TableNotListedException(
          name,
          table,
          "'"
              + table
              + "' is an alias (of "
              + String.join(", ", alias.get().indices())
              + "), and the catalog lists aliases only when its option "
              + ConnectorOptions.INCLUDE_ALIASES.name()
              + " is true",
          prefix + ConnectorOptions.INCLUDE_ALIASES.name() + "=true");
    }
    if (hidden && !options.includeHidden()) {
      throw new TableNotListedException(
          name,
          table,
          "'"
              + table
              + "' is a hidden index, and the catalog lists hidden indices only when its option "
              + ConnectorOptions.INCLUDE_HIDDEN.name()
              + " is true",
          prefix + ConnectorOptions.INCLUDE_HIDDEN.name() + "=true");
    }
    if (resolved.has(table)
        && !NameSelection.of(options.include(), options.exclude()).matches(table)) {
      throw new TableNotListedException(
          name,
          table,
          "the catalog's options "
              + ConnectorOptions.INCLUDE.name()
              + " "
              + options.include()
              + " and "
              + ConnectorOptions.EXCLUDE.name()
              + " "
              + options.exclude()
              + " leave it out",
          prefix
              + ConnectorOptions.INCLUDE.name()
              + " or "
              + prefix
              + ConnectorOptions.EXCLUDE.name());
    }
  }

  /**
   * Whether a table exists: a name the catalog's options leave out does not, here, though loading
   * it says why.
   */
  @Override
  public boolean tableExists(Identifier ident) {
    try {
      loadTable(ident);
      return true;
    } catch (NoSuchTableException | TableNotListedException e) {
      return false;
    }
  }

  private void forgetListing() {
    cached = null;
  }

  @Override
  public Table createTable(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties) {
    throw readOnly("create table " + ident);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw readOnly("alter table " + ident);
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw readOnly("drop table " + ident);
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw readOnly("rename table " + oldIdent);
  }

  /**
   * Spark's UI and event logs hide a configuration value only when its key matches
   * spark.redaction.regex. Every secret option's name matches the default; a changed regex may not.
   */
  private void warnAboutUnredactedSecrets() {
    for (String option : options.secretsGivenAsValues()) {
      String confKey = "spark.sql.catalog." + name + "." + option;
      if (!SparkRedaction.hides(confKey)) {
        LOG.warn(
            "Option '{}' of catalog '{}' holds a secret, but spark.redaction.regex does not match"
                + " '{}', so Spark's UI and event logs show its value. Give it with '{}_env' or"
                + " '{}_file' instead, or restore the default spark.redaction.regex.",
            option,
            name,
            confKey,
            option,
            option);
      }
    }
  }

  /**
   * The fields a sample of the index shows holding arrays: the first documents in index order, as
   * many as the option array_sample_size says.
   */
  private ArrayFields sampled(ClusterClient client, String index, IndexMapping mapping) {
    int size = options.arraySampleSize();
    if (size == 0) {
      return ArrayFields.none();
    }
    ArraySampler sampler = ArraySampler.forMapping(mapping);
    ScrollQuery query = new ScrollQuery(index, null, size, options.scrollKeepAlive(), 0, 1);
    try (SearchPage page = client.firstPage(query)) {
      while (page.nextHit(sourcesTo(sampler))) {
        // Each hit's source goes to the sampler.
      }
    } catch (IOException | ClusterException e) {
      LOG.warn(
          "Cannot read a sample of index '{}' to find the fields that hold arrays ({}): none is"
              + " read as an array unless the option {} or the mapping's _meta names it; arrays"
              + " in other fields are kept in {}.",
          index,
          e.getMessage(),
          ConnectorOptions.ARRAY_FIELDS.name(),
          SchemaConverter.RESCUE_COLUMN);
      return ArrayFields.none();
    }
    LOG.info(
        "Sampled {} documents of index '{}' for arrays: {}",
        sampler.documents(),
        index,
        sampler.paths().isEmpty() ? "none found" : "array columns for " + sampler.paths());
    return sampler.found();
  }

  private static SearchPage.HitVisitor sourcesTo(ArraySampler sampler) {
    return new SearchPage.HitVisitor() {
      @Override
      public void id(JsonParser parser) {
        // The sample needs sources only.
      }

      @Override
      public void index(JsonParser parser) {
        // The sample needs sources only.
      }

      @Override
      public void source(JsonParser parser) throws IOException {
        sampler.observe(parser);
      }
    };
  }

  /**
   * A table whose index, or any index behind its data stream or alias, disables _source cannot be
   * read: its documents have no source, so every column would be NULL. An index whose _source
   * leaves fields out is read, with a warning naming its filter: those fields read NULL.
   */
  private static void requireSource(TableListing.Entry entry, Map<String, JsonNode> mappings) {
    for (Map.Entry<String, JsonNode> index : mappings.entrySet()) {
      if (IndexMapping.sourceDisabled(index.getValue())) {
        throw new SourceDisabledException(entry.name(), entry.kind().label(), index.getKey());
      }
    }
    for (Map.Entry<String, JsonNode> index : mappings.entrySet()) {
      String filter = IndexMapping.sourceFilter(index.getValue());
      if (!filter.isEmpty()) {
        LOG.warn(
            "Index '{}'{} keeps only part of each document in _source (its mapping's _source {}):"
                + " the fields this leaves out are not in the documents read back, and their"
                + " columns are NULL.",
            index.getKey(),
            index.getKey().equals(entry.name())
                ? ""
                : " of " + entry.kind().label() + " '" + entry.name() + "'",
            filter);
      }
    }
  }

  /** Runtime fields are computed at search time and are not in _source: no column reads them. */
  private void noteRuntimeFields(String index, JsonNode mappingJson) {
    JsonNode runtime = mappingJson.path("runtime");
    if (runtime.size() > 0 && warnedFields.add(index + "/runtime")) {
      List<String> names = new ArrayList<>();
      runtime.fieldNames().forEachRemaining(names::add);
      LOG.info(
          "Index '{}' has runtime fields {}: they are computed at search time, are not in"
              + " _source, and have no column.",
          index,
          names);
    }
  }

  /** Fields whose types differ between the indices of a data stream or alias become strings. */
  private void noteWidened(TableListing.Entry entry, String path) {
    if (warnedFields.add(entry.name() + "/widened/" + path)) {
      LOG.info(
          "Field '{}' has different types in the indices of {} '{}': it is read as a string column"
              + " (JSON text when one of them is an object).",
          path,
          entry.kind().label(),
          entry.name());
    }
  }

  private void noteOnce(String index, String path, String type) {
    if (!warnedFields.add(index + "/" + path)) {
      return;
    }
    if (type.equals("alias")) {
      LOG.info(
          "Field '{}' of index '{}' is an alias: it has no value of its own in _source and no"
              + " column; its target field's column holds the data.",
          path,
          index);
    } else {
      LOG.warn(
          "Field '{}' of index '{}' has type '{}', which has no column type of its own: it is"
              + " read as a JSON string column.",
          path,
          index,
          type);
    }
  }

  private void requireRootNamespace(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length > 0) {
      throw new NoSuchNamespaceException(namespace);
    }
  }

  private UnsupportedOperationException readOnly(String operation) {
    return new UnsupportedOperationException(
        "Cannot "
            + operation
            + " in catalog '"
            + name
            + "': its tables are Elasticsearch indices,"
            + " read-only through Spark.");
  }
}
