package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class BatchFilesTest {

  @Test
  void aBatchTaskIsRunAsOftenAsSparkRunsAFailingTask() {
    SparkConf defaults = new SparkConf(false);
    assertEquals(1, BatchFiles.taskAttempts("local", defaults));
    assertEquals(1, BatchFiles.taskAttempts("local[*]", defaults));
    assertEquals(1, BatchFiles.taskAttempts("local[2]", defaults));
    assertEquals(4, BatchFiles.taskAttempts("local[2,4]", defaults));
    assertEquals(3, BatchFiles.taskAttempts("local[*, 3]", defaults));
    assertEquals(4, BatchFiles.taskAttempts("spark://127.0.0.1:7077", defaults));
    assertEquals(
        6,
        BatchFiles.taskAttempts("yarn", new SparkConf(false).set("spark.task.maxFailures", "6")));
  }
}
