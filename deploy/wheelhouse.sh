#!/usr/bin/env bash
# Build an offline installation bundle for an intranet machine without internet access:
#   deploy/wheelhouse.sh [OUT]        (default OUT: dist/wheelhouse)
# OUT then holds jixiao's wheel, a wheel of every locked dependency (uv.lock, no dev tools)
# and install.sh. Copy OUT to the target machine (same OS family, CPU architecture and
# Python 3.11) and run `sh install.sh /opt/jixiao`: it creates a virtual environment there
# and installs from the folder alone (pip --no-index).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist/wheelhouse}"
rm -rf "$out" && mkdir -p "$out"
command -v uv >/dev/null 2>&1 || python3 -m pip install -q uv
uv build --wheel --out-dir "$out" >/dev/null
uv export --frozen --no-dev --no-emit-project --no-hashes --format requirements-txt \
  -o "$out/requirements.txt" >/dev/null
# Wheels for every pinned dependency (binary wheels where PyPI has them; the few
# source-only packages are built into wheels here, so the target needs no compiler).
PIP_CONFIG_FILE=/dev/null uv run --no-project --with pip python -m pip wheel --quiet --wheel-dir "$out" \
  -r "$out/requirements.txt"
cat > "$out/install.sh" <<'INSTALL'
#!/bin/sh
# Offline install: sh install.sh TARGET_DIR (Python 3.11 needed on the machine).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-/opt/jixiao}"
python3 -m venv "$target"
"$target/bin/pip" install --no-index --find-links "$here" -r "$here/requirements.txt"
"$target/bin/pip" install --no-index --find-links "$here" --no-deps "$here"/jixiao-*.whl
echo "installed: $target/bin/jixiao"
INSTALL
echo "wheelhouse: $out ($(ls "$out"/*.whl | wc -l) wheels, $(du -sh "$out" | cut -f1))"
