#!/usr/bin/env bash
# The supported Python range at both ends: requires-python's lower end (3.10) and the
# newest CPython found (python3.N on PATH or in pyenv's versions). Each gets a venv under
# .make/pyrange/ (reused while the dependency list is unchanged) holding the wheel built
# here (--no-deps) and its dependencies except torch (no wheel of torch for those
# Pythons on this machine's disk; the CUDA build from the index is several GB), and runs
# the torch-free tests (tests/topology, not slow) against the installed wheel, from a
# folder outside the repository. Usage: .ci/python_range.sh [python ...]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PY=${PY:-.venv/bin/python}
WORK=$REPO/.make/pyrange
mkdir -p "$WORK"

find_python() {  # $1 = 3.10 ...: the interpreter's path, or nothing
  local found
  # pyenv's own builds first (its shims fail for a version that is not selected)
  found=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/python 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$found" ] || found=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -v shims | paste -sd:) command -v "python$1" || true)
  echo "$found"
}

if [ $# -gt 0 ]; then
  pythons=("$@")
else
  low=$(find_python 3.10)
  [ -n "$low" ] || { echo "python_range: no Python 3.10 found (PATH, pyenv); install one"; exit 1; }
  high=""
  for minor in 14 13 12 11; do
    high=$(find_python "3.$minor")
    [ -n "$high" ] && break
  done
  pythons=("$low" "$high")
fi

rm -rf "$WORK/dist"
PATH="$(dirname "$PY"):$PATH" "$PY" -m build --wheel --no-isolation --outdir "$WORK/dist" . 2>&1 | tail -1
wheel=$(ls "$WORK"/dist/*.whl)
# the wheel's own requirements minus torch (and minus extras)
deps=$("$PY" - "$wheel" <<'PYEOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
reqs = [l.split(": ", 1)[1] for l in meta.splitlines() if l.startswith("Requires-Dist: ")]
print("\n".join(r for r in reqs if "extra ==" not in r and not r.startswith("torch")))
PYEOF
)
deps="$deps
pytest>=8
hypothesis>=6.90"
key=$(printf '%s' "$deps" | sha256sum | cut -c1-12)

for python in "${pythons[@]}"; do
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  venv=$WORK/py$version
  if [ ! -f "$venv/.deps-$key" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    # shellcheck disable=SC2086
    echo "$deps" | xargs -d '\n' "$venv/bin/pip" install --quiet
    touch "$venv/.deps-$key"
  fi
  "$venv/bin/pip" install --quiet --no-deps --force-reinstall "$wheel"
  echo "== Python $version ($python): tests/topology against the installed wheel"
  scratch=$(mktemp -d)
  (cd "$scratch" && "$venv/bin/python" -m pytest "$REPO/tests/topology" -q -p no:cacheprovider \
     --rootdir "$REPO" -c "$REPO/pyproject.toml" -m "not slow" -x \
     -o addopts="-ra --strict-markers --import-mode=importlib" -W "ignore::pytest.PytestConfigWarning")
  (cd "$scratch" && "$venv/bin/python" -c "import tda_widgets; f = tda_widgets.__file__; \
     assert f.startswith('$venv/'), f; print('tda_widgets imported from', f)")
  rm -rf "$scratch"
done
