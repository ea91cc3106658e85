package com.paintbox.edge.cache;

import com.paintbox.edge.compression.AcceptEncoding;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The request fields a stored response varies on (its {@code Vary}, RFC 9111 §4.1), and how a request's values
 * of them are normalised into its secondary key.
 *
 * <p>Every {@code Vary} line is merged into one sorted set of lower-case names, so {@code Vary: A} plus
 * {@code Vary: b, a} is the same set as {@code Vary: a, b} (nginx keys on the raw header and breaks on several
 * lines). {@code Vary: *} is represented by null: such a response never matches and is not stored.
 *
 * <p>Values are normalised as §4.1 allows, only where the field's own definition makes two spellings mean the
 * same: several lines are joined with commas; optional whitespace around list members is dropped; {@code Accept},
 * {@code Accept-Language} and {@code Accept-Charset} are case-insensitive; {@code Accept-Encoding} becomes the set
 * of codings the edge would ask the origin for (see {@link #encodings}), so the dozens of ways browsers spell
 * "gzip, deflate, br, zstd" do not each make a variant. An absent field is distinct from an empty one.
 */
final class Variance {

  /** No {@code Vary}: one variant per URL. */
  static final Variance NONE = new Variance(new String[0], false);

  /** The codings the edge can ask an origin for; a request's accepted subset is its Accept-Encoding bucket. */
  private static final List<String> CODINGS = List.of("br", "gzip", "zstd");
  private static final String IDENTITY = "identity";

  final String[] fields;
  /**
   * True when the edge makes the codings itself (EDGE_COMPRESSION=auto): fills then ask the origin for identity
   * whatever the client accepts, so Accept-Encoding does not tell stored answers apart, and one variant serves all.
   */
  private final boolean edgeEncodes;

  private Variance(String[] fields, boolean edgeEncodes) {
    this.fields = fields;
    this.edgeEncodes = edgeEncodes;
  }

  /** The variance of a response with these headers; null for {@code Vary: *}. */
  static Variance of(MultiMap responseHeaders) {
    return of(responseHeaders, false);
  }

  /** As {@link #of(MultiMap)}, {@code edgeEncodes} when the edge compresses itself. */
  static Variance of(MultiMap responseHeaders, boolean edgeEncodes) {
    List<String> lines = responseHeaders.getAll(HttpHeaders.VARY);
    if (lines.isEmpty()) {
      return NONE;
    }
    TreeSet<String> names = new TreeSet<>();
    for (String line : lines) {
      for (String member : line.split(",")) {
        String name = member.trim().toLowerCase(Locale.ROOT);
        if (name.equals("*")) {
          return null;
        }
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names.isEmpty() ? NONE : new Variance(names.toArray(String[]::new), edgeEncodes);
  }

  /** {@code request}'s normalised values of this variance's fields, in order; null for an absent field. */
  String[] values(MultiMap request) {
    String[] values = new String[fields.length];
    for (int i = 0; i < fields.length; i++) {
      values[i] = value(fields[i], request);
    }
    return values;
  }

  /** True when {@code request} has exactly the {@code stored} values (from {@link #values}) for these fields. */
  boolean matches(String[] stored, MultiMap request) {
    for (int i = 0; i < fields.length; i++) {
      String value = value(fields[i], request);
      if (value == null ? stored[i] != null : !value.equals(stored[i])) {
        return false;
      }
    }
    return true;
  }

  /** True when both were made from the same set of field names. */
  boolean sameFields(Variance other) {
    return Arrays.equals(fields, other.fields) && edgeEncodes == other.edgeEncodes;
  }

  String value(String field, MultiMap request) {
    if (field.equals("accept-encoding")) {
      return edgeEncodes ? IDENTITY : encodings(request);
    }
    List<String> lines = request.getAll(field);
    if (lines.isEmpty()) {
      return null;
    }
    boolean caseless = field.equals("accept") || field.equals("accept-language") || field.equals("accept-charset");
    StringBuilder joined = new StringBuilder();
    for (String line : lines) {
      for (String member : line.split(",", -1)) {
        if (joined.length() > 0) {
          joined.append(',');
        }
        String trimmed = member.trim();
        joined.append(caseless ? trimmed.toLowerCase(Locale.ROOT) : trimmed);
      }
    }
    return joined.toString();
  }

  /**
   * The Accept-Encoding bucket of a request: the codings among br, gzip and zstd it accepts (RFC 9110 §12.5.3:
   * listed with a non-zero weight, or covered by a non-zero {@code *} and not refused by name), comma-joined in
   * that order, or "identity". A fill sends the bucket to the origin as its Accept-Encoding, so the stored answer
   * is acceptable to every request in the bucket.
   */
  static String encodings(MultiMap request) {
    return encodings(AcceptEncoding.header(request));
  }

  /** The bucket of one Accept-Encoding value (its lines joined); see {@link #encodings(MultiMap)}. */
  static String encodings(String header) {
    if (header == null) {
      return IDENTITY;
    }
    boolean[] named = new boolean[CODINGS.size()];
    boolean[] accepted = new boolean[CODINGS.size()];
    boolean wildcard = false;
    for (String member : header.split(",")) {
      int semicolon = member.indexOf(';');
      String coding = (semicolon < 0 ? member : member.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
      boolean allowed = semicolon < 0 || !zeroWeight(member.substring(semicolon + 1));
      if (coding.equals("x-gzip")) {
        coding = "gzip";
      }
      int index = CODINGS.indexOf(coding);
      if (index >= 0) {
        named[index] = true;
        accepted[index] = allowed;
      } else if (coding.equals("*")) {
        wildcard = allowed;
      }
    }
    StringBuilder bucket = new StringBuilder();
    for (int i = 0; i < CODINGS.size(); i++) {
      if (named[i] ? accepted[i] : wildcard) {
        if (bucket.length() > 0) {
          bucket.append(", ");
        }
        bucket.append(CODINGS.get(i));
      }
    }
    return bucket.length() == 0 ? IDENTITY : bucket.toString();
  }

  private static boolean zeroWeight(String parameters) {
    for (String parameter : parameters.split(";")) {
      String p = parameter.trim();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          return Double.parseDouble(p.substring(2).trim()) <= 0.0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }
}
