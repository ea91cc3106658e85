package com.paintbox.edge.fleet;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mark an edge puts on a request it sends to a shield, so the shield can tell a tier hop from a client's request:
 * {@code paintbox-edge-hop: v1 <unix seconds> <from region> <signature>}, the signature an HMAC-SHA256 (RFC 2104)
 * of the version, the time, the region, the method, the authority and the request-target, keyed by a key derived
 * from {@code EDGE_ADMIN_TOKEN} (every machine of an app has the same secrets). A client cannot forge it without
 * the token; one seen (it never leaves the private network, and the shield strips it before the origin) is good for
 * one method and URL for {@link #WINDOW_SECONDS}, and grants nothing but a hop's trust in the forwarding headers.
 * Without a token there is no key, and so no shield tier.
 */
final class HopMarker {

  static final String HEADER = "paintbox-edge-hop";
  /** How far a marker's time may be from the shield's clock, either way, in seconds: skew plus a slow hop. */
  static final long WINDOW_SECONDS = 300;
  private static final String VERSION = "v1";
  private static final String ALGORITHM = "HmacSHA256";

  private final byte[] key;
  private final String region;
  private final LongSupplier epochSeconds;
  private final ThreadLocal<Mac> macs;

  /**
   * @param token the admin token the key is derived from (the token itself is never what signs)
   * @param region this machine's region, named in the markers it makes
   */
  HopMarker(String token, String region, LongSupplier epochSeconds) {
    this.key = hmac(token.getBytes(StandardCharsets.UTF_8), "paintbox-edge hop marker key v1");
    this.region = region;
    this.epochSeconds = epochSeconds;
    this.macs = ThreadLocal.withInitial(() -> mac(key));
  }

  /** The marker for a request this machine sends to a shield. */
  String sign(String method, String authority, String uri) {
    long now = epochSeconds.getAsLong();
    return VERSION + " " + now + " " + region + " " + signature(now, region, method, authority, uri);
  }

  /** True when {@code value} is a marker a machine of this fleet made for this very request, recently. */
  boolean verify(String value, String method, String authority, String uri) {
    String[] parts = value.trim().split(" ");
    if (parts.length != 4 || !parts[0].equals(VERSION) || !parts[1].matches("[0-9]{1,12}")) {
      return false;
    }
    long then = Long.parseLong(parts[1]);
    if (Math.abs(epochSeconds.getAsLong() - then) > WINDOW_SECONDS) {
      return false;
    }
    byte[] expected = signature(then, parts[2], method, authority, uri).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII));
  }

  private String signature(long time, String from, String method, String authority, String uri) {
    String text = VERSION + '\n' + time + '\n' + from + '\n' + method + '\n' + authority + '\n' + uri;
    Mac mac = macs.get();
    byte[] digest = mac.doFinal(text.getBytes(StandardCharsets.UTF_8)); // doFinal resets the Mac for the next use
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static byte[] hmac(byte[] key, String text) {
    return mac(key).doFinal(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is required of every JVM", e);
    }
  }
}
