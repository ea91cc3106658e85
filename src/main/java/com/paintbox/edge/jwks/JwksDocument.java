package com.paintbox.edge.jwks;

import com.nimbusds.jose.jwk.JWK;
import com.paintbox.edge.secrets.KeySet;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One published JWKS with everything a response needs, computed once when the JWKS is stored: the body, its gzip
 * form, their lengths and strong ETags. Requests only copy references.
 *
 * <p>The body is canonical (members sorted, keys in publication order), so the same keys always give the same
 * bytes and ETag in every region and after every restart, and CDNs revalidate instead of downloading again.
 */
public final class JwksDocument {

  /** Strong validators differ per representation (RFC 9110 §8.8.3), so the gzip form gets its own. */
  private static final String GZIP_ETAG_SUFFIX = "-gz";
  /** 16 bytes of SHA-256: ample against collisions between versions of one small document. */
  private static final int ETAG_HASH_BYTES = 16;

  private final List<String> kids;
  private final Map<String, String> versions;
  private final long fetchedAtNanos;
  private final Buffer identity;
  private final Buffer gzip;
  private final CharSequence identityLength;
  private final CharSequence gzipLength;
  private final CharSequence etag;
  private final CharSequence gzipEtag;

  private JwksDocument(List<JWK> keys, Map<String, String> versions, long fetchedAtNanos) {
    this.kids = keys.stream().map(key -> key.getKeyID() == null ? "(no kid)" : key.getKeyID()).toList();
    this.versions = Map.copyOf(versions);
    this.fetchedAtNanos = fetchedAtNanos;
    byte[] body = canonicalJson(keys);
    byte[] compressed = gzip(body);
    this.identity = Buffer.buffer(body);
    this.gzip = Buffer.buffer(compressed);
    this.identityLength = HttpHeaders.createOptimized(Integer.toString(body.length));
    this.gzipLength = HttpHeaders.createOptimized(Integer.toString(compressed.length));
    String hash = hash(body);
    this.etag = HttpHeaders.createOptimized('"' + hash + '"');
    this.gzipEtag = HttpHeaders.createOptimized('"' + hash + GZIP_ETAG_SUFFIX + '"');
  }

  /** The document for a fetched key set; {@code fetchedAtNanos} is the cache's ticker reading at fetch time. */
  public static JwksDocument of(KeySet keySet, long fetchedAtNanos) {
    return new JwksDocument(keySet.keys(), keySet.versions(), fetchedAtNanos);
  }

  /** The document for keys that came from no secret version: the static fallback. */
  public static JwksDocument of(List<JWK> publicKeys, long fetchedAtNanos) {
    return new JwksDocument(publicKeys, Map.of(), fetchedAtNanos);
  }

  /** Version id per stage this JWKS was assembled from; empty for the fallback. */
  public Map<String, String> versions() {
    return versions;
  }

  public List<String> kids() {
    return kids;
  }

  public long fetchedAtNanos() {
    return fetchedAtNanos;
  }

  Buffer body(boolean gzipped) {
    return gzipped ? gzip : identity;
  }

  CharSequence contentLength(boolean gzipped) {
    return gzipped ? gzipLength : identityLength;
  }

  CharSequence etag(boolean gzipped) {
    return gzipped ? gzipEtag : etag;
  }

  /** True when {@code tag} names either representation of this JWKS: both carry the same keys. */
  boolean matches(CharSequence tag) {
    return contentEquals(etag, tag) || contentEquals(gzipEtag, tag);
  }

  /** The JSON text, for logs and tests; the keys are public. */
  public String json() {
    return identity.toString(StandardCharsets.UTF_8);
  }

  private static boolean contentEquals(CharSequence a, CharSequence b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] canonicalJson(List<JWK> keys) {
    JsonArray array = new JsonArray();
    for (JWK key : keys) {
      Map<String, Object> members = new TreeMap<>(key.toPublicJWK().toJSONObject());
      array.add(new JsonObject(members));
    }
    return new JsonObject().put("keys", array).toBuffer().getBytes();
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION); // compressed once per JWKS, so spend the CPU
      }
    }) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String hash(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, ETAG_HASH_BYTES));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
