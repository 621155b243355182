// NetlinkMonitor: watches one network namespace for RTM_NEWADDR / RTM_DELADDR (IPv4) and
// RTM_NEWLINK / RTM_DELLINK through a libmnl socket created inside that namespace, driven by an
// EventLoop. Each event is stamped with CLOCK_MONOTONIC when it is read off the socket.
//
// Start() subscribes first and then dumps the current addresses and links, delivering them as
// events with `initial = true`, so no change between the dump and the subscription is lost.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "netns/clock.h"
#include "netns/ipv4.h"
#include "netns/unique_fd.h"

namespace viplab {

class EventLoop;
class NetworkNamespace;

struct NetlinkEvent {
  enum class Kind { kAddressAdded, kAddressRemoved, kLinkChanged, kLinkRemoved };
  Kind kind;
  TimePoint time;       // CLOCK_MONOTONIC on receipt
  std::string ns_name;  // namespace the event came from
  int ifindex = 0;
  std::string ifname;    // may be empty for address events on links already gone
  Ipv4Prefix address;    // address events only
  bool link_up = false;  // link events: IFF_UP
  bool carrier = false;  // link events: IFF_LOWER_UP (false when the peer is down)
  bool initial = false;  // produced by the initial dump, not by a change
};

const char* ToString(NetlinkEvent::Kind kind);

class NetlinkMonitor {
 public:
  using Handler = std::function<void(const NetlinkEvent&)>;

  // Opens the socket inside `ns`. `handler` runs on the loop thread.
  NetlinkMonitor(const NetworkNamespace& ns, EventLoop& loop, Handler handler);
  ~NetlinkMonitor();  // unregisters from the loop
  NetlinkMonitor(const NetlinkMonitor&) = delete;
  NetlinkMonitor& operator=(const NetlinkMonitor&) = delete;

  // Subscribes, dumps current state (delivered synchronously on the calling thread with
  // initial=true), then registers with the loop.
  void Start();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace viplab
