package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialsTest {

  private static final String ID = "VuaCfGcBCdbkQm-e5aOx";
  private static final String SECRET = "ui2lp2axTNmsyakw9tvNnw";
  private static final String ENCODED =
      Base64.getEncoder().encodeToString((ID + ":" + SECRET).getBytes(StandardCharsets.UTF_8));

  @Test
  void eachMethodSendsItsAuthorizationHeader() {
    assertEquals(Optional.empty(), Credentials.none().authorizationHeader());
    assertEquals(
        Optional.of("Basic cmVhZGVyOnB3"), Credentials.basic("reader", "pw").authorizationHeader());
    assertEquals(
        Optional.of("ApiKey " + ENCODED), Credentials.apiKey(ENCODED).authorizationHeader());
    assertEquals(
        Optional.of("ApiKey " + ENCODED), Credentials.apiKey(ID, SECRET).authorizationHeader());
    assertEquals(
        Optional.of("Bearer AAEAAWVs-token"),
        Credentials.bearer(" AAEAAWVs-token\n").authorizationHeader());
  }

  @Test
  void anApiKeyIsDescribedByItsIdOnly() {
    assertEquals("the API key with id '" + ID + "'", Credentials.apiKey(ENCODED).describe());
  }

  @Test
  void noDescriptionOrStringShowsTheSecret() {
    List<Credentials> all =
        List.of(
            Credentials.basic("reader", SECRET),
            Credentials.apiKey(ENCODED),
            Credentials.apiKey(ID, SECRET),
            Credentials.bearer(SECRET));
    for (Credentials credentials : all) {
      for (String shown :
          List.of(credentials.toString(), credentials.describe(), credentials.whatToCheck())) {
        assertFalse(shown.contains(SECRET), shown);
        assertFalse(shown.contains(ENCODED), shown);
      }
    }
  }

  @Test
  void aKeyThatIsNotEncodedIsRefusedWithoutBeingShown() {
    for (String notEncoded : List.of(SECRET, ID + ":" + SECRET, "bm8tY29sb24=")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Credentials.apiKey(notEncoded));
      assertTrue(e.getMessage().contains("encoded form"), e.getMessage());
      assertFalse(e.getMessage().contains(notEncoded), e.getMessage());
    }
  }
}
