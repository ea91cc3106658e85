package com.paintbox.edge.cache;

import com.paintbox.edge.compression.AcceptEncoding;
import com.paintbox.edge.compression.Coding;
import com.paintbox.edge.compression.VaryHeader;
import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.http.Fields;
import com.paintbox.edge.proxy.ForwardingRules;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a stored response to a client: whole, in the coding the client prefers among those the entry holds
 * (RFC 9110 §12.5.3; never compressed here, only chosen), as a 304 when the client's own conditional says its copy
 * is current (RFC 9111 §4.3.2), or one byte range of the identity body (RFC 9110 §14). Always with the {@code Age}
 * the RFC computes (§4.2.3) and the edge's {@code Cache-Status} member after any upstream's.
 *
 * <p>A plain hit is the hot path: its head is a read-only header map kept on the stored response, one per coding,
 * rebuilt only when its {@code Age} or {@code ttl} changes, at most once a second, so a hit costs a lookup, a
 * negotiation and a write. Vert.x references the shared map instead of copying it and, with
 * {@code vertx.cacheImmutableHttpResponseHeaders}, writes the bytes it rendered once.
 */
final class StoredAnswers {

  private StoredAnswers() {}

  /** A fresh or stale hit: served without going forward. */
  static void hit(HttpServerRequest in, StoredResponse stored, long nowMillis) {
    long age = stored.ageSeconds(nowMillis);
    long ttl = stored.ttlSeconds(nowMillis);
    if (plain(in, stored)) {
      Coding coding = coding(in, stored);
      if (coding == AcceptEncoding.NOT_ACCEPTABLE) {
        notAcceptable(in);
        return;
      }
      HitHead head = stored.memos[coding.ordinal()];
      if (head == null || head.age() != age || head.ttl() != ttl) {
        head = new HitHead(age, ttl, headers(stored, coding, age, CacheStatus.hit().ttl(ttl).toString()));
        stored.memos[coding.ordinal()] = head;
      }
      write(in, stored, coding, head.headers());
      return;
    }
    serve(in, stored, nowMillis, CacheStatus.hit().ttl(ttl));
  }

  /** Serves {@code stored} with {@code status} as the Cache-Status member (a revalidated or stale-if-error answer). */
  static void serve(HttpServerRequest in, StoredResponse stored, long nowMillis, CacheStatus status) {
    long age = stored.ageSeconds(nowMillis);
    MultiMap request = in.headers();
    HttpServerResponse response = in.response();
    boolean ranged = stored.status == 200 && request.contains(Fields.RANGE);
    Coding coding = ranged ? Coding.IDENTITY : coding(in, stored);
    if (coding == AcceptEncoding.NOT_ACCEPTABLE) {
      notAcceptable(in);
      return;
    }
    if (stored.status == 200 && Conditionals.present(request)
        && Conditionals.notModified(request, stored.etag, stored.lastModified)) {
      MultiMap headers = response.headers();
      Conditionals.notModifiedHeaders(stored.headers, headers);
      if (stored.etag != null) {
        headers.set(HttpHeaders.ETAG, coding.etag(stored.etag));
      }
      varyOnEncoding(stored, headers);
      headers.set(HttpHeaders.AGE, Long.toString(age));
      ForwardingRules.cacheStatus(headers, status.toString());
      response.setStatusCode(304).end();
      return;
    }
    MultiMap headers = headers(stored, coding, age, status.toString());
    long[] range = ranged ? Ranges.select(request, stored.body.length(), stored.etag, stored.lastModified)
        : Ranges.WHOLE;
    if (range == Ranges.WHOLE) {
      write(in, stored, coding, headers);
      return;
    }
    long length = stored.body.length();
    if (range == Ranges.UNSATISFIABLE) {
      response.headers().addAll(headers);
      response.headers().set(Fields.CONTENT_RANGE, "bytes */" + length);
      response.headers().set(HttpHeaders.CONTENT_LENGTH, "0");
      response.setStatusCode(416).end();
      return;
    }
    Buffer part = stored.body.slice((int) range[0], (int) range[1] + 1);
    response.headers().addAll(headers);
    response.headers().set(Fields.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + length);
    response.headers().set(HttpHeaders.CONTENT_LENGTH, Integer.toString(part.length()));
    response.setStatusCode(206);
    if (in.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(part);
    }
  }

  /**
   * The coding to send {@code stored} in: for a compressible response, the smallest of the codings it holds that the
   * client accepts most; identity while its compressed bodies are still being made, and for everything else.
   */
  private static Coding coding(HttpServerRequest in, StoredResponse stored) {
    if (!stored.compressible) {
      return Coding.IDENTITY;
    }
    String header = AcceptEncoding.header(in.headers());
    if (header == null) {
      return Coding.IDENTITY;
    }
    return AcceptEncoding.choose(header, stored.held(), coding -> stored.body(coding).length());
  }

  /** RFC 9110 §15.5.7: the client refused every coding the response could be sent in, identity included. */
  private static void notAcceptable(HttpServerRequest in) {
    in.response().putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    EdgeResponses.error(in.response(), 406, "not_acceptable",
        "no content coding acceptable to the client is available (Accept-Encoding refuses identity)");
  }

  /** True when nothing about the request changes the answer but its Accept-Encoding: no conditional, no range. */
  private static boolean plain(HttpServerRequest in, StoredResponse stored) {
    MultiMap request = in.headers();
    return !(stored.status == 200 && (Conditionals.present(request) || request.contains(Fields.RANGE)));
  }

  private static void write(HttpServerRequest in, StoredResponse stored, Coding coding, MultiMap headers) {
    HttpServerResponse response = in.response();
    ForwardingRules.status(response, stored.status, stored.reason);
    response.headers().setAll(headers);
    if (in.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(stored.body(coding));
    }
  }

  /**
   * The head of a whole stored response in {@code coding}: its headers, Age, the exact length, the coding and its
   * own strong ETag, {@code Vary: Accept-Encoding} when the coding depends on it, and the Cache-Status list.
   */
  private static MultiMap headers(StoredResponse stored, Coding coding, long age, String member) {
    MultiMap headers = HttpHeaders.headers().addAll(stored.headers);
    headers.set(HttpHeaders.AGE, Long.toString(age));
    headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(stored.body(coding).length()));
    if (coding != Coding.IDENTITY) {
      headers.set(HttpHeaders.CONTENT_ENCODING, coding.token());
      headers.remove(HttpHeaders.ACCEPT_RANGES); // ranges are served from the identity body only
      if (stored.etag != null) {
        headers.set(HttpHeaders.ETAG, coding.etag(stored.etag));
      }
    }
    varyOnEncoding(stored, headers);
    ForwardingRules.cacheStatus(headers, member);
    return headers.copy(false);
  }

  /** Adds Accept-Encoding to Vary when the response's coding depends on it and Vary does not say so already. */
  static void varyOnEncoding(StoredResponse stored, MultiMap headers) {
    if (stored.compressible) {
      VaryHeader.addAcceptEncoding(headers);
    }
  }

  /** The head of a plain hit for one (Age, ttl) pair. */
  record HitHead(long age, long ttl, MultiMap headers) {}
}
