/**
 * {@code /.well-known/jwks.json}: the process-wide JWKS cache (fresh, stale-while-revalidate, stale-if-error,
 * refresh-ahead, backoff, fallback; its design note opens {@link com.paintbox.edge.jwks.JwksCache}), the published
 * document with everything a response needs computed once per version, and the handler that answers from memory on
 * every event loop. A failed or invalid fetch never replaces a good JWKS; the clock and scheduler are injected.
 */
package com.paintbox.edge.jwks;
