package com.paintbox.edge.http;

import io.vertx.core.http.HttpHeaders;

/**
 * Names of the header fields the edge reads or writes that Vert.x's {@link HttpHeaders} does not name, in one place
 * and in one casing: lower-case, as HTTP/2 sends every name anyway (RFC 9113 §8.2.2). Each is a pre-encoded
 * {@code AsciiString}, so writing one costs no encoding.
 */
public final class Fields {

  /** RFC 9211: one member per cache that handled the response, ours last. */
  public static final CharSequence CACHE_STATUS = HttpHeaders.createOptimized("cache-status");
  /** RFC 9213: the cache-control targeted at CDNs, which the edge honours before {@code cache-control}. */
  public static final CharSequence CDN_CACHE_CONTROL = HttpHeaders.createOptimized("cdn-cache-control");
  /** RFC 9213-style field targeted at this edge alone; honoured first, never sent on downstream. */
  public static final CharSequence EDGE_CACHE_CONTROL = HttpHeaders.createOptimized("paintbox-edge-cache-control");
  public static final CharSequence SURROGATE_CONTROL = HttpHeaders.createOptimized("surrogate-control");
  /** Fastly's purge tags: space-separated keys a purge can name. */
  public static final CharSequence SURROGATE_KEY = HttpHeaders.createOptimized("surrogate-key");
  public static final CharSequence VIA = HttpHeaders.createOptimized("via");
  public static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("x-forwarded-for");
  public static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("x-forwarded-proto");
  public static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("x-forwarded-host");
  public static final CharSequence PROXY_CONNECTION = HttpHeaders.createOptimized("proxy-connection");
  public static final CharSequence PRAGMA = HttpHeaders.createOptimized("pragma");
  public static final CharSequence CONTENT_LOCATION = HttpHeaders.createOptimized("content-location");
  public static final CharSequence LAST_MODIFIED = HttpHeaders.createOptimized("last-modified");
  public static final CharSequence IF_RANGE = HttpHeaders.createOptimized("if-range");
  public static final CharSequence IF_UNMODIFIED_SINCE = HttpHeaders.createOptimized("if-unmodified-since");
  public static final CharSequence RANGE = HttpHeaders.createOptimized("range");
  public static final CharSequence CONTENT_RANGE = HttpHeaders.createOptimized("content-range");
  public static final CharSequence ACCEPT_RANGES = HttpHeaders.createOptimized("accept-ranges");

  private Fields() {}
}
