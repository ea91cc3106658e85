package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether an origin response may be stored, and for how long it is fresh (RFC 9111 §3, §4.2; RFC 9213; RFC 5861),
 * judged from its head alone, so waiters can be released the moment the answer is known to be unshareable.
 *
 * <p>Which field rules (RFC 9213 §2.1): the first of {@code Paintbox-Edge-Cache-Control} (targeted at this edge),
 * {@code CDN-Cache-Control} that is a valid, non-empty Structured Fields dictionary; then {@code Cache-Control}
 * and {@code Expires} are ignored. Otherwise {@code Cache-Control}, then {@code Expires} against {@code Date}.
 *
 * <p>Never stored, with the {@code detail} Cache-Status gives: a status the edge does not understand or will not
 * keep ({@code status}: 206, 304, and 204, which CVE-2025-49826 showed can be cached for a page), {@code no-store}
 * (unless {@code must-understand} and a status the edge understands, §5.2.2.3), unqualified {@code private},
 * {@code Set-Cookie} not named by a qualified {@code private} or {@code no-cache} ({@code set-cookie}), a request
 * with {@code Authorization} unless {@code public}, {@code s-maxage} or {@code must-revalidate} allow it
 * ({@code authorization}, §3.5), {@code Vary: *} ({@code vary}), a redirect without {@code Location}
 * ({@code no-location}, CVE-2026-44572), an answer to Next.js's {@code x-middleware-prefetch}
 * ({@code prefetch}, CVE-2023-46298), an RSC payload for a page request or a page for an RSC request
 * ({@code rsc-mismatch}), a declared length above the object limit ({@code too-large}), no freshness at all
 * ({@code no-freshness}; heuristics only when enabled, §4.2.2) and a response already stale with nothing to
 * revalidate it by or serve it stale under ({@code stale}).
 */
final class StoragePolicy {

  /** §4.2.2: a heuristic lifetime is this share of the time since Last-Modified ... */
  private static final double HEURISTIC_FRACTION = 0.1;
  /** ... capped at one day, in seconds, so a file unchanged for years is not kept for months. */
  private static final long HEURISTIC_CAP_SECONDS = 86_400;

  /** Statuses the edge stores with explicit freshness (RFC 9110 §15; 204 and 206 deliberately not). */
  private static final Set<Integer> UNDERSTOOD = Set.of(200, 203, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414,
      451, 501);
  /** Statuses cacheable by default (RFC 9110 §15.1), of those understood: the ones heuristics may apply to. */
  private static final Set<Integer> HEURISTIC = Set.of(200, 203, 300, 301, 308, 404, 405, 410, 414, 501);

  /** Refusals that depend on the request, not the URL: they do not make the URL hit-for-miss. */
  private static final Set<String> REQUEST_SPECIFIC = Set.of("authorization", "prefetch", "rsc-mismatch");

  private final boolean heuristic;
  private final long maxObjectBytes;

  StoragePolicy(boolean heuristic, long maxObjectBytes) {
    this.heuristic = heuristic;
    this.maxObjectBytes = maxObjectBytes;
  }

  /** What the request that led to the response said that matters for storing it. */
  record Asked(boolean authorization, boolean middlewarePrefetch, boolean rsc) {}

  /**
   * The verdict on a response.
   *
   * @param refusal why it must not be stored ({@code detail} of Cache-Status), or null when it may be
   * @param lifetime freshness lifetime in seconds (0: stale on arrival)
   * @param staleWhileRevalidate RFC 5861 window in seconds, 0 when none or forbidden
   * @param staleIfError RFC 5861 window in seconds, 0 when none or forbidden
   * @param alwaysRevalidate {@code no-cache}: every reuse is validated first
   * @param unshared fields stored responses must leave out (qualified {@code private} and {@code no-cache})
   * @param dateSeconds the {@code Date} value, or {@link HttpDates#INVALID}
   * @param ageSeconds the origin's {@code Age}, 0 when absent or invalid
   */
  record Verdict(String refusal, long lifetime, long staleWhileRevalidate, long staleIfError,
      boolean alwaysRevalidate, Set<String> unshared, long dateSeconds, long ageSeconds) {

    boolean storable() {
      return refusal == null;
    }
  }

  /**
   * Judges a response received at {@code responseMillis} to a request sent at {@code requestMillis} (the cache's
   * clock), so its age on arrival (§4.2.3) can say whether it is already past any use.
   */
  Verdict judge(int status, MultiMap headers, Asked asked, long requestMillis, long responseMillis) {
    long responseSeconds = responseMillis / 1000;
    Directives targeted = targeted(headers);
    Directives rules = targeted != null ? targeted : Directives.cacheControl(headers.getAll(HttpHeaders.CACHE_CONTROL));
    String refusal = refusal(status, headers, asked, rules);
    if (refusal != null) {
      return refuse(refusal, HttpDates.INVALID, 0); // Date and Age are parsed only for what may be stored
    }
    long date = single(headers.getAll(HttpHeaders.DATE));
    long age = age(headers.getAll(HttpHeaders.AGE));
    long dateOrNow = date == HttpDates.INVALID ? responseSeconds : date;
    long lifetime = lifetime(status, headers, rules, targeted == null, dateOrNow);
    boolean explicitNoCache = rules.noCache;
    if (lifetime == Directives.ABSENT && !explicitNoCache) {
      return refuse("no-freshness", date, age);
    }
    lifetime = Math.max(0, lifetime);
    // §5.2.2.2, §5.2.2.8, §5.2.2.10: must-revalidate, proxy-revalidate and s-maxage forbid serving stale.
    boolean noStale = rules.mustRevalidate || rules.proxyRevalidate || rules.sMaxAge != Directives.ABSENT;
    long swr = noStale ? 0 : window(rules.staleWhileRevalidate);
    long sie = noStale ? 0 : window(rules.staleIfError);
    boolean validators = headers.contains(HttpHeaders.ETAG) || headers.contains(Fields.LAST_MODIFIED);
    long arrivedAtAgeMillis = initialAgeMillis(date, age, requestMillis, responseMillis);
    boolean useless = explicitNoCache || arrivedAtAgeMillis >= (lifetime + Math.max(swr, sie)) * 1000;
    if (useless && !validators) {
      return refuse("stale", date, age); // stale on arrival with nothing to revalidate it by or serve it stale under
    }
    Set<String> unshared = new TreeSet<>(rules.privateFields);
    unshared.addAll(rules.noCacheFields);
    return new Verdict(null, lifetime, swr, sie, explicitNoCache, unshared, date, age);
  }

  private String refusal(int status, MultiMap headers, Asked asked, Directives rules) {
    if (!UNDERSTOOD.contains(status)) {
      return "status";
    }
    if (rules.noStore && !rules.mustUnderstand) {
      return "no-store";
    }
    if (rules.isPrivate) {
      return "private";
    }
    if (headers.contains(HttpHeaders.SET_COOKIE) && !rules.privateFields.contains("set-cookie")
        && !rules.noCacheFields.contains("set-cookie")) {
      return "set-cookie";
    }
    if (asked.authorization() && !rules.isPublic && rules.sMaxAge == Directives.ABSENT && !rules.mustRevalidate) {
      return "authorization";
    }
    if (Variance.of(headers) == null) {
      return "vary";
    }
    if (status >= 300 && status < 400 && status != 304 && !headers.contains(HttpHeaders.LOCATION)
        && status != 300) {
      return "no-location";
    }
    if (asked.middlewarePrefetch()) {
      return "prefetch";
    }
    String type = mediaType(headers.get(HttpHeaders.CONTENT_TYPE));
    if (asked.rsc() ? type.equals("text/html") : type.equals("text/x-component")) {
      return "rsc-mismatch";
    }
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (length != null && Directives.seconds(length.trim()) > maxObjectBytes) {
      return "too-large";
    }
    return null;
  }

  /** Seconds of freshness, {@link Directives#ABSENT} when nothing gives any, 0 when invalid or expired. */
  private long lifetime(int status, MultiMap headers, Directives rules, boolean expiresApplies, long dateSeconds) {
    if (rules.sMaxAge != Directives.ABSENT) {
      return Math.max(0, rules.sMaxAge); // INVALID is below 0: stale
    }
    if (rules.maxAge != Directives.ABSENT) {
      return Math.max(0, rules.maxAge);
    }
    if (expiresApplies) {
      List<String> expires = headers.getAll(HttpHeaders.EXPIRES);
      if (!expires.isEmpty()) {
        long at = single(expires);
        return at == HttpDates.INVALID ? 0 : Math.max(0, at - dateSeconds);
      }
    }
    if (heuristic && HEURISTIC.contains(status)) {
      long modified = single(headers.getAll(Fields.LAST_MODIFIED));
      if (modified != HttpDates.INVALID && modified < dateSeconds) {
        return Math.min(HEURISTIC_CAP_SECONDS, (long) ((dateSeconds - modified) * HEURISTIC_FRACTION));
      }
    }
    return Directives.ABSENT;
  }

  /**
   * The targeted field that rules, or null when none is valid and non-empty (a Structured Fields dictionary has at
   * least one member). A valid field rules even when it says nothing about freshness: RFC 9213 §3.1's own example,
   * {@code CDN-Cache-Control: none} beside {@code Cache-Control: no-store}, lifts the no-store for CDNs alone.
   */
  private static Directives targeted(MultiMap headers) {
    for (CharSequence name : new CharSequence[] {Fields.EDGE_CACHE_CONTROL, Fields.CDN_CACHE_CONTROL}) {
      List<String> lines = headers.getAll(name);
      if (!lines.isEmpty()) {
        Directives parsed = Directives.targeted(lines);
        if (parsed != null) {
          return parsed;
        }
      }
    }
    return null;
  }

  /** §4.2.3's corrected_initial_age, in milliseconds: the age a response already had when it arrived. */
  static long initialAgeMillis(long dateSeconds, long ageSeconds, long requestMillis, long responseMillis) {
    long apparent = dateSeconds == HttpDates.INVALID ? 0 : Math.max(0, responseMillis - dateSeconds * 1000);
    long corrected = ageSeconds * 1000 + Math.max(0, responseMillis - requestMillis);
    return Math.max(apparent, corrected);
  }

  /** One date from one or more lines: two lines that differ make it invalid (§4.2.1, as for duplicates). */
  private static long single(List<String> lines) {
    long value = HttpDates.INVALID;
    for (String line : lines) {
      long parsed = HttpDates.parse(line);
      if (value != HttpDates.INVALID && parsed != value) {
        return HttpDates.INVALID;
      }
      value = parsed;
      if (value == HttpDates.INVALID) {
        return value;
      }
    }
    return value;
  }

  /** The origin's Age (§5.1): delta-seconds; an invalid value is ignored, a duplicate takes the first. */
  private static long age(List<String> lines) {
    if (lines.isEmpty()) {
      return 0;
    }
    long age = Directives.seconds(lines.get(0).split(",")[0].trim());
    return age < 0 ? 0 : age;
  }

  private static long window(long seconds) {
    return seconds < 0 ? 0 : seconds;
  }

  private static Verdict refuse(String why, long date, long age) {
    return new Verdict(why, 0, 0, 0, false, Set.of(), date, age);
  }

  /** True when a refusal says something about the URL (every request for it would get it), not about one request. */
  static boolean aboutTheUrl(String refusal) {
    return refusal != null && !REQUEST_SPECIFIC.contains(refusal);
  }

  /** The media type of a Content-Type value, lower-case, without parameters; "" when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
