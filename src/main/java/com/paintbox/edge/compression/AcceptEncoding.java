package com.paintbox.edge.compression;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Proactive negotiation of a content coding (RFC 9110 §12.5.3) from a request's {@code Accept-Encoding}: each
 * coding's weight is its own {@code q}, else that of {@code *}, else 0 when listed or named by nothing; identity is
 * acceptable unless refused by name or by {@code *;q=0}. The highest weight wins; among equals, the smallest body
 * (when the sizes are known: stored responses, the JWKS), else the order br, zstd, gzip, identity. No
 * {@code Accept-Encoding} at all gets identity: any coding would be allowed, and identity is what every client
 * reads. When nothing on offer is acceptable, not even identity, the answer is {@link #NOT_ACCEPTABLE} (406).
 */
public final class AcceptEncoding {

  /** A marker: no coding on offer is acceptable (a 406, RFC 9110 §15.5.7). */
  public static final Coding NOT_ACCEPTABLE = null;

  private AcceptEncoding() {}

  /** The request's Accept-Encoding lines joined with commas (RFC 9110 §5.3), or null when it sent none. */
  public static String header(MultiMap request) {
    List<String> lines = request.getAll(HttpHeaders.ACCEPT_ENCODING);
    return lines.isEmpty() ? null : lines.size() == 1 ? lines.get(0) : String.join(",", lines);
  }

  /**
   * The coding to send.
   *
   * @param header the request's Accept-Encoding ({@link #header}), or null when it sent none
   * @param offered the codings available for this response, identity included when it is
   * @param size a coding's body size, or a negative number when unknown
   */
  public static Coding choose(String header, List<Coding> offered, ToLongFunction<Coding> size) {
    if (header == null) {
      return offered.contains(Coding.IDENTITY) ? Coding.IDENTITY : offered.get(0);
    }
    double[] weights = weights(header);
    Coding best = NOT_ACCEPTABLE;
    double bestWeight = 0;
    long bestSize = Long.MAX_VALUE;
    for (Coding coding : offered) { // offered in preference order
      double weight = weights[coding.ordinal()];
      if (weight <= 0) {
        continue;
      }
      long bytes = size.applyAsLong(coding);
      boolean smaller = bytes >= 0 && bytes < bestSize;
      if (best == NOT_ACCEPTABLE || weight > bestWeight || (weight == bestWeight && smaller)) {
        best = coding;
        bestWeight = weight;
        bestSize = bytes >= 0 ? bytes : Long.MAX_VALUE;
      }
    }
    return best;
  }

  /**
   * Every coding's weight under {@code header}, by {@link Coding#ordinal()}: as named (the highest when named twice),
   * else the {@code *} weight, else 0 (identity: 0.001, acceptable but last). Runs per request: one small array.
   */
  static double[] weights(String header) {
    double[] weights = new double[Coding.values().length];
    Arrays.fill(weights, Double.NaN); // not named yet
    double wildcard = Double.NaN;
    for (String member : header.split(",")) {
      int semicolon = member.indexOf(';');
      String token = (semicolon < 0 ? member : member.substring(0, semicolon)).trim();
      if (token.isEmpty()) {
        continue;
      }
      double q = semicolon < 0 ? 1.0 : quality(member.substring(semicolon + 1));
      if (token.equals("*")) {
        wildcard = q;
        continue;
      }
      Coding coding = Coding.ofToken(token);
      if (coding != null) {
        double named = weights[coding.ordinal()];
        weights[coding.ordinal()] = Double.isNaN(named) ? q : Math.max(named, q);
      }
    }
    for (Coding coding : Coding.values()) {
      if (Double.isNaN(weights[coding.ordinal()])) {
        weights[coding.ordinal()] = !Double.isNaN(wildcard) ? wildcard : coding == Coding.IDENTITY ? 0.001 : 0.0;
      }
    }
    return weights;
  }

  /** The q parameter (RFC 9110 §12.4.2), 1 when absent, 0 when not a valid qvalue. */
  private static double quality(String parameters) {
    for (String parameter : parameters.split(";")) {
      String p = parameter.trim();
      if (p.length() > 1 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          double q = Double.parseDouble(p.substring(2).trim());
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException invalid) {
          return 0;
        }
      }
    }
    return 1.0;
  }
}
