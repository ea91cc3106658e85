package com.paintbox.edge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the JWKS is fetched, kept and advertised.
 *
 * @param secretId name or ARN of the secret holding the keys
 * @param fresh how long a fetched JWKS is fresh at the edge
 * @param staleWhileRevalidate after freshness, how long it is served stale while one background refresh runs
 * @param staleIfError while refreshes fail, how long past freshness the last good JWKS is still served
 * @param refreshAhead how long before freshness ends the background refresh starts
 * @param retryMin first retry delay after a failed fetch; doubles per failure, jittered
 * @param retryMax cap on the retry delay
 * @param fallbackFile a static JWKS served when nothing else can be
 * @param cacheControl the {@code Cache-Control} value sent with the JWKS
 * @param cdnCacheControl the {@code CDN-Cache-Control} value (RFC 9213), empty to omit
 * @param surrogateControl the {@code Surrogate-Control} value, empty to omit
 * @param surrogateKey the {@code Surrogate-Key} value, empty to omit
 */
public record JwksConfig(
    String secretId,
    Duration fresh,
    Duration staleWhileRevalidate,
    Duration staleIfError,
    Duration refreshAhead,
    Duration retryMin,
    Duration retryMax,
    Optional<Path> fallbackFile,
    String cacheControl,
    Optional<String> cdnCacheControl,
    Optional<String> surrogateControl,
    Optional<String> surrogateKey) {

  public JwksConfig {
    Objects.requireNonNull(secretId, "secretId");
    Objects.requireNonNull(fresh, "fresh");
    Objects.requireNonNull(staleWhileRevalidate, "staleWhileRevalidate");
    Objects.requireNonNull(staleIfError, "staleIfError");
    Objects.requireNonNull(refreshAhead, "refreshAhead");
    Objects.requireNonNull(retryMin, "retryMin");
    Objects.requireNonNull(retryMax, "retryMax");
    Objects.requireNonNull(fallbackFile, "fallbackFile");
    Objects.requireNonNull(cacheControl, "cacheControl");
    Objects.requireNonNull(cdnCacheControl, "cdnCacheControl");
    Objects.requireNonNull(surrogateControl, "surrogateControl");
    Objects.requireNonNull(surrogateKey, "surrogateKey");
  }
}
