/**
 * Logging set up in code (no XML): one JSON object per line by default, text for people ({@code EDGE_LOG_FORMAT},
 * or {@code --dev} on a terminal), with trace ids when tracing is on.
 */
package com.paintbox.edge.logging;
