#!/bin/sh
# A lab server: VIP on lo (ARP for it is off: arp_ignore=1, arp_announce=2 on
# all and lo, set by compose), check the DSR setup, answer SIP on the VIP, report to the dispatcher.
set -eu
ip addr add 10.0.0.100/32 dev lo 2>/dev/null || true
sara agent check -c /etc/sara/agent.yaml
sipp -sn uas -i 10.0.0.100 -p 5060 -bg
exec sara agent -c /etc/sara/agent.yaml --log-format json
