// PacketCapture on real interfaces: a switch namespace with a bridge and two member namespaces.
// n1 sends VRRP adverts (raw IP protocol 112, multicast and unicast) and a gratuitous ARP; the
// capture on the bridge must hand every frame to the decoder as it arrives and write a pcap file
// that libpcap reads back frame for frame.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <optional>

#include "netns/address.h"
#include "netns/error.h"
#include "netns/event_loop.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/packet_capture.h"
#include "netns/route_socket.h"
#include "netns/vrrp_packet.h"
#include "tests/common/lab_env.h"
#include "tests/common/wait.h"
#include "tests/netns/packet_builder.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;

const Ipv4Address kN1 = Ipv4Address::Parse("10.99.7.1");
const Ipv4Address kN2 = Ipv4Address::Parse("10.99.7.2");
const Ipv4Address kVip = Ipv4Address::Parse("10.99.7.200");
const Ipv4Address kVrrpGroup = Ipv4Address::Parse("224.0.0.18");
const MacAddress kGarpMac{0x02, 0x00, 0x00, 0x00, 0x07, 0x01};

struct Frame {
  TimePoint received;
  timeval timestamp;
  uint32_t wire_length;
  std::vector<uint8_t> bytes;
};

sockaddr_in SockAddr(Ipv4Address a) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr = a.ToInAddr();
  return sa;
}

class PacketCaptureTest : public testing::LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    sw_.emplace(NetworkNamespace::Create(Name("sw")));
    sw_sock_.emplace(RouteSocket::OpenIn(*sw_));
    CreateBridge(*sw_sock_, "br0");
    n1_.emplace(NetworkNamespace::Create(Name("n1")));
    n2_.emplace(NetworkNamespace::Create(Name("n2")));
    CreateVethPair(*sw_sock_, testing::Veth("p1", "eth0", n1_->fd(), "br0"));
    CreateVethPair(*sw_sock_, testing::Veth("p2", "eth0", n2_->fd(), "br0"));
    n1_sock_.emplace(RouteSocket::OpenIn(*n1_));
    n2_sock_.emplace(RouteSocket::OpenIn(*n2_));
    AddAddress(*n1_sock_, "eth0", Ipv4Prefix(kN1, 24));
    AddAddress(*n2_sock_, "eth0", Ipv4Prefix(kN2, 24));
    n1_eth0_ = *FindLink(*n1_sock_, "eth0");
    file_ = std::filesystem::temp_directory_path() / (prefix_ + "capture.pcap");
    loop_.Start();
  }

  void TearDown() override {
    capture_.reset();
    loop_.Stop();
    EXPECT_EQ(loop_.last_error(), nullptr);
    std::filesystem::remove(file_);
    n1_sock_.reset();
    n2_sock_.reset();
    sw_sock_.reset();
    n1_.reset();
    n2_.reset();
    sw_.reset();
    LabTest::TearDown();
  }

  void StartCapture(const NetworkNamespace& ns, const std::string& interface,
                    std::string filter = "") {
    CaptureOptions options;
    options.interface = interface;
    options.file = file_;
    options.filter = std::move(filter);
    capture_.emplace(PacketCapture::Open(ns, options));
    capture_->Start(loop_, [this](const CapturedPacket& p) {
      frames_.Push(Frame{p.received, p.timestamp, p.wire_length, {p.bytes.begin(), p.bytes.end()}});
    });
  }

  // Sends a VRRP message from n1 as a raw IP protocol-112 packet (the kernel adds the IP header).
  void SendVrrp(const testing::VrrpSpec& spec) {
    UniqueFd sock = n1_->OpenSocket(AF_INET, SOCK_RAW, kIpProtoVrrp);
    const int ttl = spec.ttl;
    ip_mreqn mreq{};
    mreq.imr_ifindex = n1_eth0_;
    CheckErrno(::setsockopt(sock.get(), IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq),
               "IP_MULTICAST_IF");
    CheckErrno(::setsockopt(sock.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl),
               "IP_MULTICAST_TTL");
    CheckErrno(::setsockopt(sock.get(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl), "IP_TTL");
    const std::vector<uint8_t> message = testing::VrrpMessage(spec);
    const sockaddr_in to = SockAddr(spec.destination);
    CheckErrno(::sendto(sock.get(), message.data(), message.size(), 0,
                        reinterpret_cast<const sockaddr*>(&to), sizeof to),
               "sendto VRRP");
  }

  // Sends a whole Ethernet frame out of n1's eth0.
  void SendFrame(const std::vector<uint8_t>& frame) {
    UniqueFd sock = n1_->OpenSocket(AF_PACKET, SOCK_RAW, 0);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = n1_eth0_;
    to.sll_halen = 6;
    std::copy_n(frame.begin(), 6, to.sll_addr);
    CheckErrno(::sendto(sock.get(), frame.data(), frame.size(), 0,
                        reinterpret_cast<const sockaddr*>(&to), sizeof to),
               "sendto frame");
  }

  // Waits for a frame matching `pred` (event-driven, 5 s at most); returns it.
  template <typename Pred>
  std::optional<Frame> WaitForFrame(Pred pred) {
    const int i = frames_.WaitFor([&](const Frame& f) { return pred(f); });
    if (i < 0) return std::nullopt;
    return frames_.Snapshot()[static_cast<size_t>(i)];
  }

  static testing::VrrpSpec Advert(int version, int priority, Ipv4Address to) {
    testing::VrrpSpec spec;
    spec.version = version;
    spec.priority = priority;
    spec.interval = version == 2 ? 1 : 50;
    spec.source = kN1;
    spec.destination = to;
    spec.addresses = {kVip};
    return spec;
  }

  std::optional<NetworkNamespace> sw_, n1_, n2_;
  std::optional<RouteSocket> sw_sock_, n1_sock_, n2_sock_;
  int n1_eth0_ = 0;
  std::filesystem::path file_;
  EventLoop loop_;
  testing::WaitableList<Frame> frames_;
  std::optional<PacketCapture> capture_;  // after loop_ and frames_: destroyed first
};

// Every frame of a pcap file, in order.
std::vector<std::vector<uint8_t>> ReadPcapFile(const std::filesystem::path& file, int* link_type,
                                               int* snaplen) {
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t* p = pcap_open_offline(file.c_str(), errbuf);
  EXPECT_NE(p, nullptr) << errbuf;
  std::vector<std::vector<uint8_t>> out;
  if (!p) return out;
  *link_type = pcap_datalink(p);
  *snaplen = pcap_snapshot(p);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(p, &header, &data)) == 1) out.emplace_back(data, data + header->caplen);
  EXPECT_EQ(rc, PCAP_ERROR_BREAK) << "the file ends cleanly: " << pcap_geterr(p);
  pcap_close(p);
  return out;
}

TEST_F(PacketCaptureTest, BridgeCaptureSeesAdvertsArpAndForwardedUnicastAndWritesThemToAFile) {
  StartCapture(*sw_, "br0");
  EXPECT_EQ(capture_->link_type(), DLT_EN10MB);
  const TimePoint before = Now();
  timeval wall_before{};
  ::gettimeofday(&wall_before, nullptr);

  SendVrrp(Advert(3, 150, kVrrpGroup));
  // Unicast to n2: n1 ARPs first (broadcast), n2 answers (unicast), then the advert (unicast).
  // Only a promiscuous bridge passes the last two up to the capture.
  SendVrrp(Advert(2, 100, kN2));
  SendFrame(testing::GratuitousArpFrame(kGarpMac, kVip));

  const auto multicast = WaitForFrame([](const Frame& f) {
    auto a = DecodeVrrpFrame(f.bytes);
    return a && a->version == 3;
  });
  const auto unicast = WaitForFrame([](const Frame& f) {
    auto a = DecodeVrrpFrame(f.bytes);
    return a && a->version == 2;
  });
  const auto arp_reply = WaitForFrame([](const Frame& f) {
    auto arp = DecodeArpFrame(f.bytes);
    return arp && arp->operation == 2 && arp->sender_ip == kN2;
  });
  const auto garp = WaitForFrame([](const Frame& f) { return IsGratuitousArp(f.bytes, kVip); });
  const TimePoint after = Now();
  ASSERT_TRUE(multicast && unicast && arp_reply && garp);

  const VrrpAdvert v3 = *DecodeVrrpFrame(multicast->bytes);
  EXPECT_EQ(v3.priority, 150);
  EXPECT_EQ(v3.advert_interval, 50);
  EXPECT_EQ(v3.source, kN1);
  EXPECT_EQ(v3.destination, kVrrpGroup);
  EXPECT_EQ(v3.ttl, 255);
  EXPECT_EQ(v3.addresses, std::vector<Ipv4Address>{kVip});
  EXPECT_EQ(v3.checksum_ok,
            std::optional<bool>(true));  // pseudo-header with the kernel's addresses
  const VrrpAdvert v2 = *DecodeVrrpFrame(unicast->bytes);
  EXPECT_EQ(v2.priority, 100);
  EXPECT_EQ(v2.destination, kN2);
  EXPECT_EQ(v2.checksum_ok, std::optional<bool>(true));
  EXPECT_EQ(DecodeArpFrame(garp->bytes)->sender_mac, kGarpMac);

  // Both clocks: CLOCK_MONOTONIC at receipt, and pcap's wall-clock stamp of the same moment.
  for (const Frame* f : {&*multicast, &*unicast, &*garp}) {
    EXPECT_GE(f->received, before);
    EXPECT_LE(f->received, after);
    EXPECT_GE(f->timestamp.tv_sec, wall_before.tv_sec);
    EXPECT_LE(f->timestamp.tv_sec, wall_before.tv_sec + 10);
    EXPECT_EQ(f->wire_length, f->bytes.size());  // all under the snaplen
  }

  capture_->Stop();
  capture_->Stop();  // idempotent
  const std::vector<Frame> seen = frames_.Snapshot();
  EXPECT_EQ(capture_->stats().packets, seen.size());
  EXPECT_EQ(capture_->stats().kernel_drops, 0u);
  EXPECT_EQ(capture_->error(), "");

  int link_type = 0, snaplen = 0;
  const std::vector<std::vector<uint8_t>> file = ReadPcapFile(file_, &link_type, &snaplen);
  EXPECT_EQ(link_type, DLT_EN10MB);
  EXPECT_EQ(snaplen, 256);
  ASSERT_EQ(file.size(), seen.size());
  for (size_t i = 0; i < file.size(); ++i) EXPECT_EQ(file[i], seen[i].bytes) << "frame " << i;
  const auto adverts = std::count_if(file.begin(), file.end(), [](const auto& bytes) {
    return DecodeVrrpFrame(bytes).has_value();
  });
  EXPECT_EQ(adverts, 2);
}

TEST_F(PacketCaptureTest, FilterAndSnaplenApply) {
  StartCapture(*sw_, "br0", "ip proto 112");
  testing::VrrpSpec big = Advert(3, 200, kN2);
  for (uint32_t i = 0; i < 100; ++i) big.addresses.push_back(Ipv4Address(0x0a630800 + i));
  SendVrrp(big);  // to n2: the ARP exchange before it is filtered out
  const auto frame = WaitForFrame([](const Frame&) { return true; });
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->bytes.size(), 256u);
  EXPECT_EQ(frame->wire_length, 14u + 20 + 8 + 4 * 101);
  // 101 addresses do not fit in 256 bytes: a truncated advert is not decoded.
  EXPECT_FALSE(DecodeVrrpFrame(frame->bytes));
  capture_->Stop();
  for (const Frame& f : frames_.Snapshot()) EXPECT_FALSE(DecodeArpFrame(f.bytes)) << "filtered";
}

TEST_F(PacketCaptureTest, OpensTheInterfaceOfTheGivenNamespace) {
  // "eth0" exists in n1, n2 and perhaps the host: the handle must be n2's.
  StartCapture(*n2_, "eth0");
  SendVrrp(Advert(2, 42, kN2));
  const auto frame = WaitForFrame([](const Frame& f) {
    auto a = DecodeVrrpFrame(f.bytes);
    return a && a->priority == 42;
  });
  EXPECT_TRUE(frame);
}

TEST_F(PacketCaptureTest, AMissingInterfaceIsASystemErrorNamingItAndTheNamespace) {
  CaptureOptions options;
  options.interface = "nosuch0";
  try {
    PacketCapture::Open(*sw_, options);
    FAIL() << "no exception";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'nosuch0'"));
    EXPECT_THAT(e.what(), HasSubstr(sw_->name()));
  }
  options.interface = "br0";
  options.filter = "this is not a filter";
  try {
    PacketCapture::Open(*sw_, options);
    FAIL() << "no exception";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("this is not a filter"));
  }
}

TEST_F(PacketCaptureTest, MovedAndDestroyedWithoutStopStillLeavesACompleteFile) {
  {
    CaptureOptions options;
    options.interface = "br0";
    options.file = file_;
    PacketCapture first = PacketCapture::Open(*sw_, options);
    first.Start(loop_, [this](const CapturedPacket& p) {
      frames_.Push(Frame{p.received, p.timestamp, p.wire_length, {p.bytes.begin(), p.bytes.end()}});
    });
    PacketCapture moved = std::move(first);
    SendVrrp(Advert(3, 77, kVrrpGroup));
    ASSERT_TRUE(WaitForFrame([](const Frame& f) { return DecodeVrrpFrame(f.bytes).has_value(); }));
  }  // destructors: the moved-from one does nothing, the other stops and closes the file
  int link_type = 0, snaplen = 0;
  const auto file = ReadPcapFile(file_, &link_type, &snaplen);
  EXPECT_EQ(file.size(), frames_.size());
  EXPECT_TRUE(std::any_of(file.begin(), file.end(), [](const auto& bytes) {
    auto a = DecodeVrrpFrame(bytes);
    return a && a->priority == 77;
  }));
}

}  // namespace
}  // namespace viplab
