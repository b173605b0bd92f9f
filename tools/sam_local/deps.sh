#!/usr/bin/env bash
# `make sam-local-deps`: make Docker usable for `plinth dev --sam` (sam local).
#
# 1. A Docker daemon: used if running; otherwise installed (apt) and started when this
#    machine allows it (root), otherwise the exact steps are printed.
# 2. The Lambda base image sam expects (public.ecr.aws/lambda/python:3.13-<arch>): pulled
#    where the registry is reachable; otherwise a stand-in is built from Debian packages:
#    debootstrap (trixie, for Python 3.13) -> /var/lang, awslambdaric and boto3 in
#    /var/runtime, a bootstrap that adds /opt/python. sam adds its own runtime interface
#    emulator (shipped inside aws-sam-cli) on top, as it does with the real image.
set -euo pipefail

say() { printf 'sam-local-deps: %s\n' "$*"; }
die() { printf 'sam-local-deps: %s\n' "$*" >&2; exit 1; }

case "$(uname -m)" in
  x86_64 | amd64) ARCH=x86_64; PLATFORM=x86_64-manylinux_2_28 ;;
  aarch64 | arm64) ARCH=arm64; PLATFORM=aarch64-manylinux_2_28 ;;
  *) die "unsupported machine $(uname -m): Lambda runs x86_64 or arm64" ;;
esac
IMAGE="public.ecr.aws/lambda/python:3.13-${ARCH}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
UV="$(command -v uv || echo "$HOME/.local/bin/uv")"

# ------------------------------------------------------------------ 1. the daemon
docker_up() { docker info >/dev/null 2>&1; }

if ! docker_up; then
  if [ "$(id -u)" != 0 ]; then
    die "Docker is not running and this user is not root. Install Docker Engine
  (https://docs.docker.com/engine/install/), start it, and let this user use it:
    sudo usermod -aG docker \$USER   # then log in again
  and run 'make sam-local-deps' again."
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 \
      || die "no dockerd and no apt-get: install Docker Engine for this OS, then run this again."
    say "installing docker.io, iptables and debootstrap (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io iptables debootstrap >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -q docker.io iptables debootstrap >/dev/null; }
  fi
  if ! docker_up; then
    say "starting dockerd (log: /var/log/plinth-dockerd.log)"
    # setsid: the daemon outlives this script and the make that ran it.
    setsid dockerd >/var/log/plinth-dockerd.log 2>&1 < /dev/null &
    for _ in $(seq 60); do docker_up && break; sleep 0.5; done
    docker_up || die "dockerd did not start; see /var/log/plinth-dockerd.log"
  fi
fi
say "docker daemon $(docker version --format '{{.Server.Version}}') is up"

# ------------------------------------------------------------------ 2. the image
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE is present ($(docker image inspect -f '{{index .Config.Labels "org.plinth.stand-in"}}' "$IMAGE" | sed 's/^$/pulled/'))"
  exit 0
fi
if timeout 120 docker pull -q "$IMAGE" >/dev/null 2>&1; then
  say "pulled $IMAGE"
  exit 0
fi

say "cannot pull $IMAGE: building a stand-in from Debian packages"
[ "$(id -u)" = 0 ] || die "building the stand-in needs root (debootstrap); or make $IMAGE pullable."
command -v debootstrap >/dev/null 2>&1 || {
  command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
}
WORK="$(mktemp -d /tmp/plinth-lambda-image.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
started=$SECONDS

debootstrap --variant=minbase --include=python3.13,ca-certificates \
  trixie "$ROOTFS" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

# Lambda's layout: the interpreter in /var/lang, the runtime client in /var/runtime.
mkdir -p "$ROOTFS/var/lang/bin" "$ROOTFS/var/runtime" "$ROOTFS/var/task" "$ROOTFS/opt"
ln -sf /usr/bin/python3.13 "$ROOTFS/var/lang/bin/python3.13"
ln -sf python3.13 "$ROOTFS/var/lang/bin/python3"
ln -sf python3.13 "$ROOTFS/var/lang/bin/python"
"$UV" pip install --quiet --target "$ROOTFS/var/runtime" --python-version 3.13 \
  --python-platform "$PLATFORM" --only-binary :all: awslambdaric boto3

# The runtime's bootstrap, as Lambda's Python runtime does it: the function's code first,
# then the layers' python/ directories, then the runtime's own packages.
cat >"$ROOTFS/var/runtime/bootstrap" <<'BOOT'
#!/bin/sh
export PYTHONPATH="/var/task:/opt/python/lib/python3.13/site-packages:/opt/python:/var/runtime${PYTHONPATH:+:$PYTHONPATH}"
export AWS_EXECUTION_ENV=AWS_Lambda_python3.13
exec /var/lang/bin/python3.13 -m awslambdaric "${_HANDLER:-$AWS_LAMBDA_FUNCTION_HANDLER}"
BOOT
chmod 755 "$ROOTFS/var/runtime/bootstrap"
rm -rf "$ROOTFS/var/cache/apt/archives"/*.deb "$ROOTFS/var/lib/apt/lists"/*

tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV LAMBDA_TASK_ROOT=/var/task' \
  --change 'ENV LAMBDA_RUNTIME_DIR=/var/runtime' \
  --change 'WORKDIR /var/task' \
  --change 'ENTRYPOINT ["/var/runtime/bootstrap"]' \
  --change "LABEL org.plinth.stand-in=built-from-debian-trixie" \
  - "$IMAGE" >/dev/null
say "built $IMAGE in $((SECONDS - started)) s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
