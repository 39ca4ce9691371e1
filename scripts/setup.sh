# Sourced by scripts/demo and scripts/test: make ./.venv with the project installed (editable).
# Everything comes from the package registries. The dependency tree is installed from a
# hash-locked file (requirements/runtime.txt, or requirements/dev.txt for `dev`; regenerate both
# with scripts/lock), so every run, CI included, executes the same consensus code.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

extras="${1:-}"
lock="requirements/${extras:-runtime}.txt"
if [ ! -x .venv/bin/python ]; then
    # pyproject.toml admits Python 3.11 only (what CI tests): prefer python3.11 if installed.
    "$(command -v python3.11 || command -v python3)" -m venv .venv
fi
. .venv/bin/activate
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    python -m pip install --quiet --disable-pip-version-check "pip==26.3"
    python -m pip install --quiet --require-hashes -r "$lock"
    python -m pip install --quiet --no-deps -e .
    python -m pip check >/dev/null
    touch "$stamp"
fi
