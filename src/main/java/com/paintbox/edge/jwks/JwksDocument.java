package com.paintbox.edge.jwks;

import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.compression.Coding;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One published JWKS with everything a response needs, computed once when the JWKS is stored: the body in every
 * coding the edge offers (gzip always, br and zstd when their native libraries load), their lengths and strong
 * ETags. Requests only copy references.
 *
 * <p>The body is canonical (members sorted, keys in publication order), so the same keys always give the same
 * bytes and ETag in every region and after every restart, and CDNs revalidate instead of downloading again.
 */
public final class JwksDocument {

  /** 16 bytes of SHA-256: ample against collisions between versions of one small document. */
  private static final int ETAG_HASH_BYTES = 16;

  /** One representation: its body, length and strong ETag (RFC 9110 §8.8.3: each coding has its own). */
  record Representation(Buffer body, CharSequence length, CharSequence etag) {}

  private final List<String> kids;
  private final Map<String, String> versions;
  private final long fetchedAtNanos;
  private final Buffer identity;
  /** By {@link Coding#ordinal()}; null for a coding not offered. */
  private final Representation[] representations = new Representation[Coding.values().length];
  private final List<Coding> offered;

  private JwksDocument(List<JWK> keys, Map<String, String> versions, long fetchedAtNanos, Codecs codecs) {
    this.kids = keys.stream().map(key -> key.getKeyID() == null ? "(no kid)" : key.getKeyID()).toList();
    this.versions = Map.copyOf(versions);
    this.fetchedAtNanos = fetchedAtNanos;
    byte[] body = canonicalJson(keys);
    this.identity = Buffer.buffer(body);
    String etag = '"' + hash(body) + '"';
    List<Coding> available = new ArrayList<>();
    for (Coding coding : codecs.encodings()) {
      if (coding != Coding.GZIP) {
        put(coding, codecs.compress(coding, identity), etag);
        available.add(coding);
      }
    }
    put(Coding.GZIP, Buffer.buffer(gzip(body)), etag); // the contract's coding, whatever EDGE_COMPRESSION says
    available.add(Coding.GZIP);
    put(Coding.IDENTITY, identity, etag);
    available.add(Coding.IDENTITY);
    this.offered = List.copyOf(available);
  }

  private void put(Coding coding, Buffer body, String identityEtag) {
    representations[coding.ordinal()] = new Representation(body,
        HttpHeaders.createOptimized(Integer.toString(body.length())),
        HttpHeaders.createOptimized(coding.etag(identityEtag)));
  }

  /**
   * The document for a fetched key set; {@code fetchedAtNanos} is the cache's ticker reading at fetch time, and
   * {@code codecs} says which codings to precompute besides gzip.
   */
  public static JwksDocument of(KeySet keySet, long fetchedAtNanos, Codecs codecs) {
    Objects.requireNonNull(keySet, "keySet");
    Objects.requireNonNull(codecs, "codecs");
    return new JwksDocument(keySet.keys(), keySet.versions(), fetchedAtNanos, codecs);
  }

  /** The document for keys that came from no secret version: the static fallback. */
  public static JwksDocument of(List<JWK> publicKeys, long fetchedAtNanos, Codecs codecs) {
    Objects.requireNonNull(publicKeys, "publicKeys");
    Objects.requireNonNull(codecs, "codecs");
    return new JwksDocument(publicKeys, Map.of(), fetchedAtNanos, codecs);
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

  /** The codings this JWKS is available in, best first, identity last. */
  List<Coding> offered() {
    return offered;
  }

  Representation representation(Coding coding) {
    return representations[coding.ordinal()];
  }

  /** The body's size in {@code coding}, for choosing the smallest acceptable. */
  long size(Coding coding) {
    Representation representation = representations[coding.ordinal()];
    return representation == null ? -1 : representation.body().length();
  }

  /** True when {@code tag} names any representation of this JWKS: they all carry the same keys. */
  boolean matches(CharSequence tag) {
    for (Representation representation : representations) {
      if (representation != null && contentEquals(representation.etag(), tag)) {
        return true;
      }
    }
    return false;
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
