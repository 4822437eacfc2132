#!/bin/sh
# make-site.sh SITE STAMP DMAVIZ.JS FILE...: the page's folder. Copies the module (its .js and
# the .wasm beside it) and the page's files into SITE, then touches STAMP.
set -eu
site=$1 stamp=$2 js=$3
shift 3
mkdir -p "$site"
cp "$js" "${js%.js}.wasm" "$site/"
for f in "$@"; do
	cp "$f" "$site/"
done
touch "$stamp"
