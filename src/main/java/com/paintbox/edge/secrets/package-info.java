/**
 * Where the keys come from: the {@link com.paintbox.edge.secrets.KeySource} seam, AWS Secrets Manager behind it
 * (AWSCURRENT, AWSPENDING and AWSPREVIOUS, their union published), and the validation that turns a secret into
 * public keys. AWS's {@code CompletableFuture}s become Vert.x futures here and nowhere else; private members are
 * never published, and no message quotes a secret.
 */
package com.paintbox.edge.secrets;
