#include "harness/observe/wire_observer.h"

#include <fmt/format.h>

#include "netns/error.h"
#include "netns/network_namespace.h"

namespace viplab {

std::string AdvertDetail(const VrrpAdvert& a) {
  std::string out = fmt::format("prio {} v{} int {}{} vrid {}", a.priority, a.version,
                                a.advert_interval, a.version == 2 ? "s" : "cs", a.vrid);
  if (a.ttl != 255) out += fmt::format(" ttl {}", a.ttl);
  if (a.checksum_ok == false) out += " bad checksum";
  return out;
}

WireObserver::WireObserver(Timeline& timeline, std::map<Ipv4Address, std::string> nodes,
                           const std::vector<Ipv4Address>& vips)
    : timeline_(timeline), nodes_(std::move(nodes)), vips_(vips.begin(), vips.end()) {}

WireObserver::WireObserver(Timeline& timeline, std::map<Ipv4Address, std::string> nodes,
                           Ipv4Address vip)
    : WireObserver(timeline, std::move(nodes), std::vector<Ipv4Address>{vip}) {}

WireObserver::~WireObserver() {
  try {
    Stop();
  } catch (...) {
    // Never from a destructor; an owner that wants the error calls Stop() itself.
  }
}

void WireObserver::Start(const NetworkNamespace& ns, const std::string& interface,
                         const std::filesystem::path& file) {
  CaptureOptions options;
  options.interface = interface;
  options.file = file;
  capture_.emplace(PacketCapture::Open(ns, options));
  // A capture that stops early (a read error, or OnFrame throwing, which stops the loop) leaves
  // the timeline without the wire's events: the run cannot be judged on it.
  loop_.OnError([this](std::exception_ptr error) {
    timeline_.Fail("the wire capture stopped: " + ExceptionMessage(error));
  });
  capture_->Start(
      loop_, [this](const CapturedPacket& packet) { OnFrame(packet.bytes, packet.received); },
      [this](const std::string& why) { timeline_.Fail("the wire capture stopped: " + why); });
  loop_.Start();
}

void WireObserver::Stop() {
  if (capture_) capture_->Stop();  // unregisters first: the loop thread no longer calls OnFrame
  loop_.Stop();
}

std::string WireObserver::NodeOf(Ipv4Address address) const {
  auto it = nodes_.find(address);
  return it != nodes_.end() ? it->second : address.ToString();
}

void WireObserver::OnFrame(std::span<const uint8_t> frame, TimePoint at) {
  if (const std::optional<FrameSource> source = DecodeFrameSource(frame);
      source && source->ip && !vips_.count(*source->ip)) {
    auto node = nodes_.find(*source->ip);
    if (node != nodes_.end()) macs_[source->mac] = node->second;
  }
  if (const std::optional<VrrpAdvert> advert = DecodeVrrpFrame(frame)) {
    timeline_.Add(NodeOf(advert->source), event_kind::kAdvert, AdvertDetail(*advert), at);
    return;
  }
  if (const std::optional<ArpPacket> arp = DecodeArpFrame(frame);
      arp && arp->gratuitous() && vips_.count(arp->sender_ip)) {
    auto node = macs_.find(arp->sender_mac);
    TimelineEvent event(
        at, node != macs_.end() ? node->second : ToString(arp->sender_mac), event_kind::kGarp,
        fmt::format("{} is-at {} ({})", arp->sender_ip.ToString(), ToString(arp->sender_mac),
                    arp->operation == 1 ? "request" : "reply"));
    event.vip = arp->sender_ip.ToString();
    timeline_.Add(std::move(event));
  }
}

CaptureStats WireObserver::stats() const { return capture_ ? capture_->stats() : CaptureStats{}; }

std::string WireObserver::error() const {
  if (std::string loop_error = ExceptionMessage(loop_.last_error()); !loop_error.empty()) {
    return loop_error;
  }
  return capture_ ? capture_->error() : std::string();
}

}  // namespace viplab
