/**
 * Content codings of what the edge sends: negotiation from {@code Accept-Encoding} (RFC 9110 §12.5.3), the br, zstd
 * and gzip encoders, and compression on the fly for streamed answers. Stored bodies and the JWKS are compressed once,
 * never per request; a coding whose native library cannot load is not offered.
 */
package com.paintbox.edge.compression;
