package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random request and origin-answer sequences against a simple reference model of a shared cache (RFC 9111), one
 * request at a time, on the cache's hand-moved clock.
 *
 * <p>A sequence is {@link #STEPS} steps, each a request or a clock move (0 to 120 s, biased to the lifetimes'
 * edges). A request is GET or HEAD for one of three paths, with or without an {@code X-Variant} value and an
 * {@code Authorization}. The origin's answer, should the request reach it, is drawn beforehand: status 200, 404 or
 * 500, a {@code Cache-Control} from a small menu, optional {@code ETag}, {@code Vary: X-Variant}, {@code Set-Cookie}
 * and {@code Age}; or, when the edge revalidates with {@code If-None-Match}, a 304 half the time. Every origin
 * answer has a unique id: the body and {@code X-Answer-Id} of a 200/404/500 (so HEAD replies are identified too),
 * and the value of any cookie it sets.
 *
 * <p>The model knows nothing of the edge's classes. Per path it keeps the stored answers by variant (one slot
 * without {@code Vary}, one per {@code X-Variant} value with it; an answer whose {@code Vary} differs from the
 * stored ones replaces them all, as the most recent response rules selection, §4.1), each with when it arrived,
 * its lifetime and the origin's Age. It stores what §3 and §3.5 allow, narrowed by the edge's documented choices:
 * no 500, nothing without explicit freshness, nothing stale on arrival without a validator. A 304 freshens the
 * entry it validates with its own fields (§4.3.4); an unstorable non-5xx answer to a revalidation drops the entry.
 * An answer unstorable for a reason that holds for every request of the URL (not Authorization alone) makes the
 * path hit-for-miss for 30 s: a request then finding no entry for its variant is passed through, its answer not
 * stored; a storable one clears the mark (the next request fills), an unstorable one renews it.
 * Invariants checked on every reply:
 * <ol type="a">
 *   <li>an answer the origin sent with {@code private}, {@code no-store} or {@code Set-Cookie}, or to a request with
 *       {@code Authorization} without {@code public}/{@code s-maxage}, reaches only the request that caused it, and
 *       so does any cookie;</li>
 *   <li>a reply that caused no origin request carries the answer the model last stored for its path and variant,
 *       and that answer is fresh by the model's clock (no stale directives are in the menu, so no stale window);</li>
 *   <li>when the model holds nothing fresh for the request, the origin is asked;</li>
 *   <li>{@code Age} is never negative, and never more than the time since the origin answered plus its own Age;</li>
 *   <li>when the model holds a fresh answer, the edge serves it without the origin (a shield that never hits would
 *       pass a to d);</li>
 *   <li>a reply that reached the origin carries the answer to it (the entry a 304 validated), one origin request
 *       per client request, and {@code Cache-Status} says hit exactly when the origin was not asked;</li>
 *   <li>every request is answered (within {@link #ANSWER_SECONDS});</li>
 *   <li>a stale entry with an ETag is revalidated with it, and only the model's entry is.</li>
 * </ol>
 * Every sequence runs to its first violation; the test fails with the first one's trace, its seeds and a count of
 * violations per invariant. {@code -Dcache.property.seed=N} fixes the master seed; {@code -Dcache.property.only=S}
 * runs the one sequence with seed S. Sequences share one edge, each on its own paths.
 */
class CachePropertyTest extends ShieldTestBase {

  private static final int SEQUENCES = Integer.getInteger("cache.property.sequences", 200);
  private static final int STEPS = 30;
  private static final String[] PATHS = {"p0", "p1", "p2"};
  private static final String[] VARIANTS = {null, "a", "b"};
  /** Freshness lifetimes the origin gives, in seconds: 0 and values the clock moves land on, below and above. */
  private static final int[] LIFETIMES = {0, 5, 30, 60, 300};
  /** Clock moves in seconds, biased to the lifetimes' edges; -1 draws uniformly from 0 to 120. */
  private static final int[] MOVES = {0, 1, 5, 29, 30, 31, 59, 60, 61, 120, -1, -1};
  /** Ages the origin may claim, in seconds. */
  private static final int[] ORIGIN_AGES = {0, 1, 10, 29, 30, 100};
  /** How long a reply may take before the request counts as never answered: loopback, so seconds are plenty. */
  private static final long ANSWER_SECONDS = 5;

  /** The Cache-Control menu. */
  enum Directive {
    MAX_AGE, S_MAXAGE, NO_STORE, PRIVATE, NO_CACHE, PUBLIC_MAX_AGE, NONE;

    String header(int seconds) {
      return switch (this) {
        case MAX_AGE -> "max-age=" + seconds;
        case S_MAXAGE -> "s-maxage=" + seconds;
        case NO_STORE -> "no-store";
        case PRIVATE -> "private";
        case NO_CACHE -> "no-cache";
        case PUBLIC_MAX_AGE -> "public, max-age=" + seconds;
        case NONE -> null;
      };
    }

    /** §3.5: lets a response to a request with Authorization be stored by a shared cache. */
    boolean authorizes() {
      return this == S_MAXAGE || this == PUBLIC_MAX_AGE;
    }
  }

  /** An origin answer drawn before the request; {@code age} -1 for none. */
  record Answer(int status, Directive directive, int seconds, boolean etag, boolean vary, boolean cookie, int age,
      boolean notModified) {

    String describe(int actualStatus) {
      String cc = directive.header(seconds);
      return actualStatus + (cc == null ? "" : " cc=[" + cc + "]") + (etag && actualStatus != 304 ? " etag" : "")
          + (vary && actualStatus != 304 ? " vary" : "") + (cookie ? " cookie" : "") + (age >= 0 ? " age=" + age : "");
    }
  }

  /**
   * An answer as the origin sent it: its id, its status (304 when it validated), what was drawn, when, and the
   * If-None-Match it answered (null for none).
   */
  record Sent(String id, int status, Answer answer, long atMillis, String ifNoneMatch) {
    @Override
    public String toString() {
      return id + " {" + answer.describe(status) + (ifNoneMatch == null ? "" : " to If-None-Match " + ifNoneMatch)
          + "}";
    }
  }

  /** One stored answer in the model: the body it serves and what its freshness is computed from. */
  record Entry(String id, int status, Directive directive, int seconds, int age, boolean etag, boolean vary,
      long atMillis) {

    boolean fresh(long nowMillis) {
      long ageMillis = Math.max(0, age) * 1000L + (nowMillis - atMillis);
      return directive != Directive.NO_CACHE && ageMillis < seconds * 1000L;
    }

    /** Time since the origin answered plus the origin's Age, in whole seconds: the most Age may say. */
    long maxAgeSeconds(long nowMillis) {
      return Math.max(0, age) + (nowMillis - atMillis) / 1000;
    }
  }

  /** The model's memory of one path. */
  static final class Stored {
    boolean varies;
    /** Until when (the cache's clock) the path is hit-for-miss; 0 when it is not. */
    long passUntil;
    final Map<String, Entry> slots = new HashMap<>();

    Entry select(String variant) {
      return slots.get(slot(varies, variant));
    }

    void store(Entry entry, String variant) {
      if (!slots.isEmpty() && varies != entry.vary()) {
        slots.clear(); // the newest Vary rules selection (§4.1)
      }
      varies = entry.vary();
      slots.put(slot(varies, variant), entry);
    }

    void drop(String variant) {
      slots.remove(slot(varies, variant));
    }

    private static String slot(boolean varies, String variant) {
      return varies ? String.valueOf(variant) : "*";
    }
  }

  /** What the origin sends next, and everything it has sent; the origin runs on an event loop. */
  private final List<Sent> sent = new ArrayList<>();
  private volatile Answer next;
  private volatile String sequenceTag = "";
  private int answerCount;

  @Test
  void randomRequestsAndOriginAnswers_keepTheSharedCacheInvariants() {
    origin(this::answerFromScript);
    long master = Long.getLong("cache.property.seed", System.nanoTime());
    Long only = Long.getLong("cache.property.only");
    Random seeds = new Random(master);
    Map<String, Integer> violations = new LinkedHashMap<>();
    String first = null;
    int sequences = only != null ? 1 : SEQUENCES;
    for (int index = 0; index < sequences; index++) {
      long seed = only != null ? only : seeds.nextLong();
      String failure = runSequence(index, seed);
      if (failure == null) {
        continue;
      }
      violations.merge(failure.substring(0, failure.indexOf(')') + 1), 1, Integer::sum);
      if (first == null) {
        first = "sequence " + index + " (-Dcache.property.only=" + seed + ", master -Dcache.property.seed="
            + master + ") broke " + failure;
      }
      if (failure.startsWith("(g)")) {
        break; // an unanswered request may leave a connection wedged: later sequences would not tell
      }
    }
    assertThat(first).as("violations per invariant over %d sequences: %s; the first:", sequences, violations)
        .isNull();
  }

  /** Runs one sequence; returns its first violation ("(x) what" and the trace) or null. */
  private String runSequence(int index, long seed) {
    Random random = new Random(seed);
    sequenceTag = "s" + index;
    Map<String, Stored> model = new HashMap<>();
    Set<String> privateIds = new HashSet<>();
    StringBuilder trace = new StringBuilder();
    for (int step = 0; step < STEPS; step++) {
      if (random.nextInt(100) < 35) {
        int move = MOVES[random.nextInt(MOVES.length)];
        long seconds = move < 0 ? random.nextInt(121) : move;
        advance(Duration.ofSeconds(seconds));
        trace.append(String.format("  %2d  clock +%ds%n", step, seconds));
        continue;
      }
      String path = "/" + sequenceTag + "/" + PATHS[random.nextInt(PATHS.length)];
      String failure = requestStep(random, step, path, model.computeIfAbsent(path, p -> new Stored()), privateIds,
          trace);
      if (failure != null) {
        return failure + "\n" + trace;
      }
    }
    return null;
  }

  private String requestStep(Random random, int step, String path, Stored stored, Set<String> privateIds,
      StringBuilder trace) {
    HttpMethod method = random.nextInt(4) == 0 ? HttpMethod.HEAD : HttpMethod.GET;
    String variant = VARIANTS[random.nextInt(VARIANTS.length)];
    boolean authorization = random.nextInt(5) == 0;
    next = drawAnswer(random);
    long now = clock.millis();
    Entry selected = stored.select(variant);
    trace.append(String.format("  %2d  %s %s%s%s%s -> ", step, method, path,
        variant == null ? "" : " X-Variant=" + variant, authorization ? " Authorization" : "",
        selected == null ? "" : " (model: " + selected.id() + (selected.fresh(now) ? " fresh)" : " stale)")));

    int before = sentCount();
    Reply reply;
    try {
      reply = EdgeRequests.send(client, EdgeRequests.options(method, path, headers(variant, authorization, step)),
          null).toCompletionStage().toCompletableFuture().get(ANSWER_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      trace.append(sentSince(before)).append(" no reply: ").append(e).append('\n');
      return "(g) every request is answered: none within " + ANSWER_SECONDS + " s";
    }
    List<Sent> caused = sentSince(before);
    if (method == HttpMethod.HEAD && !caused.isEmpty()) {
      awaitNoFills(); // a HEAD's fill reads and stores the body after the client has its head
    }
    trace.append(caused.isEmpty() ? "no origin" : "origin " + caused).append("; reply ").append(reply.status())
        .append(' ').append(reply.header("X-Answer-Id")).append(" Age=").append(reply.header("Age"))
        .append(" [").append(member(reply)).append("]\n");

    String failure = check(method, reply, caused, selected, privateIds, now);
    if (failure == null && !caused.isEmpty()) {
      // The edge drops an entry past use (stale, no validator): for it the variant holds nothing, as for the model.
      boolean gone = selected == null || !selected.fresh(now) && !selected.etag();
      boolean passed = gone && stored.passUntil > now;
      if (passed) {
        pass(stored, authorization, caused.get(0), privateIds, now);
      } else {
        update(stored, variant, authorization, caused.get(0), selected, privateIds, now);
      }
    }
    return failure;
  }

  /** Every invariant for one reply; null when all hold. */
  private static String check(HttpMethod method, Reply reply, List<Sent> caused, Entry selected,
      Set<String> privateIds, long now) {
    String id = reply.header("X-Answer-Id");
    if (caused.size() > 1) {
      return "(f) one origin request per client request: " + caused.size() + " for one";
    }
    for (String cookie : reply.headers().getAll("Set-Cookie")) {
      if (caused.isEmpty() || !cookie.equals("sid=" + caused.get(0).id())) {
        return "(a) a cookie reaches only the request whose answer set it: got " + cookie;
      }
    }
    if (method == HttpMethod.GET && !reply.body().equals("body:" + id)) {
      return "(f) body and X-Answer-Id agree: body " + reply.body() + " under id " + id;
    }
    String member = member(reply);
    if (caused.isEmpty()) {
      if (member == null || !member.startsWith("paintbox-edge; hit") && !member.contains("collapsed")) {
        return "(f) Cache-Status says hit when the origin was not asked: " + member;
      }
      return checkServedWithoutOrigin(reply, id, selected, privateIds, now);
    }
    Sent answer = caused.get(0);
    if (member == null || member.contains("; hit")) {
      return "(f) Cache-Status says forwarded when the origin was asked: " + member;
    }
    if (selected != null && selected.fresh(now)) {
      return "(e) a fresh stored answer is served without the origin: " + selected.id() + " was fresh";
    }
    String validator = selected != null && selected.etag() ? "\"" + selected.id() + "\"" : null;
    if (answer.ifNoneMatch() != null && !answer.ifNoneMatch().equals(validator)
        || answer.ifNoneMatch() == null && validator != null) {
      return "(h) a stale entry is revalidated with its own ETag: the model's is " + validator + ", the edge sent "
          + answer.ifNoneMatch();
    }
    if (answer.status() == 304) {
      if (!selected.id().equals(id) || reply.status() != selected.status()) {
        return "(f) a 304 is answered with the entry it validated: expected " + selected.id() + " "
            + selected.status() + ", got " + id + " " + reply.status();
      }
      return checkAge(reply, Math.max(0, answer.answer().age()));
    }
    if (!answer.id().equals(id) || reply.status() != answer.status()) {
      return "(f) the reply carries the answer its own origin request got: expected " + answer.id() + " "
          + answer.status() + ", got " + id + " " + reply.status();
    }
    return reply.header("Age") == null ? null : checkAge(reply, Math.max(0, answer.answer().age()));
  }

  /** Invariants (a) to (d) for a reply the origin was not asked for. */
  private static String checkServedWithoutOrigin(Reply reply, String id, Entry selected, Set<String> privateIds,
      long now) {
    if (id != null && privateIds.contains(id)) {
      return "(a) a private answer reaches only the request that caused it: " + id + " served again";
    }
    if (selected == null) {
      return "(c) the origin is asked when nothing is stored: served " + id + " from nowhere";
    }
    if (!selected.fresh(now)) {
      return "(c) the origin is asked when the stored answer is stale: served " + id + ", stored " + selected.id()
          + " is stale";
    }
    if (!selected.id().equals(id) || reply.status() != selected.status()) {
      return "(b) a hit carries the answer last stored for its path and variant: expected " + selected.id() + " "
          + selected.status() + ", got " + id + " " + reply.status();
    }
    if (reply.header("Age") == null) {
      return "(d) a hit carries Age (§4.2.3)";
    }
    return checkAge(reply, selected.maxAgeSeconds(now));
  }

  /** Invariant (d): 0 <= Age <= {@code bound}. */
  private static String checkAge(Reply reply, long bound) {
    String header = reply.header("Age");
    long age;
    try {
      age = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return "(d) Age is delta-seconds: " + header;
    }
    if (age < 0 || age > bound) {
      return "(d) 0 <= Age <= time since the origin answered + its Age (" + bound + "): Age " + age;
    }
    return null;
  }

  /** What the origin's answer does to the model. */
  private static void update(Stored stored, String variant, boolean authorization, Sent answer, Entry selected,
      Set<String> privateIds, long now) {
    Answer drawn = answer.answer();
    if (answer.status() == 304) {
      // §4.3.4: the 304's fields replace the stored ones; its Age and Date count from now.
      Directive directive = drawn.directive() == Directive.NONE ? selected.directive() : drawn.directive();
      int seconds = drawn.directive() == Directive.NONE ? selected.seconds() : drawn.seconds();
      Entry freshened = new Entry(selected.id(), selected.status(), directive, seconds, drawn.age(), true,
          selected.vary(), now);
      // The edge judges a freshened response as it does a 304's request: Authorization does not count (§4.3.4).
      if (storable(selected.status(), directive, seconds, drawn.age(), true, drawn.cookie(), false)) {
        stored.store(freshened, variant);
        stored.passUntil = 0; // anything stored for the URL ends its hit-for-miss
      } else {
        stored.drop(variant);
      }
      return;
    }
    boolean kept = storable(drawn.status(), drawn.directive(), drawn.seconds(), drawn.age(), drawn.etag(),
        drawn.cookie(), authorization);
    if (isPrivate(drawn, authorization)) {
      privateIds.add(answer.id());
    }
    if (kept) {
      stored.store(new Entry(answer.id(), drawn.status(), drawn.directive(), drawn.seconds(), drawn.age(),
          drawn.etag(), drawn.vary(), now), variant);
      stored.passUntil = 0;
    } else {
      if (selected != null && answer.status() < 500) {
        stored.drop(variant); // an answer the origin no longer lets be stored supersedes the stale one
      }
      if (aboutTheUrl(drawn, authorization)) {
        stored.passUntil = now + PASS_MILLIS;
      }
    }
  }

  /** The edge's hit-for-miss memory, in milliseconds of its clock (OriginCache.PASS_MEMORY_MILLIS). */
  private static final long PASS_MILLIS = 30_000;

  /** What a passed request's answer does to the model: nothing is stored; the mark is cleared or renewed. */
  private static void pass(Stored stored, boolean authorization, Sent answer, Set<String> privateIds, long now) {
    Answer drawn = answer.answer();
    if (isPrivate(drawn, authorization)) {
      privateIds.add(answer.id());
    }
    if (storable(drawn.status(), drawn.directive(), drawn.seconds(), drawn.age(), drawn.etag(), drawn.cookie(),
        authorization)) {
      stored.passUntil = 0;
    } else if (aboutTheUrl(drawn, authorization)) {
      stored.passUntil = now + PASS_MILLIS;
    }
  }

  /**
   * Whether an unstorable answer was refused for the URL (the edge's order: status, no-store, private, Set-Cookie,
   * then Authorization, then freshness) rather than for the request's Authorization.
   */
  private static boolean aboutTheUrl(Answer drawn, boolean authorization) {
    Directive d = drawn.directive();
    if (drawn.status() == 500 || d == Directive.NO_STORE || d == Directive.PRIVATE || drawn.cookie()) {
      return true;
    }
    return !(authorization && !d.authorizes());
  }

  /** Invariant (a)'s answers: they belong to the request that caused them. */
  private static boolean isPrivate(Answer answer, boolean authorization) {
    Directive d = answer.directive();
    return d == Directive.PRIVATE || d == Directive.NO_STORE || answer.cookie() || authorization && !d.authorizes();
  }

  /**
   * Whether a shared cache keeps an answer (RFC 9111 §3, §3.5), narrowed by the edge's documented choices: it
   * stores no 500, and nothing past use on arrival (no-cache, or an Age at or past the lifetime) without a
   * validator to revalidate it by.
   */
  private static boolean storable(int status, Directive directive, int seconds, int age, boolean etag,
      boolean cookie, boolean authorization) {
    if (status == 500 || directive == Directive.NONE || directive == Directive.NO_STORE
        || directive == Directive.PRIVATE || cookie) {
      return false;
    }
    if (authorization && !directive.authorizes()) {
      return false;
    }
    boolean pastUse = directive == Directive.NO_CACHE || Math.max(0, age) >= seconds;
    return !pastUse || etag;
  }

  private static Answer drawAnswer(Random random) {
    int roll = random.nextInt(10);
    int status = roll < 6 ? 200 : roll < 8 ? 404 : 500;
    Directive directive = Directive.values()[random.nextInt(Directive.values().length)];
    return new Answer(status, directive, LIFETIMES[random.nextInt(LIFETIMES.length)], random.nextBoolean(),
        random.nextBoolean(), random.nextInt(5) == 0,
        random.nextInt(4) == 0 ? ORIGIN_AGES[random.nextInt(ORIGIN_AGES.length)] : -1, random.nextBoolean());
  }

  private static String[] headers(String variant, boolean authorization, int step) {
    List<String> headers = new ArrayList<>();
    if (variant != null) {
      headers.addAll(List.of("X-Variant", variant));
    }
    if (authorization) {
      headers.addAll(List.of("Authorization", "Bearer user-" + step));
    }
    return headers.toArray(String[]::new);
  }

  /** The origin: answers with the drawn answer under a new id (a 304 when drawn so and asked to), and records it. */
  private void answerFromScript(HttpServerRequest request) {
    Answer answer = next;
    String ifNoneMatch = request.getHeader("If-None-Match");
    boolean notModified = answer.notModified() && ifNoneMatch != null;
    String id;
    synchronized (sent) {
      id = sequenceTag + "-" + (++answerCount);
      sent.add(new Sent(id, notModified ? 304 : answer.status(), answer, clock.millis(), ifNoneMatch));
    }
    List<String> headers = new ArrayList<>();
    String cacheControl = answer.directive().header(answer.seconds());
    if (cacheControl != null) {
      headers.addAll(List.of("Cache-Control", cacheControl));
    }
    if (answer.cookie()) {
      headers.addAll(List.of("Set-Cookie", "sid=" + id));
    }
    if (answer.age() >= 0) {
      headers.addAll(List.of("Age", Integer.toString(answer.age())));
    }
    if (notModified) {
      headers.addAll(List.of("ETag", ifNoneMatch));
      answer(request, 304, "", headers.toArray(String[]::new));
      return;
    }
    headers.addAll(List.of("X-Answer-Id", id, "Content-Type", "text/plain"));
    if (answer.etag()) {
      headers.addAll(List.of("ETag", "\"" + id + "\""));
    }
    if (answer.vary()) {
      headers.addAll(List.of("Vary", "X-Variant"));
    }
    answer(request, answer.status(), "body:" + id, headers.toArray(String[]::new));
  }

  private int sentCount() {
    synchronized (sent) {
      return sent.size();
    }
  }

  private List<Sent> sentSince(int index) {
    synchronized (sent) {
      return List.copyOf(sent.subList(index, sent.size()));
    }
  }
}
