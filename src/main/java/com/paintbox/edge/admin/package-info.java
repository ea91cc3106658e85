/**
 * The admin port, apart from the public one and bound to loopback by default: Prometheus metrics, health, readiness,
 * the forced JWKS refresh and origin cache purges. POSTs take a bearer token checked in constant time (403 when none
 * is configured, 401 when wrong); every answer, the router's own included, is written by
 * {@link com.paintbox.edge.http.EdgeResponses}.
 */
package com.paintbox.edge.admin;
