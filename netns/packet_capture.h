// PacketCapture: libpcap capture of one interface inside a network namespace, read on an
// EventLoop thread and written to a pcap file as packets arrive.
//
// A pcap handle on Linux is a packet socket, bound to the namespace it was created in, so Open()
// creates and activates the handle on a thread that joined the namespace (NetworkNamespace::Run);
// the handle is then usable from any thread. It is opened in immediate mode (each packet is
// delivered as it arrives, not when a ring block fills), non-blocking, promiscuous by default (on
// a bridge this is what passes frames forwarded between its ports up to the capture), with a
// small snaplen: memory stays bounded by the kernel ring (`buffer_bytes`) and the file grows on
// disk, flushed after every batch read.
//
// Each packet gets two timestamps: pcap's (the kernel's, on the wall clock, also written to the
// file) and `received`, CLOCK_MONOTONIC when viplab read it — the clock of every other viplab
// observation.
//
// Threads: Start() registers the selectable fd with an EventLoop; the handler runs on that loop's
// thread, after the packet was written to the file. Stop() (from any other thread, or the loop
// thread) unregisters, reads what is still buffered (the handler then runs on the caller's
// thread), writes the statistics, and closes the file; it is idempotent, and the destructor calls
// it. A read error (e.g. the interface was deleted) ends the capture early; error() says why. An
// exception thrown by the handler propagates out of the loop callback (which stops the loop, see
// EventLoop) or out of Stop().
#pragma once

#include <sys/time.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "netns/clock.h"

namespace viplab {

class EventLoop;
class NetworkNamespace;

struct CaptureOptions {
  std::string interface;       // e.g. the lab bridge "vl-3-br"
  std::filesystem::path file;  // pcap file written as packets arrive; empty: none
  int snaplen = 256;           // bytes kept per packet
  bool promiscuous = true;     // needed on a bridge to see forwarded unicast
  int buffer_bytes = 1 << 20;  // kernel ring size
  std::string filter;          // pcap-filter(7) expression; empty: every packet
};

struct CapturedPacket {
  TimePoint received;              // CLOCK_MONOTONIC when read from the capture
  timeval timestamp{};             // pcap's timestamp (kernel, wall clock), as in the file
  uint32_t wire_length = 0;        // length on the wire
  std::span<const uint8_t> bytes;  // the captured part; valid during the handler call only
};

struct CaptureStats {
  uint64_t packets = 0;       // delivered to the handler (and written to the file)
  uint64_t kernel_drops = 0;  // dropped because the ring was full; known after Stop()
};

class PacketCapture {
 public:
  using Handler = std::function<void(const CapturedPacket&)>;

  // Opens `options.interface` inside `ns`, applies the filter and opens the file. Throws
  // SystemError naming the interface and namespace (or the file) on failure.
  static PacketCapture Open(const NetworkNamespace& ns, const CaptureOptions& options);

  PacketCapture(PacketCapture&&) noexcept;
  PacketCapture& operator=(PacketCapture&&) noexcept;
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;
  ~PacketCapture();  // Stop(); never throws

  // Starts reading on `loop` (which must outlive Stop()); `handler` may be empty. Once only.
  // `on_end` (may be empty) is called on the loop thread with error() when a read error ends the
  // capture early.
  void Start(EventLoop& loop, Handler handler,
             std::function<void(const std::string&)> on_end = nullptr);
  // See the file comment. Closes the handle and the file; idempotent. Not from the handler.
  void Stop();

  const std::filesystem::path& file() const;
  int link_type() const;  // DLT_EN10MB for Ethernet
  CaptureStats stats() const;
  std::string error() const;  // why reading stopped early; empty if it did not

 private:
  struct State;
  explicit PacketCapture(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace viplab
