package com.paintbox.edge.cache;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;

/**
 * A request to the edge whose reply is read without a race. Vert.x 5's client drops body chunks that arrive before
 * {@code body()} is called (eclipse-vertx/vert.x#5904): {@code request.send().compose(r -> r.body())} registers the
 * body handler in a listener that may run a task later than the response's first chunk, when the pooled
 * connection was handed out at once, and the reply then never completes (seen about once in a few thousand
 * sequential requests). Here the response listener is in place before the request is written, so {@code body()}
 * runs in the same event-loop task that delivers the head.
 */
final class EdgeRequests {

  private EdgeRequests() {}

  /** Sends {@code options} (with {@code body}, or none when null) and reads the whole reply. */
  static Future<CacheTestBase.Reply> send(HttpClient client, RequestOptions options, String body) {
    return client.request(options).compose(request -> {
      Future<CacheTestBase.Reply> reply = request.response().compose(EdgeRequests::read);
      if (body == null) {
        request.end();
      } else {
        request.end(body);
      }
      return reply;
    });
  }

  static RequestOptions options(io.vertx.core.http.HttpMethod method, String uri, String... headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    for (int i = 0; i < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    return options;
  }

  private static Future<CacheTestBase.Reply> read(HttpClientResponse response) {
    return response.body().map(bytes -> new CacheTestBase.Reply(response.statusCode(),
        MultiMap.caseInsensitiveMultiMap().addAll(response.headers()), bytes.toString()));
  }
}
