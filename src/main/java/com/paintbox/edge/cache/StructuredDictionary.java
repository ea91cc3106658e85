package com.paintbox.edge.cache;

/**
 * A Structured Fields dictionary (RFC 8941 §4.2.2), read strictly, as RFC 9213 requires of targeted cache-control
 * fields: any syntax error invalidates the whole field. Each member is handed on as a cache directive: a bare key
 * (boolean true) has no value, {@code ?0} drops the member, integers and decimals keep their text (so a decimal
 * age is seen as invalid), strings and tokens keep their value, an inner list becomes a comma-separated list.
 * Parameters are parsed and ignored; byte sequences are ignored.
 */
final class StructuredDictionary {

  /** Receives each member: its key, its value (null when bare) and whether the value was a string or list. */
  @FunctionalInterface
  interface Member {
    void accept(String key, String value, boolean quoted);
  }

  private final String in;
  private int i;

  private StructuredDictionary(String in) {
    this.in = in;
  }

  /** True when {@code field} is a valid dictionary; its members have then been handed to {@code member}. */
  static boolean parse(String field, Member member) {
    try {
      new StructuredDictionary(field).members(member);
      return true;
    } catch (IllegalArgumentException invalid) {
      return false;
    }
  }

  private void members(Member member) {
    skip(' ');
    if (i == in.length()) {
      throw new IllegalArgumentException("empty dictionary"); // an empty field is not a usable targeted field
    }
    java.util.List<String[]> parsed = new java.util.ArrayList<>();
    while (true) {
      String key = key();
      String value = null;
      boolean quoted = false;
      boolean drop = false;
      if (peek() == '=') {
        i++;
        if (peek() == '(') {
          value = innerList();
          quoted = true;
        } else {
          char c = peek();
          if (c == '?') {
            drop = bool() == false;
          } else if (c == '"') {
            value = string();
            quoted = true;
          } else {
            value = bareItem();
          }
        }
      }
      parameters();
      if (!drop) {
        parsed.add(new String[] {key, value, quoted ? "q" : null});
      }
      skipOws();
      if (i == in.length()) {
        break;
      }
      expect(',');
      skipOws();
      if (i == in.length()) {
        throw new IllegalArgumentException("trailing comma");
      }
    }
    for (String[] m : parsed) { // only once the whole field has proved valid
      member.accept(m[0], m[1], m[2] != null);
    }
  }

  private String key() {
    int start = i;
    char first = peek();
    if (!(first >= 'a' && first <= 'z') && first != '*') {
      throw new IllegalArgumentException("key must start with lcalpha or *");
    }
    i++;
    while (i < in.length()) {
      char c = in.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
        i++;
      } else {
        break;
      }
    }
    return in.substring(start, i);
  }

  private String innerList() {
    expect('(');
    StringBuilder list = new StringBuilder();
    while (true) {
      skip(' ');
      if (peek() == ')') {
        i++;
        parameters();
        return list.toString();
      }
      String item = peek() == '"' ? string() : bareItem();
      parameters();
      if (list.length() > 0) {
        list.append(',');
      }
      list.append(item);
      char c = peek();
      if (c != ' ' && c != ')') {
        throw new IllegalArgumentException("inner list members are separated by spaces");
      }
    }
  }

  private void parameters() {
    while (peek() == ';') {
      i++;
      skip(' ');
      key();
      if (peek() == '=') {
        i++;
        char c = peek();
        if (c == '"') {
          string();
        } else if (c == '?') {
          bool();
        } else {
          bareItem();
        }
      }
    }
  }

  /** An integer, decimal, token or byte sequence, as text. */
  private String bareItem() {
    char c = peek();
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    }
    if (c == ':') {
      int end = in.indexOf(':', i + 1);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated byte sequence");
      }
      i = end + 1;
      return "";
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
      int start = i++;
      while (i < in.length() && tokenChar(in.charAt(i))) {
        i++;
      }
      return in.substring(start, i);
    }
    throw new IllegalArgumentException("not an item");
  }

  private String number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    int digits = 0;
    boolean decimal = false;
    while (i < in.length()) {
      char c = in.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        i++;
      } else if (c == '.' && !decimal) {
        decimal = true;
        i++;
      } else {
        break;
      }
    }
    if (digits == 0 || (!decimal && digits > 15) || in.charAt(i - 1) == '.') {
      throw new IllegalArgumentException("bad number");
    }
    return in.substring(start, i);
  }

  private String string() {
    expect('"');
    StringBuilder text = new StringBuilder();
    while (true) {
      if (i == in.length()) {
        throw new IllegalArgumentException("unterminated string");
      }
      char c = in.charAt(i++);
      if (c == '\\') {
        if (i == in.length() || (in.charAt(i) != '"' && in.charAt(i) != '\\')) {
          throw new IllegalArgumentException("bad escape");
        }
        text.append(in.charAt(i++));
      } else if (c == '"') {
        return text.toString();
      } else if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("bad string character");
      } else {
        text.append(c);
      }
    }
  }

  private boolean bool() {
    expect('?');
    char c = peek();
    i++;
    if (c == '1') {
      return true;
    }
    if (c == '0') {
      return false;
    }
    throw new IllegalArgumentException("bad boolean");
  }

  private static boolean tokenChar(char c) {
    return c > 0x20 && c < 0x7f && "\"(),;<=>?@[\\]{}".indexOf(c) < 0;
  }

  private char peek() {
    return i < in.length() ? in.charAt(i) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalArgumentException("expected " + c);
    }
    i++;
  }

  private void skip(char c) {
    while (i < in.length() && in.charAt(i) == c) {
      i++;
    }
  }

  private void skipOws() {
    while (i < in.length() && (in.charAt(i) == ' ' || in.charAt(i) == '\t')) {
      i++;
    }
  }
}
