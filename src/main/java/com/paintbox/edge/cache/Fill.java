package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import com.paintbox.edge.proxy.ForwardingRules;
import com.paintbox.edge.proxy.OriginExchange;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One origin request on behalf of every request waiting for the same variant: a miss, a revalidation, or a
 * background refresh. It runs on the event loop of the request that started it (its leader); requests on other
 * loops subscribe and get its head and body on their own loop.
 *
 * <pre>
 *   start ─▶ origin ─▶ head ─┬─ unstorable ─▶ leader relays the origin's answer itself; others pass, in parallel
 *                            ├─ 304        ─▶ stored response updated (§4.3.4), served to all
 *                            ├─ error      ─▶ stale-if-error if the stored response allows, else the error to all
 *                            └─ storable   ─▶ head to all of its variant ─▶ body to all, kept ─▶ stored at the end
 * </pre>
 *
 * The fill does not belong to its leader: a client that leaves only unsubscribes, and the body is still read and
 * stored for the others (a Varnish-style background fetch). Only an unstored body with nobody left to read it is
 * abandoned. While the body is being kept it is read at the origin's pace (it is bounded by the object limit);
 * once it outgrows the limit and is no longer kept, the origin is paused whenever a subscriber falls
 * {@link #HIGH_WATER_BYTES} behind, as a pipe would. State is guarded by the fill's monitor; callbacks run outside it.
 */
final class Fill {

  /** Pending bytes of one subscriber above which an unkept body stops being read from the origin ... */
  static final long HIGH_WATER_BYTES = 256 * 1024;
  /** ... and below which, for every subscriber, reading resumes. */
  static final long LOW_WATER_BYTES = 64 * 1024;
  private static final List<CharSequence> CLIENT_ONLY = List.of(HttpHeaders.IF_NONE_MATCH,
      HttpHeaders.IF_MODIFIED_SINCE, HttpHeaders.IF_MATCH, Fields.IF_UNMODIFIED_SINCE, Fields.IF_RANGE,
      Fields.RANGE, HttpHeaders.CACHE_CONTROL, Fields.PRAGMA, HttpHeaders.ACCEPT_ENCODING);

  /** What a fill tells the requests that wait on it; each call arrives on the subscriber's own event loop. */
  interface Subscriber {

    Context context();

    /** The event loop thread the subscriber lives on: calls made there run at once, others are queued to it. */
    Thread thread();

    /** The request's headers, read by the fill to tell whether it wants the variant the origin answered. */
    MultiMap requestHeaders();

    /** True for the request that started the fill: it gets the origin's full head, Set-Cookie included. */
    boolean leader();

    /** A storable answer: its head. The body follows through {@link #chunk} and {@link #end}. */
    void head(Head head);

    void chunk(Buffer chunk);

    void end();

    /** The answer is unusable for this request: it is not shareable ({@code pass}) or of another variant. */
    void retry(boolean pass);

    /** The leader, when the answer is not storable: relay the origin's answer as it is. */
    void relay(HttpClientResponse answer, CacheStatus status);

    /** No answer: the exchange failed before the origin's head. */
    void failed(Throwable failure);

    /** The answer broke off mid-body. */
    void cut();

    /** Serve this stored response (revalidated, or stale because the origin failed). */
    void serve(StoredResponse response, CacheStatus status, CacheEvents.Result result);

    /** Bytes handed to {@link #chunk} but not yet written to the client. */
    long pending();
  }

  /** A storable answer's head, as the subscribers write it. */
  record Head(int status, String reason, MultiMap leaderHeaders, MultiMap sharedHeaders, String fwd, long ttl) {}

  private final OriginCache cache;
  private final OriginExchange exchange;
  private final Context context;
  private final Thread thread;
  private final ResourceKey key;
  private final HttpServerRequest leaderRequest;
  private final StoredResponse revalidating;
  private final String fwd;
  private final CacheEvents.Fetch reason;
  private String fillKey;

  // Guarded by this.
  private final List<Subscriber> subscribers = new ArrayList<>();
  private boolean open = true;
  private Head head;
  private Variance variance;
  private String[] values;
  private List<Buffer> kept;
  private long bytes;
  private boolean paused;
  private HttpClientRequest request;
  private HttpClientResponse answer;
  private boolean settled;

  private StoragePolicy.Verdict verdict;
  private long requestMillis;
  private long responseMillis;

  /**
   * @param fillKey where the fill is registered in {@link OriginCache#fills}
   * @param revalidating the stored response this fill validates, or null for a miss
   * @param fwd the Cache-Status {@code fwd} reason of the requests it answers
   */
  Fill(OriginCache cache, OriginExchange exchange, String fillKey, ResourceKey key, HttpServerRequest leaderRequest,
      StoredResponse revalidating, String fwd, CacheEvents.Fetch reason) {
    this.cache = cache;
    this.exchange = exchange;
    this.context = Vertx.currentContext();
    this.thread = Thread.currentThread();
    this.fillKey = fillKey;
    this.key = key;
    this.leaderRequest = leaderRequest;
    this.revalidating = revalidating;
    this.fwd = fwd;
    this.reason = reason;
  }

  /** Sends the origin request. Runs on the leader's event loop, right after the fill is registered. */
  void start() {
    MultiMap headers = exchange.requestHeaders(leaderRequest);
    CLIENT_ONLY.forEach(headers::remove); // the client's conditionals and directives are answered here
    // The edge compresses itself: the origin is asked for identity, so one stored body serves every client. Else
    // the request's bucket, so the stored answer suits every request in it.
    headers.set(HttpHeaders.ACCEPT_ENCODING,
        cache.codecs().enabled() ? "identity" : Variance.encodings(leaderRequest.headers()));
    if (revalidating != null) {
      if (revalidating.etag != null) {
        headers.set(HttpHeaders.IF_NONE_MATCH, revalidating.etag);
      } else if (revalidating.lastModified != null) {
        headers.set(HttpHeaders.IF_MODIFIED_SINCE, revalidating.lastModified);
      }
    }
    requestMillis = cache.clock().millis();
    cache.events().fetched(reason);
    exchange.fetch(leaderRequest, HttpMethod.GET, leaderRequest.uri(), headers, this::wanted, this::sending)
        .onComplete(done -> {
      if (done.succeeded()) {
        answered(done.result());
      } else {
        failed(done.cause());
      }
    });
  }

  /** A background refresh is always wanted; any other fill only while someone waits on it. */
  private synchronized boolean wanted() {
    return reason == CacheEvents.Fetch.BACKGROUND || !subscribers.isEmpty();
  }

  private synchronized void sending(HttpClientRequest sent) {
    request = sent;
  }

  /**
   * Subscribes a request; called on its own event loop. False when the fill takes no one new (it is over, its body
   * is no longer kept, or its head has shown a variant the request does not want): the caller goes its own way.
   * A subscriber that joins after the head gets the head and the body so far at once, before anything newer.
   */
  boolean join(Subscriber subscriber) {
    Head known;
    List<Buffer> sofar;
    synchronized (this) {
      if (!open || (head != null && !variance.matches(values, subscriber.requestHeaders()))) {
        return false;
      }
      subscribers.add(subscriber);
      known = head;
      sofar = known == null ? List.of() : List.copyOf(kept);
    }
    if (known != null) {
      subscriber.head(known);
      sofar.forEach(subscriber::chunk);
    }
    return true;
  }

  /** A subscriber's client left (any thread). An unkept body that nobody reads any more is abandoned. */
  void leave(Subscriber subscriber) {
    context.runOnContext(v -> abandonIfUnread(subscriber));
  }

  /** True while the origin is paused for a slow subscriber: only then is {@link #resumeIfDrained} of use. */
  synchronized boolean paused() {
    return paused;
  }

  /**
   * Drops a subscriber. With nobody left, a fill whose origin is still thinking is cancelled (the origin's work is
   * for no one; a background refresh excepted), and one whose body is no longer kept is cut; one whose body is being
   * kept goes on, for the next request's hit.
   */
  private void abandonIfUnread(Subscriber subscriber) {
    HttpClientRequest cancel = null;
    synchronized (this) {
      subscribers.remove(subscriber);
      boolean nobody = subscribers.isEmpty() && !settled && reason != CacheEvents.Fetch.BACKGROUND;
      if (nobody && (answer == null || kept == null)) {
        settled = true;
        open = false;
        unregister();
        cancel = answer != null ? answer.request() : request;
      }
    }
    if (cancel != null) {
      cancel.reset();
    }
    resumeIfDrained();
  }

  /** A subscriber wrote some of its pending bytes; the origin may be read again. */
  void resumeIfDrained() {
    context.runOnContext(v -> {
      synchronized (this) {
        if (!paused) {
          return;
        }
        for (Subscriber subscriber : subscribers) {
          if (subscriber.pending() > LOW_WATER_BYTES) {
            return;
          }
        }
        paused = false;
      }
      answer.resume();
    });
  }

  private void answered(HttpClientResponse response) {
    synchronized (this) {
      if (settled) { // cancelled while the head was on its way
        response.request().reset();
        return;
      }
    }
    responseMillis = cache.clock().millis();
    int status = response.statusCode();
    if (revalidating != null && status == 304) {
      validated(response);
      return;
    }
    if (revalidating != null && (status == 500 || status >= 502 && status <= 504) && staleIfError()) {
      response.request().reset(); // the stored response is served instead; its error body is of no use
      return;
    }
    boolean rsc = key.rsc;
    StoragePolicy.Asked asked = new StoragePolicy.Asked(leaderRequest.headers().contains(HttpHeaders.AUTHORIZATION),
        leaderRequest.headers().contains("x-middleware-prefetch"), rsc);
    StoragePolicy.Verdict judged = cache.policy().judge(status, response.headers(), asked, requestMillis,
        responseMillis);
    if (!judged.storable()) {
      unstorable(response, judged.refusal());
    } else {
      storable(response, judged);
    }
  }

  private void unstorable(HttpClientResponse response, String refusal) {
    if (revalidating != null && response.statusCode() < 500) {
      cache.remove(key, revalidating); // superseded by an answer the origin no longer lets us keep
    }
    if (StoragePolicy.aboutTheUrl(refusal)) {
      cache.pass(key, refusal);
    }
    List<Subscriber> all = close();
    Subscriber leader = null;
    for (Subscriber subscriber : all) {
      if (subscriber.leader() && subscriber.thread() == thread) {
        leader = subscriber;
      } else {
        dispatch(subscriber, () -> subscriber.retry(true));
      }
    }
    if (leader != null) {
      leader.relay(response, CacheStatus.forwarded(fwd).fwdStatus(response.statusCode()).detail(refusal));
    } else {
      response.request().reset(); // a background refresh, or a leader that left: nobody reads this body
    }
  }

  private void storable(HttpClientResponse response, StoragePolicy.Verdict judged) {
    Variance answered = Variance.of(response.headers(), cache.codecs().enabled());
    cache.hint(key, answered);
    MultiMap leaderHeaders = HttpHeaders.headers();
    ForwardingRules.response(response.headers(), response.version(), leaderHeaders, false);
    MultiMap shared = HttpHeaders.headers().addAll(leaderHeaders);
    judged.unshared().forEach(shared::remove);
    long ttl = StoredResponse.ttlSeconds(judged.lifetime() * 1000, StoragePolicy.initialAgeMillis(
        judged.dateSeconds(), judged.ageSeconds(), requestMillis, responseMillis));
    Head known = new Head(response.statusCode(), response.statusMessage(), leaderHeaders, shared, fwd, ttl);
    List<Subscriber> wrong = new ArrayList<>();
    List<Subscriber> right;
    synchronized (this) {
      verdict = judged;
      variance = answered;
      values = answered.values(leaderRequest.headers());
      kept = new ArrayList<>();
      answer = response;
      head = known;
      for (Subscriber subscriber : subscribers) {
        if (!subscriber.leader() && !answered.matches(values, subscriber.requestHeaders())) {
          wrong.add(subscriber);
        }
      }
      subscribers.removeAll(wrong);
      right = List.copyOf(subscribers);
      reregister(OriginCache.fillKey(key, answered, values));
    }
    wrong.forEach(subscriber -> dispatch(subscriber, () -> subscriber.retry(false)));
    right.forEach(subscriber -> dispatch(subscriber, () -> subscriber.head(known)));
    response.handler(this::chunk).endHandler(v -> end()).exceptionHandler(this::broken);
  }

  private void chunk(Buffer chunk) {
    List<Subscriber> all;
    boolean pause = false;
    synchronized (this) {
      if (kept != null) {
        kept.add(chunk);
        bytes += chunk.length();
        if (bytes > cache.config().maxObjectBytes()) {
          kept = null; // too large to keep: from here on a relay to whoever is subscribed
          open = false;
          unregister();
          cache.pass(key, "too-large");
        }
      }
      all = List.copyOf(subscribers);
      if (kept == null) {
        for (Subscriber subscriber : all) {
          pause |= subscriber.pending() + chunk.length() > HIGH_WATER_BYTES;
        }
        paused |= pause;
      }
    }
    all.forEach(subscriber -> dispatch(subscriber, () -> subscriber.chunk(chunk)));
    if (pause) {
      answer.pause();
    }
    if (all.isEmpty() && kept == null) {
      abandonIfUnread(null); // nobody reads an unkept body
    }
  }

  private void end() {
    List<Subscriber> all;
    List<Buffer> body;
    synchronized (this) {
      settled = true;
      body = kept;
      all = close();
    }
    if (body != null) {
      store(body);
    }
    all.forEach(subscriber -> dispatch(subscriber, subscriber::end));
  }

  private void broken(Throwable failure) {
    List<Subscriber> all;
    synchronized (this) {
      settled = true;
      kept = null;
      all = close();
    }
    all.forEach(subscriber -> dispatch(subscriber, subscriber::cut));
  }

  private void failed(Throwable failure) {
    if (revalidating != null && staleIfError()) {
      return;
    }
    List<Subscriber> all = close();
    all.forEach(subscriber -> dispatch(subscriber, () -> subscriber.failed(failure)));
  }

  /** Serves the stored response to everyone if the origin's failure is within its stale-if-error window. */
  private boolean staleIfError() {
    long now = cache.clock().millis();
    if (revalidating.stalenessMillis(now) >= revalidating.staleIfErrorMillis) {
      return false;
    }
    List<Subscriber> all = close();
    CacheStatus status = CacheStatus.hit().ttl(revalidating.ttlSeconds(now)).detail("stale-if-error");
    all.forEach(subscriber -> dispatch(subscriber,
        () -> subscriber.serve(revalidating, status, CacheEvents.Result.STALE)));
    return true;
  }

  /** §4.3.4: a 304 freshens the stored response with its fields; everyone gets the updated response. */
  private void validated(HttpClientResponse response) {
    MultiMap forwarded = HttpHeaders.headers();
    ForwardingRules.response(response.headers(), response.version(), forwarded, false);
    String etag = response.headers().get(HttpHeaders.ETAG);
    List<Subscriber> all = close();
    if (etag != null && revalidating.etag != null && !Conditionals.anyWeakMatch(List.of(etag), revalidating.etag)) {
      cache.remove(key, revalidating); // the 304 is about some other representation than ours
      all.forEach(subscriber -> dispatch(subscriber, () -> subscriber.retry(false)));
      return;
    }
    Freshening.Freshened freshened = Freshening.freshen(cache, key, revalidating, response, forwarded, requestMillis,
        responseMillis);
    StoragePolicy.Verdict renewed = freshened.renewed();
    StoredResponse forLeader = freshened.forLeader();
    StoredResponse forOthers = freshened.forOthers();
    if (renewed.storable()) {
      cache.store(key, revalidating.variance, forOthers);
    } else {
      cache.remove(key, revalidating);
    }
    // A 304 that makes the page private makes it one user's: the others go to the origin on their own.
    boolean personal = "private".equals(renewed.refusal());
    long now = cache.clock().millis();
    CacheStatus status = CacheStatus.forwarded(fwd).fwdStatus(304).ttl(forLeader.ttlSeconds(now));
    for (Subscriber subscriber : all) {
      if (subscriber.leader()) {
        dispatch(subscriber, () -> subscriber.serve(forLeader, status, CacheEvents.Result.REVALIDATED));
      } else if (personal) {
        dispatch(subscriber, () -> subscriber.retry(true));
      } else {
        dispatch(subscriber, () -> subscriber.serve(forOthers, status, CacheEvents.Result.REVALIDATED));
      }
    }
  }

  private void store(List<Buffer> body) {
    Buffer whole = Buffer.buffer((int) bytes);
    body.forEach(whole::appendBuffer);
    MultiMap headers = HttpHeaders.headers().addAll(head.sharedHeaders());
    headers.remove(HttpHeaders.AGE); // computed per answer from the times below
    List<String> targeted = answer.headers().getAll(Fields.EDGE_CACHE_CONTROL);
    StoredResponse stored = new StoredResponse(head.status(), head.reason(), headers, whole, variance, values,
        verdict, targeted, requestMillis, responseMillis,
        cache.codecs().compressible(head.status(), headers, whole.length()));
    cache.store(key, variance, stored);
  }

  /** Stops taking subscribers and unregisters; returns everyone subscribed, who are no longer. */
  private synchronized List<Subscriber> close() {
    open = false;
    unregister();
    List<Subscriber> all = List.copyOf(subscribers);
    subscribers.clear();
    return all;
  }

  private void unregister() {
    if (fillKey != null) {
      cache.fills.remove(fillKey, this);
    }
  }

  /** Moves the registration to the variant's own key once the head has said what the URL varies on. */
  private void reregister(String variantKey) {
    if (fillKey == null || fillKey.equals(variantKey)) {
      return;
    }
    cache.fills.remove(fillKey, this);
    fillKey = cache.fills.putIfAbsent(variantKey, this) == null ? variantKey : null;
  }

  /**
   * Runs {@code task} for {@code subscriber} on its event loop: at once when already there (Vert.x gives every
   * request its own duplicated context, so contexts cannot be compared; their threads can), else queued to it.
   */
  private static void dispatch(Subscriber subscriber, Runnable task) {
    if (Thread.currentThread() == subscriber.thread()) {
      task.run();
    } else {
      subscriber.context().runOnContext(v -> task.run());
    }
  }
}
