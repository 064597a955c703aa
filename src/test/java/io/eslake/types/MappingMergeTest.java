package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class MappingMergeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void agreeingFieldsStayAndEveryFieldOfEveryIndexIsKept() throws Exception {
    JsonNode merged =
        MappingMerge.merge(
            List.of(
                json(
                    "{'properties':{'a':{'type':'long'},"
                        + "'o':{'properties':{'x':{'type':'date'}}}}}"),
                json(
                    "{'properties':{'a':{'type':'long'},'b':{'type':'keyword'},"
                        + "'o':{'properties':{'y':{'type':'ip'}}}}}")),
            (path, types) -> {
              throw new AssertionError(path + " widened");
            });

    assertEquals(
        json(
            "{'properties':{'a':{'type':'long'},'o':{'properties':{'x':{'type':'date'},"
                + "'y':{'type':'ip'}}},'b':{'type':'keyword'}}}"),
        merged);
  }

  @Test
  void conflictingLeavesBecomeKeywordAndObjectAgainstLeafBecomesJsonText() throws Exception {
    List<String> widened = new ArrayList<>();
    JsonNode merged =
        MappingMerge.merge(
            List.of(
                json(
                    "{'properties':{'code':{'type':'long'},'obj':{'type':'long'},"
                        + "'d':{'type':'date','format':'epoch_millis'},"
                        + "'n':{'type':'nested','properties':{'k':{'type':'keyword'}}}}}"),
                json(
                    "{'properties':{'code':{'type':'keyword'},"
                        + "'obj':{'properties':{'x':{'type':'long'}}},"
                        + "'d':{'type':'date','format':'yyyy-MM-dd'},"
                        + "'n':{'properties':{'k':{'type':'keyword'}}}}}"),
                json("{'properties':{'code':{'type':'double'}}}")),
            (path, types) -> widened.add(path + ": " + types));

    assertEquals(
        json(
            "{'properties':{'code':{'type':'keyword','index':false,'doc_values':false},"
                + "'obj':{'type':'object','enabled':false},"
                + "'d':{'type':'keyword','index':false,'doc_values':false},"
                + "'n':{'type':'object','enabled':false}}}"),
        merged);
    assertEquals(
        List.of(
            "code: long and keyword",
            "obj: long and object",
            "d: date (format epoch_millis) and date (format yyyy-MM-dd)",
            "n: nested and object",
            "code: keyword and double"),
        widened);
    StructType schema = SchemaConverter.toSchema(IndexMapping.parse(merged), (p, t) -> {});
    assertEquals(
        "_id:string,code:string,obj:string,d:string,n:string,_rescued:string",
        String.join(
            ",",
            java.util.Arrays.stream(schema.fields())
                .map(f -> f.name() + ":" + f.dataType().simpleString())
                .toList()));
    StructField code = schema.apply("code");
    assertFalse(FieldMetadata.isSearchExact(code), "each index searches code as its own type");
    assertFalse(FieldMetadata.isAggregatable(code), "each index aggregates code as its own type");
  }
}
