/**
 * The process and its wiring: {@link com.paintbox.edge.EdgeMain} (arguments, Vert.x with its metrics, {@code --dev},
 * signals, exit codes 0, 1, 2) and {@link com.paintbox.edge.Edge} (configuration, the shared caches, the admin port
 * then the public verticles; closed in reverse). This package may import any other; none imports it. See
 * ARCHITECTURE.md for the map of the rest.
 */
package com.paintbox.edge;
