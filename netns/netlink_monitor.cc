#include "netns/netlink_monitor.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include "netns/error.h"
#include "netns/event_loop.h"
#include "netns/network_namespace.h"

namespace viplab {

const char* ToString(NetlinkEvent::Kind kind) {
  switch (kind) {
    case NetlinkEvent::Kind::kAddressAdded:
      return "address-added";
    case NetlinkEvent::Kind::kAddressRemoved:
      return "address-removed";
    case NetlinkEvent::Kind::kLinkChanged:
      return "link-changed";
    case NetlinkEvent::Kind::kLinkRemoved:
      return "link-removed";
  }
  return "unknown";
}

namespace {

// One parsed rtnetlink message of interest.
struct LinkMsg {
  bool removed = false;
  int ifindex = 0;
  std::string name;
  unsigned flags = 0;
};
struct AddrMsg {
  bool removed = false;
  int ifindex = 0;
  Ipv4Prefix prefix;
  std::string label;
};
using Msg = std::variant<LinkMsg, AddrMsg>;

struct MnlSocketClose {
  void operator()(mnl_socket* sock) const { mnl_socket_close(sock); }
};
using MnlSocketPtr = std::unique_ptr<mnl_socket, MnlSocketClose>;

// Large enough for any single datagram the kernel sends on NETLINK_ROUTE (dumps use up to 32 KiB).
constexpr size_t kBufferSize = 64 * 1024;
// Socket receive buffer of the subscription (the kernel doubles it): a whole lab being built is a
// few hundred notifications, far below this, so overflow means a loop thread stalled for long.
constexpr int kReceiveBuffer = 1024 * 1024;

int CollectAttr(const nlattr* attr, void* data) {
  auto** table = static_cast<const nlattr**>(data);
  table[mnl_attr_get_type(attr)] = attr;
  return MNL_CB_OK;
}

int ParseMessage(const nlmsghdr* nlh, void* data) {
  auto* out = static_cast<std::vector<Msg>*>(data);
  switch (nlh->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK: {
      const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
      // Bridge port notifications (family AF_BRIDGE) reuse RTM_NEWLINK/RTM_DELLINK; a DELLINK of
      // that family means "left the bridge", not "link removed".
      if (ifi->ifi_family == AF_BRIDGE) return MNL_CB_OK;
      const nlattr* table[IFLA_MAX + 1] = {};
      auto collect = [](const nlattr* attr, void* d) {
        if (mnl_attr_type_valid(attr, IFLA_MAX) < 0) return MNL_CB_OK;
        return CollectAttr(attr, d);
      };
      if (mnl_attr_parse(nlh, sizeof(*ifi), collect, table) < 0) return MNL_CB_ERROR;
      LinkMsg msg;
      msg.removed = nlh->nlmsg_type == RTM_DELLINK;
      msg.ifindex = ifi->ifi_index;
      msg.flags = ifi->ifi_flags;
      if (table[IFLA_IFNAME] && mnl_attr_validate(table[IFLA_IFNAME], MNL_TYPE_NUL_STRING) >= 0) {
        msg.name = mnl_attr_get_str(table[IFLA_IFNAME]);
      }
      out->push_back(std::move(msg));
      return MNL_CB_OK;
    }
    case RTM_NEWADDR:
    case RTM_DELADDR: {
      const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
      if (ifa->ifa_family != AF_INET) return MNL_CB_OK;
      const nlattr* table[IFA_MAX + 1] = {};
      auto collect = [](const nlattr* attr, void* d) {
        if (mnl_attr_type_valid(attr, IFA_MAX) < 0) return MNL_CB_OK;
        return CollectAttr(attr, d);
      };
      if (mnl_attr_parse(nlh, sizeof(*ifa), collect, table) < 0) return MNL_CB_ERROR;
      // IFA_LOCAL is the interface's own address; IFA_ADDRESS differs from it only on
      // point-to-point links (where it is the peer).
      const nlattr* addr_attr = table[IFA_LOCAL] ? table[IFA_LOCAL] : table[IFA_ADDRESS];
      if (addr_attr == nullptr || mnl_attr_get_payload_len(addr_attr) != sizeof(in_addr)) {
        return MNL_CB_OK;
      }
      in_addr in{};
      std::memcpy(&in, mnl_attr_get_payload(addr_attr), sizeof(in));
      AddrMsg msg;
      msg.removed = nlh->nlmsg_type == RTM_DELADDR;
      msg.ifindex = static_cast<int>(ifa->ifa_index);
      msg.prefix = Ipv4Prefix(Ipv4Address(ntohl(in.s_addr)), ifa->ifa_prefixlen);
      if (table[IFA_LABEL] && mnl_attr_validate(table[IFA_LABEL], MNL_TYPE_NUL_STRING) >= 0) {
        msg.label = mnl_attr_get_str(table[IFA_LABEL]);
      }
      out->push_back(std::move(msg));
      return MNL_CB_OK;
    }
    default:
      return MNL_CB_OK;
  }
}

}  // namespace

struct NetlinkMonitor::Impl {
  struct LinkState {
    std::string name;
    bool up = false;
    bool carrier = false;
    bool operator==(const LinkState&) const = default;
  };
  using AddressKey = std::pair<int, Ipv4Prefix>;

  std::string ns_name;
  EventLoop& loop;
  Handler handler;
  MnlSocketPtr events;  // subscribed to RTMGRP_LINK | RTMGRP_IPV4_IFADDR in Start()
  MnlSocketPtr dump;    // requests only, so dump replies never interleave with notifications
  unsigned dump_seq = 0;
  bool started = false;
  bool registered = false;
  std::vector<char> buffer = std::vector<char>(kBufferSize);

  // What the monitor believes the namespace holds; used to name address events, suppress
  // notifications that change nothing we report, and to diff after an overflow.
  std::map<int, LinkState> links;
  std::set<AddressKey> addresses;

  Impl(std::string ns, EventLoop& l, Handler h)
      : ns_name(std::move(ns)), loop(l), handler(std::move(h)) {}

  [[noreturn]] void Fail(int err, std::string_view what) const {
    throw SystemError::FromErrno(
        err, fmt::format("netlink monitor of namespace '{}': {}", ns_name, what));
  }

  NetlinkEvent MakeEvent(NetlinkEvent::Kind kind, TimePoint time, bool initial) const {
    NetlinkEvent e{};
    e.kind = kind;
    e.time = time;
    e.ns_name = ns_name;
    e.initial = initial;
    return e;
  }

  std::string NameOf(int ifindex, const std::string& fallback) const {
    auto it = links.find(ifindex);
    return it != links.end() && !it->second.name.empty() ? it->second.name : fallback;
  }

  // RTM_GETLINK or RTM_GETADDR (IPv4) dump on the dump socket; returns the parsed messages.
  std::vector<Msg> Dump(uint16_t type) {
    std::vector<char> request(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr* nlh = mnl_nlmsg_put_header(request.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = ++dump_seq;
    if (type == RTM_GETLINK) {
      auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
      ifi->ifi_family = AF_UNSPEC;
    } else {
      auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
      ifa->ifa_family = AF_INET;
    }
    const char* what = type == RTM_GETLINK ? "could not dump links" : "could not dump addresses";
    if (mnl_socket_sendto(dump.get(), nlh, nlh->nlmsg_len) < 0) Fail(errno, what);

    std::vector<Msg> out;
    const unsigned portid = mnl_socket_get_portid(dump.get());
    for (;;) {
      const ssize_t n = mnl_socket_recvfrom(dump.get(), buffer.data(), buffer.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        Fail(errno, what);
      }
      const int ret = mnl_cb_run(buffer.data(), n, nlh->nlmsg_seq, portid, ParseMessage, &out);
      if (ret == MNL_CB_ERROR) Fail(errno, what);
      if (ret == MNL_CB_STOP) return out;
    }
  }

  // Applies one message to the state and delivers the event it stands for, if any.
  void Apply(const Msg& msg, TimePoint time, bool initial) {
    if (const auto* link = std::get_if<LinkMsg>(&msg)) {
      if (link->removed) {
        NetlinkEvent e = MakeEvent(NetlinkEvent::Kind::kLinkRemoved, time, initial);
        e.ifindex = link->ifindex;
        e.ifname = NameOf(link->ifindex, link->name);
        e.link_up = (link->flags & IFF_UP) != 0;
        e.carrier = (link->flags & IFF_LOWER_UP) != 0;
        links.erase(link->ifindex);
        std::erase_if(addresses, [&](const AddressKey& k) { return k.first == link->ifindex; });
        handler(e);
        return;
      }
      LinkState next{link->name, (link->flags & IFF_UP) != 0, (link->flags & IFF_LOWER_UP) != 0};
      if (next.name.empty()) next.name = NameOf(link->ifindex, "");
      auto [it, inserted] = links.try_emplace(link->ifindex, next);
      // RTM_NEWLINK also reports statistics, master and other changes; report only what the
      // event carries (name, IFF_UP, IFF_LOWER_UP) changing, plus everything from a dump.
      if (!inserted && !initial && it->second == next) return;
      it->second = next;
      NetlinkEvent e = MakeEvent(NetlinkEvent::Kind::kLinkChanged, time, initial);
      e.ifindex = link->ifindex;
      e.ifname = next.name;
      e.link_up = next.up;
      e.carrier = next.carrier;
      handler(e);
      return;
    }
    const auto& addr = std::get<AddrMsg>(msg);
    const AddressKey key{addr.ifindex, addr.prefix};
    NetlinkEvent e = MakeEvent(
        addr.removed ? NetlinkEvent::Kind::kAddressRemoved : NetlinkEvent::Kind::kAddressAdded,
        time, initial);
    e.ifindex = addr.ifindex;
    e.ifname = NameOf(addr.ifindex, addr.label);
    e.address = addr.prefix;
    if (addr.removed) {
      addresses.erase(key);
    } else if (!addresses.insert(key).second && !initial) {
      return;  // RTM_NEWADDR for an address we know: a lifetime/flags update, not an addition
    }
    handler(e);
  }

  // Initial dump: links first, so address events can carry interface names.
  void DumpInitial() {
    links.clear();
    addresses.clear();
    std::vector<Msg> link_msgs = Dump(RTM_GETLINK);
    const TimePoint link_time = Now();
    for (const Msg& m : link_msgs) Apply(m, link_time, /*initial=*/true);
    std::vector<Msg> addr_msgs = Dump(RTM_GETADDR);
    const TimePoint addr_time = Now();
    for (const Msg& m : addr_msgs) Apply(m, addr_time, /*initial=*/true);
  }

  // After ENOBUFS some notifications are lost. Throw away what is still queued (the dump that
  // follows covers it), dump again and deliver the difference to the state we had as ordinary
  // (initial=false) events stamped with the time of the re-dump.
  void Resync() {
    for (;;) {
      const ssize_t n =
          recv(mnl_socket_get_fd(events.get()), buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0 && errno != ENOBUFS && errno != EINTR) break;  // EAGAIN: drained
    }
    std::map<int, LinkState> new_links;
    for (const Msg& m : Dump(RTM_GETLINK)) {
      const auto& link = std::get<LinkMsg>(m);
      new_links[link.ifindex] = {link.name, (link.flags & IFF_UP) != 0,
                                 (link.flags & IFF_LOWER_UP) != 0};
    }
    std::set<AddressKey> new_addresses;
    std::map<AddressKey, std::string> labels;
    for (const Msg& m : Dump(RTM_GETADDR)) {
      const auto& addr = std::get<AddrMsg>(m);
      new_addresses.insert({addr.ifindex, addr.prefix});
      labels[{addr.ifindex, addr.prefix}] = addr.label;
    }
    const TimePoint time = Now();

    for (const AddressKey& key : std::set<AddressKey>(addresses)) {
      if (new_addresses.count(key) == 0)
        Apply(AddrMsg{true, key.first, key.second, ""}, time, false);
    }
    for (const auto& [index, state] : std::map<int, LinkState>(links)) {
      if (new_links.count(index) == 0) Apply(LinkMsg{true, index, state.name, 0}, time, false);
    }
    for (const auto& [index, state] : new_links) {
      const unsigned flags =
          (state.up ? unsigned{IFF_UP} : 0u) | (state.carrier ? unsigned{IFF_LOWER_UP} : 0u);
      Apply(LinkMsg{false, index, state.name, flags}, time, false);  // no-ops are filtered
    }
    for (const AddressKey& key : new_addresses) {
      Apply(AddrMsg{false, key.first, key.second, labels[key]}, time, false);  // known: filtered
    }
  }

  void OnReadable() {
    const int fd = mnl_socket_get_fd(events.get());
    for (;;) {  // drain: one wake-up may cover many datagrams
      const ssize_t n = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
      const TimePoint time = Now();  // stamped on receipt, before any parsing
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        if (errno == ENOBUFS) {
          Resync();
          continue;
        }
        Fail(errno, "could not read notifications");
      }
      std::vector<Msg> msgs;
      // seq 0 and portid 0: notifications are not replies to us, skip those checks.
      if (mnl_cb_run(buffer.data(), n, 0, 0, ParseMessage, &msgs) == MNL_CB_ERROR) {
        Fail(errno, "could not parse notifications");
      }
      for (const Msg& m : msgs) Apply(m, time, /*initial=*/false);
    }
  }
};

NetlinkMonitor::NetlinkMonitor(const NetworkNamespace& ns, EventLoop& loop, Handler handler)
    : impl_(std::make_unique<Impl>(ns.name(), loop, std::move(handler))) {
  // Netlink sockets belong to the namespace they are created in, whichever thread uses them.
  ns.Run([&] {
    impl_->events.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!impl_->events) impl_->Fail(errno, "could not open the notification socket");
    impl_->dump.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
    if (!impl_->dump) impl_->Fail(errno, "could not open the dump socket");
  });
  if (mnl_socket_bind(impl_->dump.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    impl_->Fail(errno, "could not bind the dump socket");
  }
  // SO_RCVBUFFORCE (root) may exceed net.core.rmem_max; fall back to what is allowed.
  const int fd = mnl_socket_get_fd(impl_->events.get());
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof(kReceiveBuffer)) < 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof(kReceiveBuffer));
  }
}

NetlinkMonitor::~NetlinkMonitor() {
  // Remove() waits for a running callback, so Impl is not in use when it is destroyed.
  if (impl_->registered) impl_->loop.Remove(mnl_socket_get_fd(impl_->events.get()));
}

void NetlinkMonitor::Start() {
  Impl& impl = *impl_;
  if (impl.started) throw SystemError::Plain("netlink monitor started twice");
  impl.started = true;
  // Subscribe before dumping: a change racing with the dump is then queued on the socket (and
  // possibly also in the dump, which only duplicates it) instead of being lost.
  if (mnl_socket_bind(impl.events.get(), RTMGRP_LINK | RTMGRP_IPV4_IFADDR, MNL_SOCKET_AUTOPID) <
      0) {
    impl.Fail(errno, "could not subscribe to link and address notifications");
  }
  impl.DumpInitial();
  impl.loop.Add(mnl_socket_get_fd(impl.events.get()),
                [p = impl_.get()](uint32_t /*events*/) { p->OnReadable(); });
  impl.registered = true;
}

}  // namespace viplab
