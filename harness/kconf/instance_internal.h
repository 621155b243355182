// The address lines of vrrp_instance (instance_complete.cc), shared with vrrp_instance_reader.cc.
// Not part of the kconf contract.
#pragma once

#include "harness/kconf/reader_internal.h"

namespace viplab::kconf::internal {

// unicast_src_ip ADDR (vrrp_parser.c vrrp_unicast_srcip_handler).
void ReadUnicastSrc(Reader& reader, const ConfNode& line, VrrpInstance& vrrp, InstanceState& state);
// unicast_peer { ADDR [min_ttl N] [max_ttl N] ... } (vrrp_data.c alloc_vrrp_unicast_peer).
void ReadUnicastPeers(Reader& reader, const ConfNode& node, VrrpInstance& vrrp,
                      InstanceState& state);
// virtual_ipaddress / virtual_ipaddress_excluded { ADDR[/LEN] [dev IF] [label L] ... }
// (vrrp_ipaddress.c alloc_ipaddress, vrrp_data.c alloc_vrrp_vip).
void ReadVips(Reader& reader, const ConfNode& node, VrrpInstance& vrrp, InstanceState& state);

}  // namespace viplab::kconf::internal
