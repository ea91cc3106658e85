package com.paintbox.edge.proxy;

/**
 * The edge's Cache-Status member for a forwarded answer, once its status is known (RFC 9211's {@code fwd-status}):
 * the cache decides what to say when it hands a request to the pass-through, the origin's answer fills in the rest.
 */
@FunctionalInterface
public interface CacheStatusMember {

  /** The member for an answer with {@code status}; null for none. */
  CharSequence of(int status);

  /** A member that does not depend on the answer; null for none. */
  static CacheStatusMember constant(CharSequence member) {
    return member == null ? null : status -> member;
  }
}
