#!/bin/sh
# Wires one lab box into the lab topology, then runs the box's program.
#
# Each lab link is a point-to-point VXLAN segment between two boxes over the lab's internal Docker
# network. Docker's isolation rules for internal networks drop routed traffic whose addresses are
# outside the network's subnet whenever bridged traffic passes iptables (br_netfilter), which is the
# normal case on Linux hosts; VXLAN keeps the underlay addresses Docker's own, so routed lab
# traffic passes everywhere, and two labs with the same addresses never meet.
#
#   LAB_LINKS   "name:vni:peer:address/prefix:mac ..."  one per link (mac with dashes; peer the far
#               end's underlay address)
#   LAB_ROUTES  "destination:via ..."                     static routes
#   LAB_STRONGSWAN_CONF  a gateway's strongswan.conf (no secret in it), from the create call
#
# Every box starts with this, the gateways on the critical path of `ipsec-lab up`, on machines where
# a process start is costly: the links and routes go to one `ip -batch`, and the rest is shell
# builtins (no tr or hostname per link).
set -eu
set -f
IFS_DEFAULT=$IFS

cmds=''
remotes=''
add() { cmds="$cmds$*
"; }

link() {
  IFS=:
  # shellcheck disable=SC2086 # split on IFS on purpose
  set -- $1
  name=$1 vni=$2 peer=$3 addr=$4
  IFS=-
  # shellcheck disable=SC2086
  set -- $5
  mac="$1:$2:$3:$4:$5:$6"
  IFS=$IFS_DEFAULT
  # A restarted box still has the link: made anew. A fixed MAC, so neighbours' ARP caches stay right.
  if [ -e "/sys/class/net/$name" ]; then add link del "$name"; fi
  add link add "$name" address "$mac" type vxlan id "$vni" remote "$peer" dstport 4789 dev eth0
  add addr add "$addr" dev "$name"
  add link set "$name" up
  remotes="$remotes $peer"
}

for l in ${LAB_LINKS:-}; do link "$l"; done

# A gateway's strongswan.conf comes with the box, so charon starts without a copy into the box
# first. Only at the box's first start: after a restart the file is the engine's newer one (new
# timers are written, then the gateway restarts).
if [ -n "${LAB_STRONGSWAN_CONF:-}" ] && [ ! -e /etc/strongswan.conf.lab-init ]; then
  printf '%s\n' "$LAB_STRONGSWAN_CONF" >/etc/strongswan.conf
  : >/etc/strongswan.conf.lab-init
fi

# Docker's default route points at the engine host's bridge: lab traffic has no business there.
# Removed on its own, and a box that may not remove it (no NET_ADMIN: the bench's floor boxes) still runs.
while read -r iface dest _; do
  if [ "$iface" = eth0 ] && [ "$dest" = 00000000 ]; then ip route del default dev eth0 2>/dev/null || true; fi
done </proc/net/route

for r in ${LAB_ROUTES:-}; do
  dest=${r%%:*}
  add route replace "$dest" via "${r#*:}"
done

if [ -n "$cmds" ]; then printf '%s' "$cmds" | ip -batch -; fi

# A peer that started before this box may have marked this box's underlay address unreachable (it
# sent on its link while nothing answered ARP here) and would then lose the first packets it sends
# here. A ping from this side refreshes the peer's ARP entry. In the background (a peer not started
# yet never answers), and handed to init so it never lingers in the program's process tree.
for r in $remotes; do (ping -c 1 -W 1 "$r" >/dev/null 2>&1 &); done

echo "lab-init: ${HOSTNAME:-box} links up: ${LAB_LINKS:-none}"
exec "$@"
