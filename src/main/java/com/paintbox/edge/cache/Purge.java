package com.paintbox.edge.cache;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One purge, as {@code POST /cache/purge} takes it: URLs, a path prefix, or surrogate keys (the origin's
 * {@code Surrogate-Key} tags), removing every variant of what matches or, when {@code soft}, marking it stale so
 * stale-while-revalidate and stale-if-error still apply while it refills.
 *
 * <p>A URL or prefix is a path ({@code /blog/a?x=1}: on any host the edge answers for) or absolute
 * ({@code https://paintbox.app/blog/a}: on that host only; the scheme does not narrow it, since http and https are
 * the same content of one origin). A URL matches its target exactly, query included; a prefix matches targets that
 * start with it.
 */
public record Purge(List<Target> urls, Target prefix, Set<String> surrogateKeys, boolean soft) {

  public Purge {
    java.util.Objects.requireNonNull(urls, "urls");
    java.util.Objects.requireNonNull(surrogateKeys, "surrogateKeys");
  }

  /** A host (null: any) and an origin-form target or prefix. */
  public record Target(String host, String target) {

    static Target parse(String text) {
      if (text.startsWith("/")) {
        return new Target(null, text);
      }
      URI uri = URI.create(text);
      if (uri.getHost() == null || uri.getScheme() == null) {
        throw new IllegalArgumentException("\"" + text + "\" is neither a path nor an absolute http(s) URL");
      }
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return new Target(host, uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }

    boolean hostMatches(ResourceKey key) {
      return host == null || host.equalsIgnoreCase(key.host);
    }
  }

  /** What a purge did. */
  public record Result(int urls, int responses, boolean soft) {

    public JsonObject toJson() {
      return new JsonObject().put("urls", urls).put("responses", responses).put("soft", soft);
    }
  }

  /**
   * Reads a purge request's JSON body.
   *
   * @throws IllegalArgumentException naming what is wrong, for a 400
   */
  public static Purge fromJson(JsonObject body) {
    List<Target> urls = new ArrayList<>();
    for (String url : strings(body, "urls")) {
      urls.add(Target.parse(url));
    }
    Object prefix = body.getValue("prefix");
    if (prefix != null && !(prefix instanceof String)) {
      throw new IllegalArgumentException("\"prefix\" must be a string");
    }
    Set<String> keys = Set.copyOf(strings(body, "surrogate_keys"));
    Object soft = body.getValue("soft", false);
    if (!(soft instanceof Boolean)) {
      throw new IllegalArgumentException("\"soft\" must be true or false");
    }
    if (urls.isEmpty() && prefix == null && keys.isEmpty()) {
      throw new IllegalArgumentException("name what to purge: \"urls\", \"prefix\" or \"surrogate_keys\"");
    }
    return new Purge(List.copyOf(urls), prefix == null ? null : Target.parse((String) prefix), keys, (Boolean) soft);
  }

  private static List<String> strings(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(item -> item instanceof String s && !s.isEmpty())) {
      throw new IllegalArgumentException("\"" + field + "\" must be an array of non-empty strings");
    }
    List<String> strings = new ArrayList<>();
    array.forEach(item -> strings.add((String) item));
    return strings;
  }

  boolean matches(ResourceKey key) {
    for (Target url : urls) {
      if (url.hostMatches(key) && key.target.equals(url.target())) {
        return true;
      }
    }
    return prefix != null && prefix.hostMatches(key) && key.target.startsWith(prefix.target());
  }

  boolean matches(Resource resource) {
    if (matches(resource.key)) {
      return true;
    }
    if (!surrogateKeys.isEmpty()) {
      for (StoredResponse variant : resource.variants) {
        for (String key : variant.surrogateKeys) {
          if (surrogateKeys.contains(key)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
