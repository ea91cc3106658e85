package com.paintbox.edge.jwks;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.config.JwksConfig;
import com.paintbox.edge.secrets.FetchFailure;
import com.paintbox.edge.secrets.KeySource;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The process-wide JWKS cache: one entry, shared by every event loop, fed by a {@link KeySource}.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Windows.</b> A stored JWKS of age {@code a} is, in order (RFC 5861, RFC 9111 §4.2):
 * <pre>
 *   0 ──── fresh-ahead ──── fresh ──────── fresh+SWR ─────────── fresh+SIE ────▶ a
 *   │ FRESH   │ FRESH, refresh │ STALE: served, │ past SWR: served only   │ EXPIRED: fallback
 *   │         │ ahead running  │ refresh running│ if refreshes are failing│ file, else 503
 * </pre>
 * Past stale-while-revalidate with no failure on record (possible only when SWR is shorter than a refresh takes)
 * a request waits for the revalidation, as RFC 5861 §3 says, and falls back to stale-if-error if it fails.
 *
 * <p><b>Who does what.</b> Caffeine ({@link AsyncLoadingCache}, one key) gives us the parts it is built for:
 * <ul>
 *   <li>the single shared future for any number of concurrent misses on an empty cache ({@code get} runs the
 *       mapping function once per absent key, so the one caller that started the fetch is known: the
 *       {@code stored} in Cache-Status, everyone else {@code collapsed});</li>
 *   <li>removal of a failed first load, so the next attempt starts clean;</li>
 *   <li>refresh de-duplication ({@code refresh} returns the in-flight reload to every caller) and keeping the old
 *       value when a reload fails, which is how a failed or invalid fetch never replaces a good JWKS.</li>
 * </ul>
 * This class owns what Caffeine does not: time windows measured from the fetch rather than the write (SWR, SIE),
 * refresh-ahead scheduling, retries with jittered exponential backoff, and the fallback. It also writes a fetched
 * JWKS into the entry itself, before the fetch's future completes: Caffeine installs a reloaded value in a
 * callback that {@code CompletableFuture} runs <em>after</em> the caller's own callbacks, so without this a caller
 * that waited on a refresh could read the old JWKS right after being told of the new one. Caffeine then finds the
 * entry already replaced and skips its own write. Failed fetches write nothing, which is how a failed or invalid
 * fetch never replaces a good JWKS.
 *
 * <p><b>Timing.</b> One timer, re-armed after every fetch and at every window boundary, drives the refresh
 * ({@code fresh - ahead} after a success, the backoff delay after a failure) and logs each state change. Requests
 * never start refreshes in the normal course; a stale request nudges one only as a safety net, and never during
 * backoff, so a failing AWS sees one call per retry however busy the edge is. When everything has expired,
 * requests are answered at once from the fallback (or 503) while the timer keeps retrying: no queue builds up
 * behind a failing upstream.
 *
 * <p><b>Threads.</b> Requests read the entry from any event loop without locks (one {@code ConcurrentHashMap.get}).
 * Fetches complete on the SDK's I/O thread; waiters are called back on their own Vert.x context. The small
 * mutable state (failure count, retry time, timer) changes only under {@code this} lock, off the hot path.
 */
public final class JwksCache {

  /** The one key: there is one JWKS per process. */
  private static final String KEY = "jwks";
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final KeySource source;
  private final Codecs codecs;
  private final Ticker ticker;
  private final TaskScheduler scheduler;
  private final Backoff backoff;
  private final Optional<JwksDocument> fallback;
  private final JwksEvents events;
  private final AsyncLoadingCache<String, JwksDocument> store;
  private final long freshNanos;
  private final long swrEndNanos;
  private final long sieEndNanos;
  private final long aheadNanos;

  /** Failures since the last success; the retry time they imply. Written under the lock, read anywhere. */
  private volatile int failures;
  private volatile long retryAtNanos;
  private volatile FetchFailure lastFailure;
  private volatile State lastState = State.EMPTY;
  private TaskScheduler.Cancellable timer;
  private boolean closed;

  public JwksCache(KeySource source, JwksConfig config, Ticker ticker, TaskScheduler scheduler,
      Optional<JwksDocument> fallback, JwksEvents events, Codecs codecs) {
    this(source, config, ticker, scheduler, fallback, events, () -> ThreadLocalRandom.current().nextDouble(), codecs);
  }

  /** With the jitter's random source injected, so tests can pin retry times. */
  JwksCache(KeySource source, JwksConfig config, Ticker ticker, TaskScheduler scheduler,
      Optional<JwksDocument> fallback, JwksEvents events, DoubleSupplier jitter, Codecs codecs) {
    this.codecs = java.util.Objects.requireNonNull(codecs, "codecs");
    this.source = java.util.Objects.requireNonNull(source, "source");
    this.ticker = java.util.Objects.requireNonNull(ticker, "ticker");
    this.scheduler = java.util.Objects.requireNonNull(scheduler, "scheduler");
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(jitter, "jitter");
    this.backoff = new Backoff(config.retryMin(), config.retryMax(), jitter);
    this.fallback = java.util.Objects.requireNonNull(fallback, "fallback");
    this.events = java.util.Objects.requireNonNull(events, "events");
    this.freshNanos = config.fresh().toNanos();
    this.swrEndNanos = freshNanos + config.staleWhileRevalidate().toNanos();
    this.sieEndNanos = freshNanos + Math.max(config.staleIfError().toNanos(), config.staleWhileRevalidate().toNanos());
    this.aheadNanos = config.refreshAhead().toNanos();
    this.store = Caffeine.newBuilder()
        .executor(Runnable::run) // the loader is asynchronous already; Caffeine need not hop threads
        .buildAsync((key, executor) -> fetch());
  }

  /** Starts the first fetch at once, so the cache is warm before traffic arrives. */
  public void start() {
    store.get(KEY);
  }

  /** Cancels the timer; an in-flight fetch completes but schedules nothing more. */
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.cancel();
    }
  }

  /** Answers one request. The returned future completes on the caller's Vert.x context. */
  public Future<Lookup> lookup() {
    Lookup now = lookupNow();
    return now != null ? Future.succeededFuture(now) : lookupLater();
  }

  /**
   * Answers one request at once when the JWKS in memory may be served as it is (fresh, or stale within a window);
   * null when the answer needs a fetch or a wait, for which {@link #lookup()} is the way. The hot path: one map read,
   * one clock read, no future.
   */
  public @Nullable Lookup lookupNow() {
    CompletableFuture<JwksDocument> entry = store.getIfPresent(KEY);
    if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
      return null;
    }
    JwksDocument document = entry.join();
    long age = ticker.read() - document.fetchedAtNanos();
    if (age < freshNanos) {
      return served(Outcome.HIT, document, age);
    }
    switch (stateOf(document)) {
      case STALE:
        nudgeRefresh();
        return served(Outcome.STALE, document, age);
      case STALE_IF_ERROR:
        return served(Outcome.STALE, document, age);
      default:
        return null;
    }
  }

  private Future<Lookup> lookupLater() {
    CompletableFuture<JwksDocument> entry = store.getIfPresent(KEY);
    if (entry == null) {
      return miss();
    }
    if (!entry.isDone() || entry.isCompletedExceptionally()) {
      return await(entry, Outcome.COLLAPSED); // the first fetch (or a retry of it) is in flight
    }
    JwksDocument document = entry.join();
    long age = ticker.read() - document.fetchedAtNanos();
    switch (stateOf(document)) {
      case FRESH:
        return Future.succeededFuture(served(Outcome.HIT, document, age));
      case STALE:
        nudgeRefresh();
        return Future.succeededFuture(served(Outcome.STALE, document, age));
      case STALE_IF_ERROR:
        return Future.succeededFuture(served(Outcome.STALE, document, age));
      case REVALIDATE:
        return revalidate(document);
      default:
        return Future.succeededFuture(unservable(false));
    }
  }

  /** Forces one refresh now, joining any in flight; backoff does not apply (callers rate-limit). */
  public Future<JwksDocument> refreshNow() {
    return onCallerContext(store.synchronous().refresh(KEY));
  }

  /** True when a request would be answered 200: a JWKS within its windows, or the fallback after a failure. */
  public boolean ready() {
    State state = state();
    return state.servable() || (fallback.isPresent() && state != State.EMPTY);
  }

  /** The current state, for readiness, metrics and logs. */
  public State state() {
    return stateOf(current().orElse(null));
  }

  /** The JWKS in memory, whatever its age. */
  public Optional<JwksDocument> current() {
    CompletableFuture<JwksDocument> entry = store.getIfPresent(KEY);
    boolean loaded = entry != null && entry.isDone() && !entry.isCompletedExceptionally();
    return Optional.ofNullable(loaded ? entry.join() : null);
  }

  /** Seconds since the JWKS in memory was fetched, or -1. */
  public double ageSeconds() {
    return current().map(d -> (double) (ticker.read() - d.fetchedAtNanos()) / NANOS_PER_SECOND).orElse(-1.0);
  }

  /** Seconds until the JWKS in memory leaves {@code state}'s window (negative once past it), or NaN if none. */
  public double secondsUntilEndOf(State state) {
    long end = switch (state) {
      case FRESH -> freshNanos;
      case STALE -> swrEndNanos;
      case STALE_IF_ERROR, REVALIDATE -> sieEndNanos;
      default -> -1;
    };
    return current().filter(d -> end >= 0)
        .map(d -> (double) (d.fetchedAtNanos() + end - ticker.read()) / NANOS_PER_SECOND)
        .orElse(Double.NaN);
  }

  /** Consecutive failed fetches since the last success; 0 when healthy. */
  public int failures() {
    return failures;
  }

  /** Seconds until the next retry while backing off, else 0. */
  public double secondsUntilRetry() {
    return failures == 0 ? 0 : Math.max(0, (double) (retryAtNanos - ticker.read()) / NANOS_PER_SECOND);
  }

  // ---- request paths -------------------------------------------------------------------------------------------

  private Future<Lookup> miss() {
    if (failures > 0 && ticker.read() < retryAtNanos) {
      return Future.succeededFuture(unservable(false)); // backing off: do not let traffic hammer a failing AWS
    }
    boolean[] started = {false};
    CompletableFuture<JwksDocument> entry = store.get(KEY, (key, executor) -> {
      started[0] = true;
      return fetch();
    });
    return await(entry, started[0] ? Outcome.STORED : Outcome.COLLAPSED);
  }

  private Future<Lookup> await(CompletableFuture<JwksDocument> fetch, Outcome outcome) {
    if (outcome == Outcome.COLLAPSED) {
      events.collapsedWaiter();
    }
    return onCallerContext(fetch).transform(done -> Future.succeededFuture(done.succeeded()
        ? served(outcome, done.result(), ticker.read() - done.result().fetchedAtNanos())
        : unservable(true)));
  }

  private Future<Lookup> revalidate(JwksDocument stale) {
    boolean running = !store.synchronous().policy().refreshes().isEmpty();
    Outcome outcome = running ? Outcome.REVALIDATED_COLLAPSED : Outcome.REVALIDATED;
    if (running) {
      events.collapsedWaiter();
    }
    return onCallerContext(store.synchronous().refresh(KEY)).transform(done -> {
      if (done.succeeded() && done.result() != stale) {
        return Future.succeededFuture(served(outcome, done.result(), ticker.read() - done.result().fetchedAtNanos()));
      }
      long age = ticker.read() - stale.fetchedAtNanos();
      return Future.succeededFuture(age < sieEndNanos ? served(Outcome.STALE, stale, age) : unservable(true));
    });
  }

  private Lookup served(Outcome outcome, JwksDocument document, long ageNanos) {
    return new Lookup(outcome, document, ageNanos / NANOS_PER_SECOND, Math.floorDiv(freshNanos - ageNanos, NANOS_PER_SECOND), 0);
  }

  private Lookup unservable(boolean forwarded) {
    if (fallback.isPresent()) {
      return new Lookup(forwarded ? Outcome.FALLBACK_AFTER_MISS : Outcome.FALLBACK, fallback.get(), -1, 0, 0);
    }
    long retryAfter = Math.max(1, (long) Math.ceil(secondsUntilRetry()));
    return new Lookup(Outcome.UNAVAILABLE, null, -1, 0, retryAfter);
  }

  private State stateOf(JwksDocument document) {
    if (document == null) {
      return failures == 0 ? State.EMPTY : State.EXPIRED;
    }
    long ageNanos = ticker.read() - document.fetchedAtNanos();
    if (ageNanos < freshNanos) {
      return State.FRESH;
    }
    if (ageNanos < swrEndNanos) {
      return State.STALE;
    }
    if (ageNanos < sieEndNanos) {
      return failures > 0 ? State.STALE_IF_ERROR : State.REVALIDATE;
    }
    return State.EXPIRED;
  }

  // ---- fetching and scheduling ---------------------------------------------------------------------------------

  /** One fetch, whoever asked for it. Its bookkeeping runs before any waiter sees the result. */
  private CompletableFuture<JwksDocument> fetch() {
    long started = ticker.read();
    return source.fetch()
        .map(keys -> JwksDocument.of(keys, ticker.read(), codecs)) // compressed here, off the event loops
        .transform(done -> {
          long elapsed = ticker.read() - started;
          if (done.succeeded()) {
            succeeded(done.result(), elapsed);
            return Future.succeededFuture(done.result());
          }
          FetchFailure failure = FetchFailure.of(done.cause());
          failed(failure, elapsed);
          return Future.<JwksDocument>failedFuture(failure);
        })
        .toCompletionStage()
        .toCompletableFuture();
  }

  private synchronized void succeeded(JwksDocument document, long elapsedNanos) {
    if (!closed) {
      store.synchronous().put(KEY, document); // published before anyone waiting on this fetch is told
    }
    failures = 0;
    retryAtNanos = 0;
    lastFailure = null;
    events.fetchSucceeded(document, elapsedNanos);
    arm(document, document.fetchedAtNanos() + Math.max(0, freshNanos - aheadNanos) - ticker.read());
  }

  private synchronized void failed(FetchFailure failure, long elapsedNanos) {
    failures++;
    lastFailure = failure;
    long delay = backoff.delayNanos(failures);
    retryAtNanos = ticker.read() + delay;
    events.fetchFailed(failure, failures, Duration.ofNanos(delay), elapsedNanos);
    arm(current().orElse(null), delay); // a failed fetch leaves the entry as it was
  }

  /**
   * The one timer: fires at the next refresh or window boundary of {@code document}, whichever is sooner. Takes
   * the document rather than reading the store, because a fetch's bookkeeping runs before Caffeine stores it.
   */
  private synchronized void arm(JwksDocument document, long refreshInNanos) {
    observeState(document);
    if (closed) {
      return;
    }
    if (timer != null) {
      timer.cancel();
    }
    long now = ticker.read();
    long boundary = document == null ? Long.MAX_VALUE : nextBoundary(now - document.fetchedAtNanos());
    long refreshAt = now + refreshInNanos;
    timer = scheduler.schedule(Duration.ofNanos(Math.max(0, Math.min(refreshInNanos, boundary))), () -> tick(refreshAt));
  }

  private void tick(long refreshAtNanos) {
    JwksDocument document = current().orElse(null);
    long now = ticker.read();
    if (now < refreshAtNanos) {
      arm(document, refreshAtNanos - now); // a window boundary: log the change, sleep until the refresh
      return;
    }
    observeState(document);
    if (failures == 0 && stateOf(document) == State.FRESH) {
      events.refreshAhead(); // scheduled by a success, not a retry after a failure
    }
    store.synchronous().refresh(KEY); // its outcome re-arms the timer through succeeded() or failed()
  }

  /** Distance from {@code ageNanos} to the next window edge, so state changes are logged when they happen. */
  private long nextBoundary(long ageNanos) {
    for (long edge : new long[] {freshNanos, swrEndNanos, sieEndNanos}) {
      if (ageNanos < edge) {
        return edge - ageNanos;
      }
    }
    return Long.MAX_VALUE;
  }

  private void nudgeRefresh() {
    if (failures == 0 && store.synchronous().policy().refreshes().isEmpty()) {
      store.synchronous().refresh(KEY);
    }
  }

  private synchronized void observeState(JwksDocument document) {
    State now = stateOf(document);
    State before = lastState;
    if (now != before) {
      lastState = now;
      events.stateChanged(before, now, Optional.ofNullable(document), Optional.ofNullable(lastFailure));
    }
  }

  private static <T> Future<T> onCallerContext(CompletableFuture<T> future) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(future) : Future.fromCompletionStage(future, context);
  }

  /** Where the JWKS in memory stands. */
  public enum State {
    EMPTY(false), FRESH(true), STALE(true), STALE_IF_ERROR(true), REVALIDATE(true), EXPIRED(false);

    private final boolean servable;

    State(boolean servable) {
      this.servable = servable;
    }

    public boolean servable() {
      return servable;
    }
  }
}
