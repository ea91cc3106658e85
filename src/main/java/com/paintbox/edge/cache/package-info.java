/**
 * The origin shield: a shared HTTP cache of the origin's GET and HEAD answers (RFC 9111, 5861, 9211, 9213), one per
 * process, used by every event loop. {@code OriginCache} (design note atop) holds what is stored and the fills in
 * flight; {@code ShieldHandler} is each event loop's request flow; {@code StoragePolicy} says what may be stored and
 * for how long; {@code Fill} is one origin request shared by every request waiting for a variant. Invariants: a
 * private, Set-Cookie or per-user answer never reaches a second client; an RSC payload and its page never cross;
 * freshness is computed per lookup from stored times, never read from Caffeine; bytes held stay within
 * EDGE_CACHE_MAX_BYTES.
 */
package com.paintbox.edge.cache;
