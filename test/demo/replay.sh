#!/usr/bin/env bash
# The built-in demo without root or NICs: generate a traffic mix (UDP and TCP
# flows to the VIP, noise, malformed frames, fragments), replay it through
# the real C data plane (DPDK net_pcap), print the per-server summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/demo
mkdir -p "$out"
bin/sara gen --out "$out/mix.pcap" --flows 20000 --packets 200000 --seed 7 \
  --noise 0.05 --garbage 0.02 --fragments 0.01 --vlan-share 0.1 --ipv6-share 0.1 \
  --vip 10.0.0.100 --vip fd00::100
cat > "$out/demo.yaml" <<'YAML'
vips: ["10.0.0.100", "fd00::100"]
servers:
  - {name: s1, mac: "02:00:00:00:00:01"}
  - {name: s2, mac: "02:00:00:00:00:02"}
  - {name: s3, mac: "02:00:00:00:00:03"}
dataplane:
  eal_args: ["--no-huge", "--no-pci", "--no-shconf", "-m", "512", "--log-level", "*:warning"]
  flow_table_size: 65536
YAML
echo "== replaying $out/mix.pcap through the data plane (3 servers, VIPs 10.0.0.100 and fd00::100)"
bin/sara replay -c "$out/demo.yaml" --in "$out/mix.pcap" --out "$out/forwarded.pcap" --format text
echo
echo "forwarded frames: $out/forwarded.pcap"

echo
echo "== session-aware replay: a real sipp trunk capture, 20 calls multiplexed on ONE UDP 5-tuple"
echo "   (5060 -> 5060, VIP 10.201.0.2), each call balanced on its own Call-ID; media follows the SDP"
cat > "$out/trunk.yaml" <<'YAML'
vips: ["10.201.0.2"]
servers:
  - {name: s1, mac: "02:00:00:00:00:01"}
  - {name: s2, mac: "02:00:00:00:00:02"}
  - {name: s3, mac: "02:00:00:00:00:03"}
dataplane:
  eal_args: ["--no-huge", "--no-pci", "--no-shconf", "-m", "256", "--log-level", "*:warning"]
  flow_table_size: 4096
  mempool_mbufs: 8191
YAML
bin/sara replay -c "$out/trunk.yaml" --in test/fixtures/sip_trunk.pcap --out "$out/trunk-forwarded.pcap" --format text
