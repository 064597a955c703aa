package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class StatsColumnsTest {

  @Test
  void leavesOutIdAndTypesWithoutMinAndMaxAndKeepsTheRescueColumn() {
    StructType schema =
        new StructType()
            .add("_id", DataTypes.StringType)
            .add("origin", DataTypes.StringType)
            .add("ok", DataTypes.BooleanType)
            .add("tags", DataTypes.createArrayType(DataTypes.StringType))
            .add(
                "trip",
                new StructType()
                    .add("miles", DataTypes.LongType)
                    .add("late", DataTypes.BooleanType)
                    .add("at", DataTypes.TimestampType))
            .add("odd`name", DataTypes.DoubleType)
            .add("_rescued", DataTypes.StringType);

    assertEquals(
        Optional.of("`origin`,`trip`.`miles`,`trip`.`at`,`odd``name`,`_rescued`"),
        StatsColumns.of(schema));
  }

  @Test
  void keepsAsManyColumnsAsDeltasDefaultPlusTheRescueColumn() {
    StructType schema = new StructType().add("_id", DataTypes.StringType);
    for (int i = 0; i < 40; i++) {
      schema = schema.add("c" + i, DataTypes.IntegerType);
    }
    schema = schema.add("_rescued", DataTypes.StringType);

    String expected =
        IntStream.range(0, 32).mapToObj(i -> "`c" + i + "`").collect(Collectors.joining(","))
            + ",`_rescued`";
    assertEquals(Optional.of(expected), StatsColumns.of(schema));
  }

  @Test
  void keepsDeltasDefaultForATableWithoutId() {
    StructType schema = new StructType().add("n", DataTypes.LongType);

    assertEquals(Optional.empty(), StatsColumns.of(schema));
  }
}
