/**
 * OpenTelemetry tracing, off unless {@code OTEL_*} names an exporter: off, no SDK class loads and every hook is a
 * flag read. On, spans per request, origin call, JWKS fetch and AWS call; query strings never reach a collector.
 */
package com.paintbox.edge.tracing;
