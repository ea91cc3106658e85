package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.config.JwksConfig;
import com.paintbox.edge.jwks.JwksCache.State;
import com.paintbox.edge.secrets.FetchFailure;
import com.paintbox.edge.testing.FakeTicker;
import com.paintbox.edge.testing.ManualScheduler;
import com.paintbox.edge.testing.ScriptedKeySource;
import com.paintbox.edge.testing.TestConfigs;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache's state machine, driven through every window boundary by a hand-moved clock. Fresh 300 s, SWR 300 s,
 * SIE 3600 s, refresh-ahead 30 s, retries from 1 s doubling to 60 s, jitter pinned to its maximum.
 */
class JwksCacheTest {

  private static final Duration FRESH = Duration.ofSeconds(300);
  private static final Duration SWR = Duration.ofSeconds(300);
  private static final Duration SIE = Duration.ofSeconds(3600);
  private static final Duration AHEAD = Duration.ofSeconds(30);
  private static final Duration NANO = Duration.ofNanos(1);

  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ScriptedKeySource source = new ScriptedKeySource();
  private final RecordingEvents events = new RecordingEvents();
  private final List<JWK> keysA = List.of(TestKeys.ec("a").toPublicJWK());
  private final List<JWK> keysB = List.of(TestKeys.ec("b").toPublicJWK());
  private JwksCache cache;

  @BeforeEach
  void setUp() {
    cache = cache(TestConfigs.jwks(FRESH, SWR, SIE, AHEAD), Optional.empty());
  }

  private JwksCache cache(JwksConfig config, Optional<JwksDocument> fallback) {
    return new JwksCache(source, config, ticker, scheduler, fallback, events, () -> 1.0, Codecs.OFF);
  }

  @Test
  void lookup_coldCache_oneFetchSharedByEveryWaiter() {
    Future<Lookup> first = cache.lookup();
    List<Future<Lookup>> others = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      others.add(cache.lookup());
    }
    assertThat(source.fetches()).isEqualTo(1);
    assertThat(first.isComplete()).isFalse();

    source.succeed(keysA);

    assertThat(first.result().outcome()).isEqualTo(Outcome.STORED);
    assertThat(others).allSatisfy(f -> assertThat(f.result().outcome()).isEqualTo(Outcome.COLLAPSED));
    assertThat(others).allSatisfy(f -> assertThat(f.result().document()).isSameAs(first.result().document()));
    assertThat(events.collapsed).isEqualTo(100);
  }

  @Test
  void lookup_fresh_servedFromMemoryWithoutFetching() {
    warm(keysA);

    ticker.advance(Duration.ofSeconds(100));
    Lookup lookup = cache.lookup().result();

    assertThat(lookup.outcome()).isEqualTo(Outcome.HIT);
    assertThat(lookup.ageSeconds()).isEqualTo(100);
    assertThat(lookup.ttlSeconds()).isEqualTo(200);
    assertThat(source.fetches()).isEqualTo(1);
  }

  @Test
  void timer_beforeFreshnessEnds_refreshesAheadAndReplaces() {
    warm(keysA);

    scheduler.advance(FRESH.minus(AHEAD).minus(NANO));
    assertThat(source.fetches()).isEqualTo(1);
    scheduler.advance(NANO);
    assertThat(source.fetches()).isEqualTo(2);
    assertThat(events.refreshAhead).isEqualTo(1);
    assertThat(cache.lookup().result().outcome()).isEqualTo(Outcome.HIT); // served while the refresh runs

    source.succeed(keysB);

    Lookup after = cache.lookup().result();
    assertThat(after.document().kids()).containsExactly("b");
    assertThat(after.ageSeconds()).isZero();
    assertThat(scheduler.nextDue()).hasValue(FRESH.minus(AHEAD));
  }

  @Test
  void lookup_exactlyAtFreshness_isStaleAndServedAtOnceWithOneRefresh() {
    warm(keysA);
    scheduler.advance(FRESH.minus(AHEAD)); // the refresh-ahead starts and hangs
    ticker.advance(AHEAD.minus(NANO));
    assertThat(cache.lookup().result().outcome()).isEqualTo(Outcome.HIT);

    ticker.advance(NANO);
    Lookup stale = cache.lookup().result();

    assertThat(stale.outcome()).isEqualTo(Outcome.STALE);
    assertThat(stale.ttlSeconds()).isZero();
    ticker.advance(Duration.ofSeconds(1));
    assertThat(cache.lookup().result().ttlSeconds()).isEqualTo(-1);
    assertThat(source.fetches()).isEqualTo(2);
  }

  @Test
  void failedRefresh_keepsGoodJwksAndRetriesWithCappedDoublingBackoff() {
    warm(keysA);
    scheduler.advance(FRESH.minus(AHEAD));
    JwksDocument good = cache.current().orElseThrow();

    List<Long> retryDelays = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      source.fail(FetchFailure.Type.SERVER_ERROR);
      long failedAt = ticker.read();
      while (source.inFlight() == 0) { // window-boundary ticks fire too; step until the retry starts a fetch
        scheduler.advance(scheduler.nextDue().orElseThrow());
      }
      retryDelays.add(Duration.ofNanos(ticker.read() - failedAt).toMillis());
    }

    assertThat(retryDelays).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L);
    assertThat(cache.current()).containsSame(good);
    assertThat(cache.failures()).isEqualTo(8);
    assertThat(source.fetches()).isEqualTo(10);
  }

  @Test
  void invalidFetch_neverReplacesTheGoodJwks() {
    warm(keysA);
    JwksDocument good = cache.current().orElseThrow();
    cache.refreshNow();

    source.fail(FetchFailure.Type.INVALID);

    assertThat(cache.current()).containsSame(good);
    assertThat(cache.lookup().result().document()).isSameAs(good);
    assertThat(events.failures).containsExactly(FetchFailure.Type.INVALID);
  }

  @Test
  void windows_whileRefreshesFail_walkFreshStaleStaleIfErrorExpired() {
    warm(keysA);
    Duration elapsed = Duration.ZERO;
    scheduler.advance(FRESH.minus(AHEAD));
    elapsed = elapsed.plus(FRESH.minus(AHEAD));
    source.fail(FetchFailure.Type.THROTTLED);
    assertThat(cache.state()).isEqualTo(State.FRESH);

    elapsed = failUntil(elapsed, FRESH.minus(NANO));
    assertThat(cache.state()).isEqualTo(State.FRESH);
    elapsed = failUntil(elapsed, FRESH);
    assertThat(cache.state()).isEqualTo(State.STALE);
    assertThat(cache.lookup().result().outcome()).isEqualTo(Outcome.STALE);

    elapsed = failUntil(elapsed, FRESH.plus(SWR).minus(NANO));
    assertThat(cache.state()).isEqualTo(State.STALE);
    elapsed = failUntil(elapsed, FRESH.plus(SWR));
    assertThat(cache.state()).isEqualTo(State.STALE_IF_ERROR);
    assertThat(cache.lookup().result().outcome()).isEqualTo(Outcome.STALE);

    elapsed = failUntil(elapsed, FRESH.plus(SIE).minus(NANO));
    assertThat(cache.lookup().result().outcome()).isEqualTo(Outcome.STALE);
    failUntil(elapsed, FRESH.plus(SIE));
    assertThat(cache.state()).isEqualTo(State.EXPIRED);
    Lookup expired = cache.lookup().result();
    assertThat(expired.outcome()).isEqualTo(Outcome.UNAVAILABLE);
    assertThat(expired.retryAfterSeconds()).isBetween(1L, 60L);
    assertThat(cache.ready()).isFalse();
    assertThat(events.states).containsSubsequence(State.FRESH, State.STALE, State.STALE_IF_ERROR, State.EXPIRED);
  }

  @Test
  void expired_withFallback_servesFallbackAndStaysReady() {
    JwksDocument fallback = JwksDocument.of(keysB, 0, Codecs.OFF);
    cache = cache(TestConfigs.jwks(FRESH, SWR, SIE, AHEAD), Optional.of(fallback));
    warm(keysA);
    scheduler.advance(FRESH.minus(AHEAD));
    failUntil(FRESH.minus(AHEAD), FRESH.plus(SIE));

    Lookup lookup = cache.lookup().result();

    assertThat(lookup.outcome()).isEqualTo(Outcome.FALLBACK);
    assertThat(lookup.document()).isSameAs(fallback);
    assertThat(cache.ready()).isTrue();
  }

  @Test
  void expired_thenRecovery_freshAgainAndBackoffReset() {
    warm(keysA);
    scheduler.advance(FRESH.minus(AHEAD));
    Duration elapsed = failUntil(FRESH.minus(AHEAD), FRESH.plus(SIE));
    assertThat(cache.state()).isEqualTo(State.EXPIRED);

    scheduler.advance(scheduler.nextDue().orElseThrow());
    source.succeed(keysB);

    assertThat(cache.state()).isEqualTo(State.FRESH);
    assertThat(cache.failures()).isZero();
    assertThat(cache.lookup().result().document().kids()).containsExactly("b");
    assertThat(elapsed).isGreaterThanOrEqualTo(FRESH.plus(SIE));
  }

  @Test
  void coldFailure_requestsDuringBackoffAnsweredAtOnceWithoutFetching() {
    Future<Lookup> first = cache.lookup();
    source.fail(FetchFailure.Type.DENIED);

    assertThat(first.result().outcome()).isEqualTo(Outcome.UNAVAILABLE);
    for (int i = 0; i < 50; i++) {
      assertThat(cache.lookup().result().outcome()).isEqualTo(Outcome.UNAVAILABLE);
    }
    assertThat(source.fetches()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(1)); // the retry is due: the timer, not traffic, fetches
    assertThat(source.fetches()).isEqualTo(2);
    Future<Lookup> waiting = cache.lookup();
    source.succeed(keysA);
    assertThat(waiting.result().outcome()).isEqualTo(Outcome.COLLAPSED);
  }

  @Test
  void pastSwrWithoutFailure_requestWaitsForTheRevalidation() {
    cache = cache(TestConfigs.jwks(FRESH, Duration.ZERO, SIE, Duration.ZERO), Optional.empty());
    warm(keysA);
    scheduler.advance(FRESH); // refresh starts exactly at freshness and hangs

    Future<Lookup> waiting = cache.lookup();
    assertThat(cache.state()).isEqualTo(State.REVALIDATE);
    assertThat(waiting.isComplete()).isFalse();
    source.succeed(keysB);

    assertThat(waiting.result().outcome()).isEqualTo(Outcome.REVALIDATED_COLLAPSED);
    assertThat(waiting.result().document().kids()).containsExactly("b");
    assertThat(source.fetches()).isEqualTo(2);
  }

  @Test
  void pastSwrRevalidationFails_servesStaleIfError() {
    cache = cache(TestConfigs.jwks(FRESH, Duration.ZERO, SIE, Duration.ZERO), Optional.empty());
    warm(keysA);
    scheduler.advance(FRESH);
    Future<Lookup> waiting = cache.lookup();

    source.fail(FetchFailure.Type.TIMEOUT);

    assertThat(waiting.result().outcome()).isEqualTo(Outcome.STALE);
    assertThat(cache.state()).isEqualTo(State.STALE_IF_ERROR);
  }

  @Test
  void refreshNow_whileRefreshRunning_joinsIt() {
    warm(keysA);
    Future<JwksDocument> first = cache.refreshNow();
    Future<JwksDocument> second = cache.refreshNow();

    source.succeed(keysB);

    assertThat(source.fetches()).isEqualTo(2);
    assertThat(first.result()).isSameAs(second.result());
  }

  @Test
  void stateChanges_areReportedOnceEach() {
    warm(keysA);
    scheduler.advance(FRESH.minus(AHEAD));
    source.fail(FetchFailure.Type.NETWORK);
    failUntil(FRESH.minus(AHEAD), FRESH.plus(SWR).plusSeconds(1));

    assertThat(events.states).containsExactly(State.FRESH, State.STALE, State.STALE_IF_ERROR);
  }

  @Test
  void ready_onlyOnceSomethingIsServable() {
    assertThat(cache.ready()).isFalse();
    cache.start();
    assertThat(cache.ready()).isFalse();
    source.succeed(keysA);
    assertThat(cache.ready()).isTrue();
  }

  /** Fails every fetch the timer starts until the clock reads {@code target} after warm-up. */
  private Duration failUntil(Duration elapsed, Duration target) {
    Duration now = elapsed;
    if (source.inFlight() > 0) {
      source.fail(FetchFailure.Type.SERVER_ERROR);
    }
    while (true) {
      Duration next = scheduler.nextDue().orElseThrow();
      if (now.plus(next).compareTo(target) > 0) {
        scheduler.advance(target.minus(now));
        return target;
      }
      scheduler.advance(next);
      now = now.plus(next);
      if (source.inFlight() > 0) {
        source.fail(FetchFailure.Type.SERVER_ERROR);
      }
    }
  }

  private void warm(List<JWK> keys) {
    cache.start();
    source.succeed(keys);
    assertThat(cache.state()).isEqualTo(State.FRESH);
  }

  private static final class RecordingEvents implements JwksEvents {
    int collapsed;
    int refreshAhead;
    final List<FetchFailure.Type> failures = new ArrayList<>();
    final List<State> states = new ArrayList<>();

    @Override
    public void collapsedWaiter() {
      collapsed++;
    }

    @Override
    public void refreshAhead() {
      refreshAhead++;
    }

    @Override
    public void fetchFailed(FetchFailure failure, int consecutive, Duration retryIn, long elapsedNanos) {
      failures.add(failure.type());
    }

    @Override
    public void stateChanged(State from, State to, Optional<JwksDocument> document, Optional<FetchFailure> last) {
      states.add(to);
    }
  }
}
