/**
 * HTTP helpers every other package shares, with no edge state: the one writer of the answers the edge makes itself
 * ({@link com.paintbox.edge.http.EdgeResponses}: the JSON error shape, {@code no-store}, {@code date}, lower-case
 * names), header names in one casing, the per-second date, and body framing for streamed answers. Depends on nothing
 * else in the edge.
 */
package com.paintbox.edge.http;
