package io.eslake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartPasswordFileTest {

  /**
   * A run that keeps its cluster (--keep-running) has printed its password file; a second run
   * against that cluster (ESLAKE_URL) writes a file of its own, so the first stays as it was and is
   * not among the files the second run removes when it ends.
   */
  @Test
  void aSecondRunLeavesTheKeptClustersPasswordFileAlone(@TempDir Path target) throws IOException {
    Path kept = Quickstart.passwordFile(target, "kept-cluster-password");

    Path second = Quickstart.passwordFile(target, "reader-pw-42");

    assertNotEquals(kept, second);
    assertEquals("kept-cluster-password", Files.readString(kept));
    assertEquals("reader-pw-42", Files.readString(second));
    assertEquals(target, kept.getParent());
    assertTrue(kept.getFileName().toString().startsWith("quickstart-password"), kept.toString());
  }

  @Test
  void onlyTheOwnerReadsThePasswordFile(@TempDir Path target) throws IOException {
    Path file = Quickstart.passwordFile(target, "secret");

    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file));
  }
}
