package com.paintbox.edge.jwks;

/**
 * {@code If-None-Match} evaluation (RFC 9110 §13.1.2): a list of entity tags or {@code *}, compared weakly, so
 * {@code W/"x"} matches our strong {@code "x"}.
 */
final class EntityTags {

  private EntityTags() {}

  static boolean anyMatch(String ifNoneMatch, JwksDocument document) {
    if (ifNoneMatch == null) {
      return false;
    }
    int i = 0;
    int n = ifNoneMatch.length();
    while (i < n) {
      char c = ifNoneMatch.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
      } else if (c == '*') {
        return true;
      } else {
        if (c == 'W' && i + 1 < n && ifNoneMatch.charAt(i + 1) == '/') {
          i += 2;
        }
        if (i >= n || ifNoneMatch.charAt(i) != '"') {
          return false; // malformed: treat the condition as false and send the full response
        }
        int close = ifNoneMatch.indexOf('"', i + 1);
        if (close < 0) {
          return false;
        }
        if (document.matches(ifNoneMatch.subSequence(i, close + 1))) {
          return true;
        }
        i = close + 1;
      }
    }
    return false;
  }
}
