// Links of one namespace through libnl-route-3: bridges, veth pairs, up/down, lookup.
// Create functions fail with SystemError naming the link and namespace ("could not create veth
// 'vl-3-lb1' in namespace 'vl-3-sw': File exists"). Delete functions are idempotent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace viplab {

class RouteSocket;
class NetworkNamespace;

// Creates a Linux bridge named `name` (STP off, so ports forward at once) and sets it up.
void CreateBridge(RouteSocket& sock, std::string_view name);

struct VethSpec {
  std::string name;       // end that stays in the socket's namespace (e.g. the switch port)
  std::string peer_name;  // end moved into `peer_ns` (e.g. "eth0" in the node)
  int peer_ns_fd = -1;    // namespace fd of the peer end; -1 keeps both ends here
  std::optional<std::string> master;  // bridge to enslave `name` to
  bool up = true;                     // bring both ends up
};

// Creates a veth pair in one netlink request (peer created directly in its namespace, already
// enslaved and up when the spec says so).
void CreateVethPair(RouteSocket& sock, const VethSpec& spec);

// Sets IFF_UP on or off.
void SetLinkUp(RouteSocket& sock, std::string_view name, bool up);
// Returns the ifindex, or nullopt when no such link.
std::optional<int> FindLink(RouteSocket& sock, std::string_view name);
// Returns true if the link has IFF_UP set. Throws if no such link.
bool IsLinkUp(RouteSocket& sock, std::string_view name);
// Deletes the link if present (a veth takes its peer with it). Returns true if it existed.
bool DeleteLink(RouteSocket& sock, std::string_view name);

}  // namespace viplab
