# Sourced by the scripts: points JAVA_HOME at a JDK 25 or newer, or says how to get one.
# Reads the JDK's release file in bash rather than starting a JVM (~100 ms) or even sed (a fork
# per launch of wbpf).
java_feature() { # sets java_feature_version to the JDK's feature version, 0 if unknown
    local line
    java_feature_version=0
    [[ -r "$1/release" ]] || return 0
    while IFS= read -r line; do
        if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
            java_feature_version=${BASH_REMATCH[1]}
            return 0
        fi
    done < "$1/release"
}
java_feature "${JAVA_HOME:-/nonexistent}"
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" || $java_feature_version -lt 25 ]]; then
    JAVA_HOME=
    for candidate in /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-2[5-9]* /usr/lib/jvm/*; do
        java_feature "$candidate"
        if [[ -x "$candidate/bin/javac" && $java_feature_version -ge 25 ]]; then
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
