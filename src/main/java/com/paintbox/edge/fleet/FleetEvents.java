package com.paintbox.edge.fleet;

/**
 * What the fleet reports: the seam between it and its meters ({@code com.paintbox.edge.metrics.FleetTelemetry}).
 * Called on event loops; implementations must not block.
 */
public interface FleetEvents {

  /** Why a cacheable fetch went to the origin instead of the shield. */
  enum Fallback {
    /** No shield machine is known (discovery has found none, or none is running). */
    NONE("none"),
    /** Every shield machine failed within the last few seconds; not tried again yet. */
    DOWN("down"),
    /** No connection to the shield. */
    CONNECT("connect"),
    /** The shield's response head did not come in time. */
    TIMEOUT("timeout"),
    /** The shield answered 5xx itself (its own error, not the origin's answer relayed). */
    STATUS("status"),
    /** The exchange with the shield failed some other way (closed, reset). */
    ERROR("error");

    private final String label;

    Fallback(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** A cacheable fetch answered by the shield (whatever its status). */
  void shieldAnswered();

  /** A cacheable fetch that went to the origin instead, and why. */
  void shieldFallback(Fallback reason);

  /** A request arrived with a hop marker: valid (a tier hop) or not (stripped, served as a client's). */
  void hop(boolean valid);

  /** One forward of an admin action ({@code purge}, {@code refresh}) to one machine ended: ok, failed, skipped. */
  void forwarded(String action, String outcome);

  /** A DNS discovery round ended. */
  void discovered(boolean succeeded);

  /** Discards every event. */
  FleetEvents NONE = new FleetEvents() {
    @Override
    public void shieldAnswered() {}

    @Override
    public void shieldFallback(Fallback reason) {}

    @Override
    public void hop(boolean valid) {}

    @Override
    public void forwarded(String action, String outcome) {}

    @Override
    public void discovered(boolean succeeded) {}
  };
}
