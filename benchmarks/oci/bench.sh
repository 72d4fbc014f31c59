#!/usr/bin/env bash
# Push and pull of a ~50 MB package on loopback with wbpf, beside curl doing the same HTTP
# requests against the same docker-registry; then zstd levels' size/time on the example modules.
# Prints numbers; needs docker-registry, curl, zstd, sha256sum, python3 (a free port). See README.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
wbpf="$root/wbpf"
size_mb=${SIZE_MB:-50}
work=$(mktemp -d)
reg_pid=
cleanup() { [[ -n $reg_pid ]] && kill "$reg_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
host=127.0.0.1:$port
now() { date +%s.%N; }
ms() { python3 -c "print(f'{($2-$1)*1000:8.0f} ms')"; }
rate() { python3 -c "print(f'{$3/($2-$1)/1e6:8.1f} MB/s')"; }

# The package: the test guest plus an incompressible extra file (zstd level 1 keeps it ~the same size).
head -c $((size_mb << 20)) /dev/urandom > "$work/payload.bin"
guest="$root/wasm-host/src/test/resources/guests/guest.wasm"
export WBPF_HOME="$work/home"
"$wbpf" build "$guest" --file "$work/payload.bin" --zstd-level 1 -t "$host/bench/wbpf:1" >/dev/null
"$wbpf" save -o "$work/pkg.tar" "$host/bench/wbpf:1"
mkdir "$work/layout" && tar -xf "$work/pkg.tar" -C "$work/layout"
bytes=$(du -sb "$work/layout/blobs" | cut -f1)
echo "package: $((bytes / 1000000)) MB in blobs ($host)"
echo

# wbpf push / pull (each a fresh JVM: start-up included, as a user pays it).
t0=$(now); "$wbpf" push -q --plain-http "$host/bench/wbpf:1" >/dev/null; t1=$(now)
echo "wbpf push        $(ms $t0 $t1)  $(rate $t0 $t1 $bytes)"
export WBPF_HOME="$work/home2"
t0=$(now); "$wbpf" pull -q --plain-http "$host/bench/wbpf:1" >/dev/null; t1=$(now)
echo "wbpf pull        $(ms $t0 $t1)  $(rate $t0 $t1 $bytes)   (every blob hashed, staged, then moved into the store)"
t0=$(now); "$wbpf" images >/dev/null; t1=$(now)
echo "wbpf images      $(ms $t0 $t1)   (JVM start-up, for scale)"

# curl: the same requests (POST upload, monolithic PUT ?digest= per blob, PUT manifest; GET manifest, GET blobs).
manifest_digest=$(python3 -c "import json;print(json.load(open('$work/layout/index.json'))['manifests'][0]['digest'])")
manifest_file="$work/layout/blobs/sha256/${manifest_digest#sha256:}"
media=$(python3 -c "import json;print(json.load(open('$manifest_file'))['mediaType'])")
blobs=$(python3 -c "
import json; m=json.load(open('$manifest_file'))
print(' '.join(d['digest'] for d in [m['config']]+m['layers']))")
t0=$(now)
for d in $blobs; do
    loc=$(curl -sf -X POST -D - -o /dev/null "http://$host/v2/bench/curl/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
    case $loc in http*) ;; *) loc="http://$host$loc" ;; esac
    sep='?'; [[ $loc == *\?* ]] && sep='&'
    curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$work/layout/blobs/sha256/${d#sha256:}" \
        "$loc${sep}digest=$d" -o /dev/null
done
curl -sf -X PUT -H "Content-Type: $media" --data-binary "@$manifest_file" "http://$host/v2/bench/curl/manifests/1" -o /dev/null
t1=$(now)
echo "curl push        $(ms $t0 $t1)  $(rate $t0 $t1 $bytes)"
t0=$(now)
curl -sf -H "Accept: $media" "http://$host/v2/bench/curl/manifests/1" -o "$work/m.json"
for d in $blobs; do curl -sf "http://$host/v2/bench/curl/blobs/$d" -o "$work/blob"; done
t1=$(now)
echo "curl pull        $(ms $t0 $t1)  $(rate $t0 $t1 $bytes)   (to a file, no hashing)"
t0=$(now)
curl -sf -H "Accept: $media" "http://$host/v2/bench/curl/manifests/1" -o "$work/m.json"
for d in $blobs; do curl -sf "http://$host/v2/bench/curl/blobs/$d" | sha256sum >/dev/null; done
t1=$(now)
echo "curl pull+sha256 $(ms $t0 $t1)  $(rate $t0 $t1 $bytes)   (hashed, as wbpf does)"
echo

# zstd levels on the real example modules (libzstd's CLI; wbpf's zstd-jni wraps the same library).
echo "zstd levels on the example modules (size, compression time over 20 runs):"
printf '%-14s %9s' module raw
levels="1 3 6 9 15 19 22"
for l in $levels; do printf ' %15s' "level $l"; done; echo
for m in "$root"/bpf-guest/examples/*/*.wasm; do
    raw=$(stat -c %s "$m")
    printf '%-14s %9d' "$(basename "$m" .wasm)" "$raw"
    for l in $levels; do
        t0=$(now); for _ in $(seq 20); do zstd -q -c --ultra -"$l" "$m" > "$work/z"; done; t1=$(now)
        printf ' %7d %5.1fms' "$(stat -c %s "$work/z")" "$(python3 -c "print(($t1-$t0)*1000/20)")"
    done
    echo
done
