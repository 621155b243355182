// The haproxy.cfg viplab renders for a node when real haproxy replaces the stand-in
// (`viplab run --service haproxy`): one HTTP frontend on the scenario port that answers every
// request with the node's name, like the stand-in, so the client probe sees which node serves.
// Pure text, no I/O.
#pragma once

#include <string>

namespace viplab {

struct HaproxyConfig {
  std::string node;
  int port = 80;
  std::string bind_address;  // empty: every address of the node
};

std::string RenderHaproxyConfig(const HaproxyConfig& config);

}  // namespace viplab
