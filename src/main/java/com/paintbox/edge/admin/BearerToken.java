package com.paintbox.edge.admin;

import com.paintbox.edge.http.EdgeResponses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@code Authorization: Bearer <token>} in constant time. Both sides are hashed first, so the comparison
 * takes the same time whatever the presented token's length or how much of it matches.
 */
final class BearerToken {

  private static final String SCHEME = "bearer ";

  private final Optional<byte[]> expectedDigest;

  BearerToken(Optional<String> token) {
    this.expectedDigest = token.map(BearerToken::digest);
  }

  /** False when no token is configured: admin actions are then refused outright (403). */
  boolean configured() {
    return expectedDigest.isPresent();
  }

  /**
   * Admits an admin request, or answers it: 403 when no token is configured (admin actions are then refused
   * outright), 401 with a challenge when the token is missing or wrong. Returns the refusal's outcome label
   * ({@code refused}, {@code unauthorized}) for the caller's meters, or null when admitted.
   */
  @Nullable String refuse(RoutingContext context) {
    if (!configured()) {
      EdgeResponses.json(context.response(), 403, EdgeResponses.errorBody(403, "refused",
          "no EDGE_ADMIN_TOKEN is configured").put("outcome", "refused"));
      return "refused";
    }
    if (!accepts(context.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      context.response().putHeader("www-authenticate", "Bearer realm=\"paintbox-edge\"");
      EdgeResponses.json(context.response(), 401, EdgeResponses.errorBody(401, "unauthorized",
          "a valid bearer token is required").put("outcome", "unauthorized"));
      return "unauthorized";
    }
    return null;
  }

  boolean accepts(String authorization) {
    if (expectedDigest.isEmpty() || authorization == null || authorization.length() <= SCHEME.length()
        || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return false;
    }
    byte[] presented = digest(authorization.substring(SCHEME.length()).trim());
    return MessageDigest.isEqual(expectedDigest.get(), presented);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
