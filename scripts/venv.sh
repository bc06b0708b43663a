# Sourced by run.sh and test.sh: make .venv and install the pinned dependencies when they changed.
# Usage: ensure_venv [extra]   (extra = "test" to include the test tools)
ensure_venv() {
  local extra="${1:-}"
  local python="${PYTHON:-python3.11}"
  command -v "$python" >/dev/null 2>&1 || python=python3
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $($python --version)…"
    "$python" -m venv .venv
  fi
  local spec="."
  [ -n "$extra" ] && spec=".[$extra]"
  local stamp=".venv/.installed-${extra:-base}"
  local want
  want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing dependencies (pinned by requirements.lock)…"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c requirements.lock -e "$spec"
    echo "$want" > "$stamp"
  fi
}
