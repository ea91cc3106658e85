package com.paintbox.edge.jwks;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Runs a task after a delay. The cache schedules its refresh-ahead and retries through this seam, so tests fire
 * them by moving a fake clock instead of sleeping.
 */
public interface TaskScheduler {

  /** Schedules {@code task}; the returned handle cancels it if it has not run yet. */
  Cancellable schedule(Duration delay, Runnable task);

  interface Cancellable {
    void cancel();
  }

  /** Vert.x timers: the task runs on an event loop, which is fine because cache tasks never block. */
  static TaskScheduler of(Vertx vertx) {
    return (delay, task) -> {
      long id = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> task.run());
      return () -> vertx.cancelTimer(id);
    };
  }
}
