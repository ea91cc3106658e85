package com.paintbox.edge.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.streams.ReadStream;

/**
 * The client's request body on its way to the origin: a pass-through {@link ReadStream} (flow control is the
 * source's, untouched) that tells the {@link HeadDeadline} about progress and fixes one framing gap.
 *
 * <p>The gap: an HTTP/2 request may carry a body with no {@code Content-Length}. vertx-http-proxy only chunks the origin
 * request when the client's HTTP/1.1 request was chunked, and the Vert.x client refuses a body that is neither
 * sized nor chunked, so such an upload would fail. The first chunk switches the origin request to chunked, which is
 * still possible because its head goes out with that first chunk.
 *
 * <p>The Vert.x gaps behind this are listed, each with the test that pins it, in docs/vertx-gaps.md.
 */
final class UploadStream implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final HttpClientRequest request;
  private final HeadDeadline deadline;

  UploadStream(ReadStream<Buffer> source, HttpClientRequest request, HeadDeadline deadline) {
    this.source = source;
    this.request = request;
    this.deadline = deadline;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : chunk -> {
      deadline.touch();
      if (!request.isChunked() && !request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
        request.setChunked(true);
      }
      handler.handle(chunk);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    source.endHandler(handler == null ? null : end -> {
      deadline.touch();
      handler.handle(end);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }
}
