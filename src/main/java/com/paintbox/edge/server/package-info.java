/**
 * The public port: one verticle per event loop routing every request (the JWKS, {@code /_edge/*}, everything else to
 * the origin side), the guard that refuses what must never be forwarded before anything is, health and readiness
 * written once for both ports, and the optional access log. A refused HTTP/1.x request closes its connection.
 */
package com.paintbox.edge.server;
