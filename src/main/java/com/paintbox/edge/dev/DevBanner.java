package com.paintbox.edge.dev;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The few lines {@code --dev} shows a person at a terminal: where everything is, the admin token, a token to verify
 * and commands to paste. Everything here is also in the JSON lines written when standard output is not a terminal.
 *
 * @param publicUrl the public port, as a client on this machine reaches it
 * @param adminUrl the admin port, likewise
 * @param adminToken the bearer token admin POSTs take
 * @param origin the origin, and whether it is the demo origin (whose pages are then listed)
 * @param secretsManager the embedded Secrets Manager endpoint
 * @param kid the key id of the sample token's signing key
 * @param jwt a sample token signed with that key
 */
record DevBanner(URI publicUrl, URI adminUrl, String adminToken, URI origin, boolean demoOrigin, URI secretsManager,
    String kid, String jwt) {

  /** A wildcard bind address is not somewhere to point curl; loopback reaches it. */
  static String reachableHost(String bind) {
    if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
      return "127.0.0.1";
    }
    return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind; // an IPv6 literal in a URL
  }

  String render() {
    StringBuilder out = new StringBuilder(1_024);
    out.append('\n').append("paintbox-edge --dev is listening\n\n");
    out.append("  public   ").append(publicUrl).append('\n');
    out.append("  admin    ").append(adminUrl).append("   token ").append(adminToken).append('\n');
    out.append("  origin   ").append(origin).append(demoOrigin ? "   (demo origin)" : "").append('\n');
    out.append("  secrets  ").append(secretsManager).append("   (embedded Secrets Manager, private JWKs)\n\n");
    out.append("Try\n");
    out.append("  curl -si ").append(publicUrl).append("/.well-known/jwks.json\n");
    out.append("  curl -si ").append(publicUrl).append("/   (twice: read cache-status)\n");
    out.append("  curl -s ").append(adminUrl).append("/metrics | grep '^edge_'\n");
    out.append("  curl -si -X POST -H 'authorization: Bearer ").append(adminToken).append("' ").append(adminUrl)
        .append("/jwks/refresh\n");
    if (demoOrigin) {
      out.append("\nDemo origin pages, through the edge\n");
      int width = DemoOrigin.PAGES.stream().mapToInt(page -> page.getKey().length()).max().orElse(0);
      for (Map.Entry<String, String> page : DemoOrigin.PAGES) {
        out.append("  ").append(pad(page.getKey(), width)).append("  ").append(page.getValue()).append('\n');
      }
    }
    out.append("\nSample JWT (RS256, kid ").append(kid).append(", valid 1 h): verify it against the JWKS above\n");
    out.append("  ").append(jwt).append("\n\n");
    out.append("Ctrl-C drains and stops.\n");
    return out.toString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(Math.max(0, width - text.length()));
  }

  /** The demo origin's URL when there is one, else the configured origin. */
  static URI origin(Optional<DemoOrigin> demo, String configured) {
    return demo.map(DemoOrigin::url).orElse(URI.create(configured));
  }
}
