# syntax=docker/dockerfile:1
# paintbox-edge image: a jlink runtime, the shaded jar and an AOT cache trained at build time, on distroless.
#
# Every step that makes the runtime is a script under deploy/, which CI also runs outside Docker (.ci/run, step 2), so
# what this file does is tested on every change even though no Docker engine runs on our machines:
#   deploy/jlink-runtime.sh  minimal JRE (jdeps-chosen modules) + app/ layout       -> /opt/edge/{jre,app}
#   deploy/train.sh          a production-mode run against the --dev emulator (TLS) -> /opt/edge/app/edge.aot
#
# Build:  docker build -t paintbox-edge .        (fly deploy builds it remotely; see fly.toml)
# Run:    docker run --rm -p 8080:8080 paintbox-edge --dev      (no AWS account needed)

# ---- build: jar, runtime, AOT cache ------------------------------------------------------------------------------
FROM maven:3-eclipse-temurin-25 AS build
# curl drives the training traffic; socat and openssl put TLS in front of the emulator, as AWS has it, so the
# handshake is in the cache; strip (binutils) takes 5 MB of symbols out of libjvm.so.
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends curl socat openssl binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
COPY conf conf
COPY regions regions
COPY src/main src/main
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests
COPY deploy deploy
# Trained where it will run: the cache records the jar's path, size and mtime, and COPY --from keeps all three. (If
# one ever differs, the JVM says "[aot] ... has changed" on stderr and starts without the cache, ~2.5x slower.)
# DEPLOY_JDK is this image's Temurin 25, so the cache matches the JVM it was made with (the jlink copy of it).
ENV RUNTIME_DIR=/opt/edge DEPLOY_JDK=/opt/java/openjdk
RUN deploy/jlink-runtime.sh && deploy/train.sh

# ---- runtime -----------------------------------------------------------------------------------------------------
# distroless cc: glibc, libgcc_s, libstdc++, CA certificates, tzdata, /tmp and a nonroot user; no shell, no package
# manager. The jlink JRE needs only glibc (libc, libm, libdl, libpthread, librt), but Brotli's JNI library
# (brotli4j's libbrotli.so, unpacked to /tmp at start-up) is C++ and needs libstdc++.so.6 and libgcc_s.so.1: on
# base-nossl, which has glibc alone, it fails to load ("libstdc++.so.6: cannot open shared object file") and the edge
# offers no br. zstd-jni and Netty's epoll need glibc only. cc also carries base's libssl3, which Java never uses.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /opt/edge /opt/edge
WORKDIR /opt/edge
# distroless's nonroot user; numeric so runtimes that enforce runAsNonRoot can check it without /etc/passwd.
USER 65532:65532
# 8080: EDGE_PORT, the public port. 9091: EDGE_ADMIN_PORT (metrics, health, refresh), never published by fly.toml;
# Fly's scraper reaches it over the private network.
EXPOSE 8080 9091
# The edge drains in-flight requests on SIGTERM and exits 0 (fly.toml: kill_signal, kill_timeout).
STOPSIGNAL SIGTERM
# No HEALTHCHECK: Fly ignores it and runs the [[http_service.checks]] in fly.toml against /_edge/health and
# /_edge/ready instead; a Docker healthcheck would also need a shell or curl, which this image does not have.
# The JVM flags live in app/jvm.flags (deploy/jvm.flags); JDK_JAVA_OPTIONS can add flags at deploy time, not
# override these (the argfile comes later on the command line).
ENTRYPOINT ["/opt/edge/jre/bin/java", "@/opt/edge/app/jvm.flags", "-XX:AOTCache=/opt/edge/app/edge.aot", "-jar", "/opt/edge/app/paintbox-edge.jar"]
