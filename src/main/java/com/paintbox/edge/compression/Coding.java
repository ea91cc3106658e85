package com.paintbox.edge.compression;

/**
 * A content coding the edge can send (RFC 9110 §8.4.1): Brotli (RFC 7932), Zstandard (RFC 8878), gzip (RFC 1952),
 * or none. The suffix tells a compressed representation's strong {@code ETag} apart from the identity one's.
 */
public enum Coding {
  BR("br", "-br"),
  ZSTD("zstd", "-zstd"),
  GZIP("gzip", "-gz"),
  IDENTITY("identity", "");

  private final String token;
  private final String etagSuffix;

  Coding(String token, String etagSuffix) {
    this.token = token;
    this.etagSuffix = etagSuffix;
  }

  /** The token as {@code Content-Encoding} and {@code Accept-Encoding} spell it. */
  public String token() {
    return token;
  }

  /**
   * The strong {@code ETag} of this coding's representation, from the identity one's: the suffix goes inside the
   * quotes ({@code "abc"} becomes {@code "abc-br"}); a weak tag stays weak and unchanged, since weak tags only
   * promise semantic equivalence, which compression keeps (RFC 9110 §8.8.1).
   */
  public String etag(String identityEtag) {
    if (identityEtag == null || this == IDENTITY) {
      return identityEtag;
    }
    String tag = identityEtag.trim();
    if (tag.startsWith("W/") || tag.length() < 2 || !tag.endsWith("\"")) {
      return tag;
    }
    return tag.substring(0, tag.length() - 1) + etagSuffix + "\"";
  }

  /** The identity representation's tag of a tag this coding derived, or null when it is not one of its tags. */
  public String identityOf(String etag) {
    String tag = etag.trim();
    if (this == IDENTITY) {
      return tag;
    }
    String end = etagSuffix + "\"";
    return tag.endsWith(end) && !tag.startsWith("W/") ? tag.substring(0, tag.length() - end.length()) + "\"" : null;
  }

  static Coding ofToken(String token) {
    for (Coding coding : values()) {
      if (coding.token.equalsIgnoreCase(token)) {
        return coding;
      }
    }
    return "x-gzip".equalsIgnoreCase(token) ? GZIP : null;
  }
}
