package com.paintbox.edge.jwks;

/**
 * How one JWKS request was answered: the {@code result} label of {@code edge_jwks_requests_total} and the
 * {@code Cache-Status} member (RFC 9211) the response carries.
 */
public enum Outcome {
  /** Fresh, from memory. */
  HIT("hit", "hit"),
  /** Stale within stale-while-revalidate or stale-if-error, from memory; {@code ttl} is negative. */
  STALE("stale", "hit"),
  /** This request's miss started the fetch that filled an empty cache. */
  STORED("miss", "fwd=miss; stored"),
  /** This request waited on a fetch another request or the refresh timer started. */
  COLLAPSED("collapsed", "fwd=miss; collapsed"),
  /** Past stale-while-revalidate with no failure known: this request started the revalidation and waited. */
  REVALIDATED("miss", "fwd=stale; stored"),
  /** Past stale-while-revalidate with no failure known: this request waited on a revalidation already running. */
  REVALIDATED_COLLAPSED("collapsed", "fwd=stale; collapsed"),
  /** The static fallback, served at once because AWS is known to be failing. */
  FALLBACK("fallback", "detail=fallback"),
  /** The static fallback, after this request waited on a fetch that failed. */
  FALLBACK_AFTER_MISS("fallback", "fwd=miss; detail=fallback"),
  /** Nothing servable: 503. The edge generated this response, so it carries no {@code Cache-Status}. */
  UNAVAILABLE("unavailable", "");

  private final String result;
  private final String cacheStatus;

  Outcome(String result, String cacheStatus) {
    this.result = result;
    this.cacheStatus = cacheStatus;
  }

  /** The metric label. */
  public String result() {
    return result;
  }

  /** The parameters after {@code paintbox-edge;} in {@code Cache-Status}, without {@code ttl}. */
  String cacheStatus() {
    return cacheStatus;
  }

  /** Whether the served JWKS came from memory, so {@code ttl} belongs in {@code Cache-Status}. */
  boolean fromMemory() {
    return this == HIT || this == STALE;
  }
}
