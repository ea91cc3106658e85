#!/usr/bin/env bash
# deploy/build-runtime.sh: the whole runtime, in order: jlink -> train -> smoke. Leaves in $RUNTIME_DIR
# (default target/runtime):
#
#   jre/                    the jlink runtime          app/paintbox-edge.jar   the shaded jar
#   app/jvm.flags           the JVM flags (@argfile)   app/edge.aot            the AOT cache (edge.jsa on JDK < 25)
#
# and prints the on-disk size of jre + jar + archive, which is what the image adds to its base.
# Usage: deploy/build-runtime.sh            (needs target/paintbox-edge.jar: mvn -B -q package -DskipTests)
# The Dockerfile runs jlink-runtime.sh and train.sh itself (smoke.sh needs nothing the image lacks, but a build
# stage that starts servers is slower and flakier than CI doing it once); CI runs this script as the second step of .ci/run.
set -euo pipefail
here="$(dirname "$0")"
source "$here/lib.sh"

"$here/jlink-runtime.sh"
"$here/train.sh"
"$here/smoke.sh"

archive="$(archive_path)"
jre_b="$(du -sb "$RUNTIME_DIR/jre" | cut -f1)"
jar_b="$(stat -c %s "$RUNTIME_DIR/app/paintbox-edge.jar")"
arc_b="$(stat -c %s "$archive")"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
say "runtime size on disk: jre $(mb "$jre_b") + jar $(mb "$jar_b") + $(basename "$archive") $(mb "$arc_b") = $(mb $((jre_b + jar_b + arc_b)))"
