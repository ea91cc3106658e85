#!/usr/bin/env bash
# deploy/ci.sh: CI's deployment check, run after `mvn -B verify`. Builds the jlink runtime, trains the AOT cache and
# smoke-tests the service on it, outside Docker (no Docker engine runs on our machines), exactly as the Dockerfile's
# build stage does; fails if the runtime does not start, answer the JWKS, /_edge/health and /_edge/ready, and exit 0
# on SIGTERM.
#
# Usage (from .ci/run):  deploy/ci.sh
# Needs: a JDK with jlink (Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64; without it the default JDK builds an
# AppCDS runtime and says so), bash, curl; socat and openssl put TLS in front of the emulator as AWS has it. Installs
# curl, binutils, socat and openssl from Debian if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

missing=()
command -v curl >/dev/null || missing+=(curl)
command -v strip >/dev/null || missing+=(binutils)
command -v socat >/dev/null || missing+=(socat)
command -v openssl >/dev/null || missing+=(openssl)
if (( ${#missing[@]} )); then
  say "installing ${missing[*]} from Debian"
  sudo_=""; [[ "$(id -u)" == 0 ]] || sudo_="sudo"
  $sudo_ apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { $sudo_ apt-get update -q >/dev/null && $sudo_ apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
[[ -x "$TEMURIN_25/bin/java" ]] || say "WARNING: $TEMURIN_25 is missing; the runtime will be built from the default JDK"

if [[ ! -f "$DEPLOY_JAR" ]]; then
  say "no $DEPLOY_JAR yet; building it"
  mvn -B -q package -DskipTests
fi
deploy/build-runtime.sh
