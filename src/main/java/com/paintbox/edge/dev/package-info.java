/**
 * {@code --dev}: what an AWS account and a Paintbox deployment would provide, on loopback. An embedded Secrets
 * Manager speaking the real AWS JSON 1.1 protocol (also the tests' emulator, with fault switches), freshly generated
 * private JWKs, a demo origin, and what a person sees: a banner and text logs on a terminal, JSON lines elsewhere.
 * Production never starts any of it.
 */
package com.paintbox.edge.dev;
