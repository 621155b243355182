// netem (sch_netem): the kernel's network emulator queueing discipline, which can drop or delay
// every packet leaving a link. Many kernels ship it as a module; some (like the 2-core lab
// machine's, built without CONFIG_NET_SCH_NETEM and without modules) do not have it at all, so
// callers ask NetemAvailable() and fall back to nftables (loss) or NFQUEUE (delay) otherwise.
//
// AddNetem/RemoveNetem change the root qdisc of one link inside a namespace given by the caller
// (never the host's own; see host_guard.h) through libnl-route-3. RemoveNetem is idempotent and
// deletes the root qdisc only when it is a netem qdisc.
#pragma once

#include <chrono>
#include <string_view>

namespace viplab {

class NetworkNamespace;

// True when the running kernel can create a netem qdisc. Probed once per process (later calls
// return the cached answer) by adding netem to the loopback link of a private, anonymous network
// namespace that exists only for the probe, so no real namespace is touched. The kernel answers
// ENOENT or EOPNOTSUPP when netem is absent; any other failure (e.g. not root) throws
// SystemError and is not cached.
bool NetemAvailable();

struct NetemSpec {
  double loss_percent = 0;             // 0..100, each packet dropped independently
  std::chrono::milliseconds delay{0};  // added to every packet
};

// Makes netem the root qdisc of `ifname` in `ns` (replacing the link's current root qdisc).
// Throws SystemError naming the link and namespace; without netem in the kernel the message says
// so. Throws std::invalid_argument for a loss outside 0..100 or a negative delay.
void AddNetem(const NetworkNamespace& ns, std::string_view ifname, const NetemSpec& spec);

// Deletes the root qdisc of `ifname` in `ns` if it is netem. Returns true if one was deleted;
// false when there was none or the link does not exist.
bool RemoveNetem(const NetworkNamespace& ns, std::string_view ifname);

}  // namespace viplab
