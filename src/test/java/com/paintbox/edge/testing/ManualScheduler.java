package com.paintbox.edge.testing;

import com.paintbox.edge.jwks.TaskScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Timers driven by a {@link FakeTicker}: {@link #advance} moves the clock task by task, firing each when its time
 * comes, so tasks scheduled by other tasks fire in order too.
 */
public final class ManualScheduler implements TaskScheduler {

  private final FakeTicker ticker;
  private final List<Task> tasks = new ArrayList<>();
  private long sequence;

  public ManualScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable action) {
    Task task = new Task(ticker.read() + delay.toNanos(), sequence++, action);
    tasks.add(task);
    return () -> {
      synchronized (this) {
        tasks.remove(task);
      }
    };
  }

  /** Moves the clock forward by {@code duration}, running every task that falls due on the way. */
  public void advance(Duration duration) {
    long target = ticker.read() + duration.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream().filter(t -> t.due <= target)
            .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence)).orElse(null);
        if (next != null) {
          tasks.remove(next);
        }
      }
      if (next == null) {
        break;
      }
      if (next.due > ticker.read()) {
        ticker.set(next.due);
      }
      next.action.run();
    }
    ticker.set(target);
  }

  /** When the next task is due, relative to now. */
  public synchronized Optional<Duration> nextDue() {
    return tasks.stream().mapToLong(Task::due).min().stream().boxed().findFirst()
        .map(due -> Duration.ofNanos(due - ticker.read()));
  }

  public synchronized int pending() {
    return tasks.size();
  }

  private record Task(long due, long sequence, Runnable action) {}
}
