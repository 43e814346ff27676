# Source this to put the project's tools first on PATH and keep the yowasp cache stable.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_root/.venv/bin:$PATH"
export YOWASP_CACHE_DIR="${YOWASP_CACHE_DIR:-$HOME/.cache/yowasp}"
unset _root
