package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.types.FieldMetadata;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.filter.And;
import org.apache.spark.sql.connector.expressions.filter.Not;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The queries conditions become: true where Spark keeps a row and false where Spark's condition is
 * false (not null), and when Spark need not evaluate them again.
 */
class FilterTranslatorTest {

  private static final StructType SCHEMA =
      new StructType()
          .add("kw", DataTypes.StringType, true, es("keyword"))
          .add("n", DataTypes.IntegerType, true, es("integer"))
          .add("ts", DataTypes.TimestampType, true, es("date"));

  private static final Predicate KW_IS_A = compare("=", "kw", text("a"));
  private static final Predicate N_ABOVE_4 =
      compare(">", "n", new LiteralValue<>(4, DataTypes.IntegerType));

  @Test
  void aNegatedComparisonSelectsOnlyDocumentsHoldingAValue() {
    FilterTranslator translator = new FilterTranslator(SCHEMA, true);
    String notA =
        "{\"bool\":{\"filter\":[{\"exists\":{\"field\":\"kw\"}}],"
            + "\"must_not\":[{\"term\":{\"kw\":\"a\"}}]}}";
    assertEquals(notA, sent(translator, new Not(KW_IS_A)));
    assertEquals(notA, sent(translator, compare("<>", "kw", text("a"))));
    assertEquals(
        "{\"bool\":{\"filter\":[{\"bool\":{\"filter\":[{\"exists\":{\"field\":\"n\"}}],"
            + "\"must_not\":[{\"range\":{\"n\":{\"gt\":4}}}]}},"
            + notA
            + "]}}",
        sent(translator, new Not(new Or(N_ABOVE_4, KW_IS_A))));
    assertEquals(
        "{\"bool\":{\"should\":[{\"bool\":{\"filter\":[{\"exists\":{\"field\":\"n\"}}],"
            + "\"must_not\":[{\"range\":{\"n\":{\"gt\":4}}}]}},"
            + notA
            + "],\"minimum_should_match\":1}}",
        sent(translator, new Not(new And(N_ABOVE_4, KW_IS_A))));
    assertEquals("{\"term\":{\"kw\":\"a\"}}", sent(translator, new Not(new Not(KW_IS_A))));
    assertTrue(translator.exact());
  }

  @Test
  void nullTestsAreSentWhereANullColumnMeansAMissingValue() {
    Predicate isNull = new Predicate("IS_NULL", new Expression[] {Expressions.column("kw")});
    Predicate notNull = new Predicate("IS_NOT_NULL", new Expression[] {Expressions.column("kw")});
    String missing = "{\"bool\":{\"must_not\":[{\"exists\":{\"field\":\"kw\"}}]}}";

    FilterTranslator rescuing = new FilterTranslator(SCHEMA, false);
    assertTrue(rescuing.translate(isNull).isEmpty());
    assertTrue(rescuing.translate(new Not(notNull)).isEmpty());
    assertEquals("{\"exists\":{\"field\":\"kw\"}}", sent(rescuing, notNull));
    assertFalse(rescuing.exact(), "a null kw may hide values the cluster selects");

    FilterTranslator probed = new FilterTranslator(SCHEMA, false, Set.of("kw"));
    assertEquals(missing, sent(probed, isNull));
    assertTrue(probed.exact());
    assertEquals(missing, sent(probed, new Not(notNull)));
    assertEquals("{\"exists\":{\"field\":\"kw\"}}", sent(probed, new Not(isNull)));
    sent(probed, new And(KW_IS_A, N_ABOVE_4));
    assertFalse(probed.exact(), "n was not found to hold one value");
    assertEquals(Set.of("kw", "n"), probed.columns(new Or(N_ABOVE_4, new Not(isNull))));
  }

  @Test
  void theOppositeOfAWidenedDateRangeIsNotSent() {
    FilterTranslator translator = new FilterTranslator(SCHEMA, true);
    Predicate after =
        compare(">", "ts", new LiteralValue<>(1_614_910_500_250_123L, DataTypes.TimestampType));
    assertTrue(translator.translate(after).isPresent());
    assertFalse(translator.exact());
    assertTrue(translator.translate(new Not(after)).isEmpty());
    assertTrue(translator.translate(new Or(KW_IS_A, new Not(after))).isEmpty());
  }

  private static String sent(FilterTranslator translator, Predicate predicate) {
    return translator.translate(predicate).map(FilterTranslator::text).orElse(null);
  }

  private static Predicate compare(String operator, String column, Expression literal) {
    return new Predicate(operator, new Expression[] {Expressions.column(column), literal});
  }

  private static Expression text(String value) {
    return new LiteralValue<>(UTF8String.fromString(value), DataTypes.StringType);
  }

  private static Metadata es(String type) {
    return new MetadataBuilder().putString(FieldMetadata.TYPE, type).build();
  }
}
