# Sourced by the scripts: points JAVA_HOME at a JDK 25 or newer, or says how to get one.
# Reads the JDK's release file rather than starting a JVM, which would cost ~100 ms per launch.
java_feature() {
    local version
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
    echo "${version:-0}"
}
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" || $(java_feature "$JAVA_HOME") -lt 25 ]]; then
    JAVA_HOME=
    for candidate in /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-2[5-9]* /usr/lib/jvm/*; do
        if [[ -x "$candidate/bin/javac" && $(java_feature "$candidate") -ge 25 ]]; then
            JAVA_HOME=$candidate
            break
        fi
    done
    if [[ -z "$JAVA_HOME" ]]; then
        echo "wbpf needs JDK 25 or newer: install one and set JAVA_HOME to it." >&2
        exit 1
    fi
fi
export JAVA_HOME
