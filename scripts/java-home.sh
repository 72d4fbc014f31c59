# Sourced by the scripts: points JAVA_HOME at a JDK 25 or newer, or says how to get one.
java_feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
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
