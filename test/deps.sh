#!/usr/bin/env bash
# Installs what SARA needs to build, test and run its demo on Debian 12 (as root).
# Idempotent: packages already present are skipped without touching apt.
set -euo pipefail

PKGS=(
  # build: Debian's DPDK 22.11 and the C toolchain for cgo
  libdpdk-dev dpdk dpdk-dev pkg-config gcc make libpcap-dev
  # tests and lab: namespaces, captures, real SIP and RTSP peers
  iproute2 tcpdump tshark tcpreplay sip-tester python3-scapy
  ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gi
  # operations tests: headless browser (dashboard), compose file validation (no engine needed)
  chromium docker-compose
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages (${missing[*]}); run as root or install them" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go modules (the toolchain is /usr/local/go on the project's machines).
export PATH="$PATH:/usr/local/go/bin"
go mod download
