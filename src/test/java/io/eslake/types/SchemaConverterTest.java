package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SchemaConverterTest {

  static IndexMapping fixture(String name) throws IOException {
    try (InputStream in = SchemaConverterTest.class.getResourceAsStream("/mappings/" + name)) {
      return IndexMapping.parse(new ObjectMapper().readTree(in));
    }
  }

  @Test
  void everyCoreTypeHasItsColumnTypeAndIdComesFirst() throws IOException {
    List<String> unknown = new ArrayList<>();
    StructType schema =
        SchemaConverter.toSchema(fixture("core-types.json"), (path, type) -> unknown.add(path));

    StructField id = schema.fields()[0];
    assertEquals("_id", id.name());
    assertEquals(DataTypes.StringType, id.dataType());
    assertEquals(false, id.nullable());

    assertEquals(DataTypes.StringType, type(schema, "title"));
    assertEquals(DataTypes.StringType, type(schema, "tag"));
    assertEquals(DataTypes.LongType, type(schema, "views"));
    assertEquals(DataTypes.IntegerType, type(schema, "rank"));
    assertEquals(DataTypes.ShortType, type(schema, "level"));
    assertEquals(DataTypes.ByteType, type(schema, "flag"));
    assertEquals(DataTypes.DoubleType, type(schema, "score"));
    assertEquals(DataTypes.FloatType, type(schema, "ratio"));
    assertEquals(DataTypes.FloatType, type(schema, "half"));
    assertEquals(DataTypes.BooleanType, type(schema, "active"));
    assertEquals(DataTypes.TimestampType, type(schema, "created"));
    assertEquals(
        DataTypes.createStructType(
            new StructField[] {
              DataTypes.createStructField("name", DataTypes.StringType, true),
              DataTypes.createStructField("age", DataTypes.IntegerType, true)
            }),
        withoutMetadata(type(schema, "author")));
    assertEquals(
        DataTypes.createArrayType(
            DataTypes.createStructType(
                new StructField[] {
                  DataTypes.createStructField("user", DataTypes.StringType, true),
                  DataTypes.createStructField("stars", DataTypes.ShortType, true)
                }),
            true),
        withoutMetadata(type(schema, "comments")));
  }

  @Test
  void aTypeWithoutItsOwnColumnTypeIsAJsonStringColumnAndIsReported() throws IOException {
    List<String> untyped = new ArrayList<>();
    IndexMapping mapping =
        IndexMapping.parse(
            new ObjectMapper()
                .readTree(
                    "{\"properties\":{\"a\":{\"type\":\"keyword\"},"
                        + "\"p\":{\"type\":\"some_plugin_type\"}}}"));
    StructType schema =
        SchemaConverter.toSchema(mapping, (path, type) -> untyped.add(path + ":" + type));

    assertEquals(DataTypes.StringType, type(schema, "p"));
    assertEquals(true, FieldMetadata.isJson(schema.apply("p")));
    assertEquals(List.of("p:some_plugin_type"), untyped);
    assertEquals(List.of("_id", "a", "p", "_rescued"), List.of(schema.fieldNames()));
  }

  @Test
  void columnsFollowTheMappingOrderBetweenIdAndTheRescueColumn() throws IOException {
    StructType schema = SchemaConverter.toSchema(fixture("core-types.json"), (path, type) -> {});
    assertEquals(
        List.of(
            "_id",
            "title",
            "tag",
            "views",
            "rank",
            "level",
            "flag",
            "score",
            "ratio",
            "half",
            "active",
            "created",
            "author",
            "comments",
            "location",
            "_rescued"),
        List.of(schema.fieldNames()));
    assertEquals(
        "struct<lat:double,lon:double>", schema.apply("location").dataType().simpleString());
    assertEquals(true, FieldMetadata.isRescue(schema.apply("_rescued")));
  }

  @Test
  void columnsCarryTheirElasticsearchTypeAndFormat() throws IOException {
    IndexMapping mapping =
        IndexMapping.parse(
            new ObjectMapper()
                .readTree(
                    "{\"properties\":{\"t\":{\"type\":\"date\",\"format\":\"yyyy/MM/dd\"}}}"));
    StructField t = SchemaConverter.toSchema(mapping, (p, ty) -> {}).apply("t");
    assertEquals("date", FieldMetadata.type(t));
    assertEquals("yyyy/MM/dd", FieldMetadata.format(t));
  }

  @Test
  void readsTheSingleTypeMappingsOfOldIndices() throws IOException {
    IndexMapping mapping =
        IndexMapping.parse(
            new ObjectMapper()
                .readTree("{\"_doc\":{\"properties\":{\"a\":{\"type\":\"keyword\"}}}}"));
    assertEquals(List.of("a"), List.copyOf(mapping.properties().keySet()));
  }

  @Test
  void fieldsWithoutAValueOfTheirOwnHaveNoColumnAndNamesStayDistinctIgnoringCase()
      throws IOException {
    List<String> untyped = new ArrayList<>();
    IndexMapping mapping =
        IndexMapping.parse(
            new ObjectMapper()
                .readTree(
                    "{\"properties\":{\"_rescued\":{\"type\":\"keyword\"},"
                        + "\"empty\":{\"type\":\"object\"},"
                        + "\"link\":{\"type\":\"alias\",\"path\":\"_rescued\"},"
                        + "\"off\":{\"type\":\"object\",\"enabled\":false},"
                        + "\"o\":{\"properties\":{\"K\":{\"type\":\"long\"},"
                        + "\"k\":{\"type\":\"long\"}}}}}"));
    StructType schema =
        SchemaConverter.toSchema(mapping, (path, type) -> untyped.add(path + ":" + type));

    assertEquals(
        "_id:string,_rescued:string,off:string,o:struct<K:bigint,k__2:bigint>,"
            + "_rescued__2:string",
        String.join(
            ",",
            java.util.Arrays.stream(schema.fields())
                .map(f -> f.name() + ":" + f.dataType().simpleString())
                .toList()));
    assertEquals(List.of("link:alias"), untyped);
    assertEquals(true, FieldMetadata.isRescue(schema.apply("_rescued__2")));
    assertEquals(false, FieldMetadata.isRescue(schema.apply("_rescued")));
    assertEquals(true, FieldMetadata.isJson(schema.apply("off")));
    StructType o = (StructType) schema.apply("o").dataType();
    assertEquals("k", FieldMetadata.sourceName(o.apply("k__2")));
  }

  private static DataType type(StructType schema, String name) {
    return schema.apply(name).dataType();
  }

  /** The same type with every field's metadata dropped, to compare shapes. */
  static DataType withoutMetadata(DataType type) {
    if (type instanceof StructType struct) {
      List<StructField> fields = new ArrayList<>();
      for (StructField f : struct.fields()) {
        fields.add(
            DataTypes.createStructField(f.name(), withoutMetadata(f.dataType()), f.nullable()));
      }
      return DataTypes.createStructType(fields);
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType array) {
      return DataTypes.createArrayType(withoutMetadata(array.elementType()), array.containsNull());
    }
    return type;
  }
}
