# Shared by the scripts that start a throw-away local service for the tests (postgis.sh,
# cluster/slurm_local.sh); sourced, not run. Expects SERVICE (what is missing, for messages) and
# the functions log and die.

is_root() { [[ $(id -u) -eq 0 ]]; }

# install_packages PKG...: Debian's packages, updating the package lists only when needed.
install_packages() {
    is_root || die "$SERVICE missing and not root, so cannot install: $*"
    command -v apt-get >/dev/null || die "$SERVICE missing and no apt-get to install: $*"
    log "installing $* (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "$@" >&2; then
        apt-get update -qq >&2 || die "apt-get update failed"
        apt-get install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
    fi
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}
