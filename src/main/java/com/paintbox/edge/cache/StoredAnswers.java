package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import com.paintbox.edge.proxy.ForwardingRules;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a stored response to a client: whole, as a 304 when the client's own conditional says its copy is current
 * (RFC 9111 §4.3.2), or one byte range of it (RFC 9110 §14). Always with the {@code Age} the RFC computes
 * (§4.2.3) and the edge's {@code Cache-Status} member after any upstream's.
 *
 * <p>A plain hit is the hot path: its head is a read-only header map kept on the stored response and rebuilt only
 * when its {@code Age} or {@code ttl} changes, at most once a second, so a hit costs a lookup and a write. Vert.x
 * references the shared map instead of copying it and, with {@code vertx.cacheImmutableHttpResponseHeaders}, writes
 * the bytes it rendered once.
 */
final class StoredAnswers {

  private StoredAnswers() {}

  /** A fresh or stale hit: served without going forward. */
  static void hit(HttpServerRequest in, StoredResponse stored, long nowMillis) {
    long age = stored.ageSeconds(nowMillis);
    long ttl = stored.ttlSeconds(nowMillis);
    if (plain(in, stored)) {
      HitHead head = stored.memo;
      if (head == null || head.age() != age || head.ttl() != ttl) {
        head = new HitHead(age, ttl, headers(stored, age, CacheStatus.hit().ttl(ttl).toString()));
        stored.memo = head;
      }
      write(in, stored, head.headers());
      return;
    }
    serve(in, stored, nowMillis, CacheStatus.hit().ttl(ttl));
  }

  /** Serves {@code stored} with {@code status} as the Cache-Status member (a revalidated or stale-if-error answer). */
  static void serve(HttpServerRequest in, StoredResponse stored, long nowMillis, CacheStatus status) {
    long age = stored.ageSeconds(nowMillis);
    MultiMap request = in.headers();
    HttpServerResponse response = in.response();
    if (stored.status == 200 && Conditionals.present(request)
        && Conditionals.notModified(request, stored.etag, stored.lastModified)) {
      MultiMap headers = response.headers();
      Conditionals.notModifiedHeaders(stored.headers, headers);
      headers.set(HttpHeaders.AGE, Long.toString(age));
      ForwardingRules.cacheStatus(headers, status.toString());
      response.setStatusCode(304).end();
      return;
    }
    MultiMap headers = headers(stored, age, status.toString());
    long[] range = stored.status == 200 && request.contains(Fields.RANGE)
        ? Ranges.select(request, stored.body.length(), stored.etag, stored.lastModified) : Ranges.WHOLE;
    if (range == Ranges.WHOLE) {
      write(in, stored, headers);
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

  /** True when nothing about the request changes the answer: no conditional, no range. */
  private static boolean plain(HttpServerRequest in, StoredResponse stored) {
    MultiMap request = in.headers();
    return !(stored.status == 200 && (Conditionals.present(request) || request.contains(Fields.RANGE)));
  }

  private static void write(HttpServerRequest in, StoredResponse stored, MultiMap headers) {
    HttpServerResponse response = in.response();
    ForwardingRules.status(response, stored.status, stored.reason);
    response.headers().setAll(headers);
    if (in.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(stored.body);
    }
  }

  /** The head of a whole stored response: its headers, Age, the exact length, and the Cache-Status list. */
  private static MultiMap headers(StoredResponse stored, long age, String member) {
    MultiMap headers = HttpHeaders.headers().addAll(stored.headers);
    headers.set(HttpHeaders.AGE, Long.toString(age));
    headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(stored.body.length()));
    ForwardingRules.cacheStatus(headers, member);
    return headers.copy(false);
  }

  /** The head of a plain hit for one (Age, ttl) pair. */
  record HitHead(long age, long ttl, MultiMap headers) {}
}
