#!/usr/bin/env bash
# Refreshes the committed screenshots of the hosted sign-in page (docs/images/hosted-ui-*.png) by running the browser
# tests of the conformance suite with SESAME_SCREENSHOTS set. Needs a built server (dotnet build -c Release),
# `npm ci --prefix test/conformance` and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
SESAME_SCREENSHOTS="$PWD/docs/images" node test/conformance/run.mjs browser
ls -1 docs/images/hosted-ui-*.png
