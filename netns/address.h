// IPv4 addresses on links through libnl-route-3. Add fails if the address exists; Remove is
// idempotent. Errors name the address, link and namespace.
#pragma once

#include <string_view>
#include <vector>

#include "netns/ipv4.h"

namespace viplab {

class RouteSocket;

void AddAddress(RouteSocket& sock, std::string_view ifname, const Ipv4Prefix& prefix);
bool RemoveAddress(RouteSocket& sock, std::string_view ifname, const Ipv4Prefix& prefix);
std::vector<Ipv4Prefix> ListAddresses(RouteSocket& sock, std::string_view ifname);

}  // namespace viplab
