/**
 * Meters: every name in {@link com.paintbox.edge.metrics.EdgeMeters}, the telemetry classes that implement the
 * JWKS, origin and cache events seams, and cheaper per-request HTTP meters with vertx-micrometer's series. A request
 * costs increments, never a registry lookup.
 */
package com.paintbox.edge.metrics;
