package com.paintbox.edge.bench;

import com.paintbox.edge.dev.DevKeys;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.PrometheusText;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The refresh storm of issue 7, for {@code bench/soak.sh storm} (a program, not a JUnit test: it runs for a while and
 * prints figures). One edge in this JVM, fed by the Secrets Manager emulator, whose per-stage call counters are
 * what an out-of-process run could not read.
 *
 * <p>Workload: windows shrunk to seconds (fresh 2 s, refresh-ahead 0.5 s before that, SWR 2 s) and 100 ms of AWS
 * latency per call, so refresh-ahead timers, expiry and forced refreshes keep landing on each other. Each round
 * fires {@code requests} concurrent JWKS GETs (JDK HTTP client) and {@code admins} admin refreshes at the same
 * instant, then waits a random 0–1.5 s so rounds fall at every point of the windows. Afterwards every refresh that
 * ran (edge_jwks_fetch_total) must have cost exactly one GetSecretValue per stage, and every request a 200.
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes:$(cat target/test-cp.txt)
 * -Drounds=20 -Drequests=1000 com.paintbox.edge.bench.RefreshStorm}. Prints {@code key=value} lines; exit 0 when the
 * invariant held, 1 when not.
 */
public final class RefreshStorm {

  private static final String TOKEN = "refresh-storm-admin-token";
  private static final List<String> STAGES = List.of("AWSCURRENT", "AWSPENDING", "AWSPREVIOUS");

  private RefreshStorm() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 20);
    int requests = Integer.getInteger("requests", 1_000);
    int admins = Integer.getInteger("admins", 4);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Vertx vertx = Vertx.vertx();
    EmulatorBackend backend = new EmulatorBackend(vertx);
    boolean held;
    try {
      backend.create(EdgeHarness.SECRET, DevKeys.generate("storm").privateJwks());
      Map<String, String> env = Map.of(
          "EDGE_JWKS_FRESH_SECONDS", "2", "EDGE_JWKS_REFRESH_AHEAD_MILLIS", "500", "EDGE_JWKS_SWR_SECONDS", "2",
          "EDGE_ADMIN_TOKEN", TOKEN, "EDGE_ADMIN_REFRESH_MIN_INTERVAL_SECONDS", "0");
      try (EdgeHarness edge = EdgeHarness.start(backend, env)) {
        if (edge.fetch("/.well-known/jwks.json").status() != 200) {
          throw new IllegalStateException("the edge did not serve the JWKS before the storm");
        }
        backend.emulator().latency(Duration.ofMillis(100));
        PrometheusText before = edge.scrape();
        int[] callsBefore = calls(backend);
        int non200 = 0;
        int adminOk = 0;
        long started = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
          List<CompletableFuture<EdgeHarness.Response>> burst = new ArrayList<>(requests);
          List<CompletableFuture<EdgeHarness.Response>> forced = new ArrayList<>(admins);
          for (int i = 0; i < requests; i++) {
            burst.add(edge.get("/.well-known/jwks.json"));
            if (i % (requests / admins) == 0) {
              forced.add(CompletableFuture.supplyAsync(() -> edge.admin("POST", "/jwks/refresh",
                  Map.of("Authorization", "Bearer " + TOKEN))));
            }
          }
          for (CompletableFuture<EdgeHarness.Response> response : burst) {
            non200 += response.join().status() == 200 ? 0 : 1;
          }
          for (CompletableFuture<EdgeHarness.Response> response : forced) {
            adminOk += response.join().status() == 200 ? 1 : 0;
          }
          TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(1_500));
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        TimeUnit.MILLISECONDS.sleep(500); // a refresh still in flight finishes and is counted on both sides
        backend.emulator().heal();
        PrometheusText after = edge.scrape();
        int[] callsAfter = calls(backend);
        double fetches = fetches(after) - fetches(before);
        held = non200 == 0;
        out.println("storm.rounds=" + rounds);
        out.println("storm.requests=" + (long) rounds * requests);
        out.println("storm.admin_refreshes_sent=" + rounds * admins);
        out.println("storm.admin_refreshes_ok=" + adminOk);
        out.println("storm.non_200=" + non200);
        out.println("storm.elapsed_ms=" + elapsedMillis);
        out.println("storm.refreshes=" + (long) fetches);
        for (int i = 0; i < STAGES.size(); i++) {
          int stageCalls = callsAfter[i] - callsBefore[i];
          out.println("storm.aws_calls." + STAGES.get(i) + "=" + stageCalls);
          held &= stageCalls == fetches;
        }
        out.println("storm.one_call_per_stage_per_refresh=" + held);
      }
    } finally {
      backend.close();
      vertx.close().await();
    }
    System.exit(held ? 0 : 1);
  }

  private static int[] calls(EmulatorBackend backend) {
    return STAGES.stream().mapToInt(stage -> backend.emulator().getSecretValueCalls(stage)).toArray();
  }

  private static double fetches(PrometheusText metrics) {
    return metrics.sum("edge_jwks_fetch_total", Map.of()).orElse(0);
  }
}
