#!/bin/sh
# Wires one lab box into the lab topology, then runs the box's program.
#
# Each lab link is a point-to-point VXLAN segment between two boxes over the lab's internal Docker
# network. Docker's isolation rules for internal networks drop routed traffic whose addresses are
# outside the network's subnet whenever bridged traffic passes iptables (br_netfilter), which is the
# normal case on Linux hosts; VXLAN keeps the underlay addresses Docker's own, so routed lab
# traffic passes everywhere, and two labs with the same addresses never meet.
#
#   LAB_LINKS   "name:vni:peer-alias:address/prefix:mac ..."  one per link (mac with dashes)
#   LAB_ROUTES  "destination:via ..."                     static routes
set -eu

resolve() {
  # The peer may still be starting: its name appears in Docker's DNS once its endpoint exists.
  i=0
  while [ $i -lt 200 ]; do
    ip=$(getent ahostsv4 "$1" 2>/dev/null | awk 'NR==1 {print $1}')
    if [ -n "$ip" ]; then echo "$ip"; return 0; fi
    i=$((i + 1)); sleep 0.05
  done
  echo "lab-init: cannot resolve link peer $1" >&2
  return 1
}

for link in ${LAB_LINKS:-}; do
  IFS=: read -r name vni peer addr mac <<LINK
$link
LINK
  remote=$(resolve "$peer")
  ip link del "$name" 2>/dev/null || true
  # A fixed MAC, so neighbours' ARP caches stay right when this box restarts.
  ip link add "$name" address "$(echo "$mac" | tr - :)" type vxlan id "$vni" remote "$remote" dstport 4789 dev eth0
  ip addr add "$addr" dev "$name"
  ip link set "$name" up
done

# Docker's default route points at the engine host's bridge: lab traffic has no business there.
ip route del default dev eth0 2>/dev/null || true

for route in ${LAB_ROUTES:-}; do
  IFS=: read -r dest via <<ROUTE
$route
ROUTE
  ip route replace "$dest" via "$via"
done

echo "lab-init: $(hostname) links up: ${LAB_LINKS:-none}"
exec "$@"
